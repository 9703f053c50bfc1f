// Request heads (RFC 9112 §2, §3): request line, field section, then Host and framing checks.
#include <algorithm>

#include "http1/byte_scan.h"
#include "http1/field_section.h"
#include "http1/field_syntax.h"
#include "http1/framing.h"
#include "http1/http_version.h"
#include "http1/line_finder.h"
#include "http1/parse_results.h"
#include "http1/request_target.h"
#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

// Resets every scalar of out; the Header array is left alone (header_count says what is valid),
// which saves clearing 3 KiB per request.
void reset_scalars(RequestHead& out) {
  out.method = out.target = out.path = out.query = out.host = {};
  out.version_minor = 1;
  out.header_count = 0;
  out.body = BodyKind::kNone;
  out.content_length = 0;
  out.keep_alive = true;
  out.expect_continue = false;
  out.upgrade = false;
  out.head_size = 0;
}

// RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request
// line (some clients send an extra CRLF after a POST body). Returns the request line's offset.
std::size_t skip_leading_empty_lines(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes[pos] == '\n') {
      ++pos;
    } else if (bytes[pos] == '\r' && pos + 1 < bytes.size() && bytes[pos + 1] == '\n') {
      pos += 2;
    } else {
      break;
    }
  }
  return pos;
}

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
// The general path: line is the content of a line find_line found; every error is told apart.
ParseResult parse_request_line(std::string_view line, RequestHead& out) {
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

// The fast path for the request line at line_begin: when it is complete and well-formed — method
// SP request-target SP HTTP/1.x, then CRLF or LF, content at most max_line bytes — it is scanned
// in one pass, with no search for the LF first, and the offset after it is returned. Anything
// else returns 0 and the general path (find_line, parse_request_line) decides, so errors and
// their order are the general path's. When this succeeds the general path would too, with the
// same result: such a line holds no LF before the version's end, so find_line would stop at the
// same line ending, and the spans would stop at the same spaces.
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

// The request line at line_begin, by the fast path or else the general one. Returns the offset
// after the line in next, with method, target and version set.
ParseResult parse_request_line_at(std::string_view bytes, std::size_t line_begin,
                                  const Limits& limits, RequestHead& out, std::size_t& next) {
  next = scan_clean_request_line(bytes, line_begin, limits.max_request_line, out);
  if (next != 0) {
    if (next > limits.max_head) return error(431, "head too large");
    return complete();
  }
  const Line line = find_line(bytes, line_begin, limits.max_request_line);
  if (line.status != LineStatus::kFound) {
    return incomplete_request_line(bytes, line_begin, limits, line.status);
  }
  if (line.next > limits.max_head) return error(431, "head too large");
  next = line.next;
  return parse_request_line(bytes.substr(line_begin, line.content_end - line_begin), out);
}

// The target's form and parts (RFC 9112 §3.2); path and query into out.
ParseResult split_target(RequestHead& out, TargetParts& parts) {
  const std::string_view problem = split_request_target(out.method, out.target, parts);
  if (!problem.empty()) return error(400, problem);
  out.path = parts.path;
  out.query = parts.query;
  return complete();
}

// RFC 9112 §3.2: 400 for an HTTP/1.1 request without Host, with several Host fields, or with an
// invalid Host value. An absolute-form or authority-form target's authority replaces the Host
// value (RFC 9112 §3.2.2), but Host must still be present and valid.
// head is the whole head, which known.host points into: the host check scans it in place, so a
// short Host value still gets a full-width vector test (see byte_scan_sse2.h).
ParseResult check_host(std::string_view head, const framing::KnownFields& known,
                       const TargetParts& parts, RequestHead& out) {
  if (known.host_count > 1) return error(400, "more than one Host field");
  if (known.host_count == 0) {
    if (out.version_minor >= 1) return error(400, "missing Host field");
  } else if (!is_valid_authority_in(head, known.host)) {
    return error(400, "invalid Host field");
  }
  out.host = parts.authority.empty() ? known.host : parts.authority;
  return complete();
}

}  // namespace

ParseResult parse_request_head(std::string_view bytes, const Limits& limits, RequestHead& out) {
  reset_scalars(out);
  const std::size_t line_begin = skip_leading_empty_lines(bytes);
  std::size_t line_next = 0;
  ParseResult result = parse_request_line_at(bytes, line_begin, limits, out, line_next);
  if (!is_complete(result)) return result;
  TargetParts parts;
  result = split_target(out, parts);
  if (!is_complete(result)) return result;

  FieldSection section;
  section.headers = out.headers;
  result = parse_field_section(bytes, line_next, limits, section);
  out.header_count = section.count;
  if (!is_complete(result)) return result;

  result = check_host(bytes, section.known, parts, out);
  if (!is_complete(result)) return result;
  result = framing::apply_request_framing(section.known, out);
  if (!is_complete(result)) return result;
  out.head_size = section.end;
  return result;
}

}  // namespace yoke::http1
