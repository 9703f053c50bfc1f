// Request lines (RFC 9112 §3); see request_line.h.
#include "http1/request_line.h"

#include <algorithm>

#include "http1/byte_scan.h"
#include "http1/field_syntax.h"
#include "http1/http_version.h"
#include "http1/line_finder.h"
#include "http1/parse_results.h"

namespace yoke::http1 {
namespace {

// While the request line is incomplete, reject what can already be seen to be wrong — a TLS
// ClientHello or binary garbage on a plain port — instead of waiting for 8 KiB and a LF.
bool partial_method_is_plausible(std::string_view partial) {
  const std::size_t method_end = syntax::span(syntax::kTokenChar, partial);
  if (method_end == partial.size()) return true;
  if (partial[method_end] == ' ') return method_end > 0;
  return partial[method_end] == '\r' && method_end + 1 == partial.size();
}

ParseResult check_version(std::string_view version, int& minor) {
  switch (check_http_version(version, minor)) {
    case VersionCheck::kSupported:
      return complete();
    case VersionCheck::kUnsupported:
      return error(505, "HTTP version not supported");
    case VersionCheck::kMalformed:
      break;
  }
  return error(400, "invalid HTTP version");
}

// Called when no complete request line has arrived: reject early what is already too long or
// already wrong, else wait.
ParseResult incomplete_request_line(std::string_view bytes, std::size_t line_begin,
                                    const Limits& limits, LineStatus status) {
  if (status == LineStatus::kTooLong) return error(414, "request line too long");
  if (bytes.size() > limits.max_head) return error(431, "head too large");
  if (!partial_method_is_plausible(bytes.substr(line_begin))) {
    return error(400, "invalid method");
  }
  return incomplete();
}

// request-line = method SP request-target SP HTTP-version (RFC 9112 §3), single spaces only.
// line is the content of a line find_line found.
ParseResult parse_line_content(std::string_view line, RequestHead& out) {
  const std::size_t method_end = scan::span_token(line, 0, line.size());
  if (method_end == 0 || method_end == line.size() || line[method_end] != ' ') {
    return error(400, "invalid method");
  }
  out.method = line.substr(0, method_end);
  const std::size_t target_begin = method_end + 1;
  const std::size_t target_end = scan::span_target(line, target_begin, line.size());
  if (target_end == target_begin || target_end == line.size() || line[target_end] != ' ') {
    return error(400, "invalid request-target");
  }
  out.target = line.substr(target_begin, target_end - target_begin);
  return check_version(line.substr(target_end + 1), out.version_minor);
}

}  // namespace

// One pass, with no search for the LF first. Anything it does not accept goes to the general
// path, so errors and their order are the general path's. When it succeeds the general path
// would too, with the same result: the line it accepts holds no LF before the version's end,
// so find_line would stop at the same line ending, and the spans would stop at the same spaces.
std::size_t scan_clean_request_line(std::string_view bytes, std::size_t line_begin,
                                    std::size_t max_line, RequestHead& out) {
  constexpr std::size_t kVersionSize = 8;  // "HTTP/1.1"
  const std::size_t window = line_begin + std::min(bytes.size() - line_begin, max_line);
  const std::size_t method_end = scan::span_token(bytes, line_begin, window);
  if (method_end == line_begin || method_end == window || bytes[method_end] != ' ') return 0;
  const std::size_t target_begin = method_end + 1;
  const std::size_t target_end = scan::span_target(bytes, target_begin, window);
  if (target_end == target_begin || target_end == window || bytes[target_end] != ' ') return 0;
  const std::size_t version_begin = target_end + 1;
  if (window - version_begin < kVersionSize) return 0;
  const std::size_t content_end = version_begin + kVersionSize;
  std::size_t next = 0;
  if (content_end < bytes.size() && bytes[content_end] == '\n') {
    next = content_end + 1;
  } else if (content_end + 1 < bytes.size() && bytes[content_end] == '\r' &&
             bytes[content_end + 1] == '\n') {
    next = content_end + 2;
  } else {
    return 0;
  }
  if (check_http_version(bytes.substr(version_begin, kVersionSize), out.version_minor) !=
      VersionCheck::kSupported) {
    return 0;
  }
  out.method = bytes.substr(line_begin, method_end - line_begin);
  out.target = bytes.substr(target_begin, target_end - target_begin);
  return next;
}

ParseResult parse_request_line_general(std::string_view bytes, std::size_t line_begin,
                                       const Limits& limits, RequestHead& out, std::size_t& next) {
  const Line line = find_line(bytes, line_begin, limits.max_request_line);
  if (line.status != LineStatus::kFound) {
    return incomplete_request_line(bytes, line_begin, limits, line.status);
  }
  if (line.next > limits.max_head) return error(431, "head too large");
  next = line.next;
  return parse_line_content(bytes.substr(line_begin, line.content_end - line_begin), out);
}

// The order of checks is the general path's: the line must have arrived, fit max_request_line
// and max_head, and only then be valid. A line the fast path accepts has arrived, fits
// max_request_line and is valid, so only max_head is left to check.
ParseResult parse_request_line(std::string_view bytes, std::size_t line_begin, const Limits& limits,
                               RequestHead& out, std::size_t& next) {
  next = scan_clean_request_line(bytes, line_begin, limits.max_request_line, out);
  if (next == 0) return parse_request_line_general(bytes, line_begin, limits, out, next);
  if (next > limits.max_head) return error(431, "head too large");
  return complete();
}

}  // namespace yoke::http1
