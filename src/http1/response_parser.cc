// Response heads (RFC 9112 §4): status line, field section, then framing. Every error is a 502:
// the fault is the upstream's, and the client gets a Bad Gateway.
#include "http1/field_section.h"
#include "http1/field_syntax.h"
#include "http1/framing.h"
#include "http1/http_version.h"
#include "http1/line_finder.h"
#include "http1/parse_results.h"
#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

constexpr int kBadGateway = 502;
constexpr std::string_view kVersionPrefix = "HTTP/";

void reset_scalars(ResponseHead& out) {
  out.status = 0;
  out.reason = {};
  out.version_minor = 1;
  out.header_count = 0;
  out.body = BodyKind::kNone;
  out.content_length = 0;
  out.keep_alive = true;
  out.head_size = 0;
}

// status-code = 3DIGIT (RFC 9110 §15). Like nginx, 100-999 is accepted: codes above 599 are
// invalid HTTP but some upstreams use them, and the client should see them as the server sent.
bool parse_status_code(std::string_view digits, int& status) {
  if (digits.size() != 3 || digits[0] < '1' || digits[0] > '9') return false;
  int value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  status = value;
  return true;
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4). The second SP
// is missing in the wild when the reason is empty; accept that, as nginx does.
ParseResult parse_status_line(std::string_view line, ResponseHead& out) {
  constexpr std::size_t kVersionLength = 8;
  if (line.size() < kVersionLength + 4 || line[kVersionLength] != ' ') {
    return error(kBadGateway, "invalid status line");
  }
  if (check_http_version(line.substr(0, kVersionLength), out.version_minor) !=
      VersionCheck::kSupported) {
    return error(kBadGateway, "unsupported HTTP version in status line");
  }
  if (!parse_status_code(line.substr(kVersionLength + 1, 3), out.status)) {
    return error(kBadGateway, "invalid status code");
  }
  std::string_view rest = line.substr(kVersionLength + 4);
  if (rest.empty()) return complete();
  if (rest[0] != ' ') return error(kBadGateway, "invalid status line");
  rest.remove_prefix(1);
  // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ): the field-value characters.
  if (syntax::span(syntax::kFieldValueChar, rest) != rest.size()) {
    return error(kBadGateway, "invalid character in reason phrase");
  }
  out.reason = rest;
  return complete();
}

// A status line that has not fully arrived: fail early when its prefix is not "HTTP/".
ParseResult incomplete_status_line(std::string_view bytes, const Limits& limits,
                                   LineStatus status) {
  if (status == LineStatus::kTooLong) return error(kBadGateway, "status line too long");
  if (bytes.size() > limits.max_head) return error(kBadGateway, "response head too large");
  const std::size_t compared =
      bytes.size() < kVersionPrefix.size() ? bytes.size() : kVersionPrefix.size();
  if (bytes.substr(0, compared) != kVersionPrefix.substr(0, compared)) {
    return error(kBadGateway, "invalid status line");
  }
  return incomplete();
}

}  // namespace

ParseResult parse_response_head(std::string_view bytes, const Limits& limits, bool request_was_head,
                                ResponseHead& out) {
  reset_scalars(out);
  const Line line = find_line(bytes, 0, limits.max_request_line);
  if (line.status != LineStatus::kFound) return incomplete_status_line(bytes, limits, line.status);
  if (line.next > limits.max_head) return error(kBadGateway, "response head too large");
  ParseResult result = parse_status_line(bytes.substr(0, line.content_end), out);
  if (!is_complete(result)) return result;

  FieldSection section;
  section.headers = out.headers;
  result = parse_field_section(bytes, line.next, limits, section);
  out.header_count = section.count;
  if (result.state == ParseState::kError) return error(kBadGateway, result.reason);
  if (!is_complete(result)) return result;

  result = framing::apply_response_framing(section.known, request_was_head, out);
  if (!is_complete(result)) return result;
  out.head_size = section.end;
  return result;
}

}  // namespace yoke::http1
