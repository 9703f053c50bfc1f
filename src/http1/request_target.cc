// Request-target forms (RFC 9112 §3.2).
#include "http1/request_target.h"

#include "http1/byte_scan.h"
#include "http1/field_syntax.h"
#include "yoke/http1/message.h"

namespace yoke::http1 {
namespace {

void split_path_and_query(std::string_view path_and_query, TargetParts& parts) {
  const std::size_t question = path_and_query.find('?');
  if (question == std::string_view::npos) {
    parts.path = path_and_query;
    return;
  }
  parts.path = path_and_query.substr(0, question);
  parts.query = path_and_query.substr(question + 1);
}

// authority-form = uri-host ":" port (RFC 9112 §3.2.3): CONNECT needs an explicit port.
bool is_host_and_port(std::string_view target) {
  const std::size_t colon = target.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view port = target.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  return is_valid_authority(target.substr(0, colon));
}

// The scheme prefix of an absolute-form target, or 0 when it is not http:// or https://.
// Schemes are case-insensitive (RFC 3986 §3.1).
std::size_t scheme_prefix_length(std::string_view target) {
  constexpr std::string_view kHttp = "http://";
  constexpr std::string_view kHttps = "https://";
  if (iequals(target.substr(0, kHttp.size()), kHttp)) return kHttp.size();
  if (iequals(target.substr(0, kHttps.size()), kHttps)) return kHttps.size();
  return 0;
}

std::string_view split_absolute_form(std::string_view target, TargetParts& parts) {
  const std::size_t scheme_length = scheme_prefix_length(target);
  if (scheme_length == 0) return "request-target is not origin-form or absolute-form";
  const std::string_view rest = target.substr(scheme_length);
  const std::size_t authority_end = rest.find_first_of("/?");
  parts.authority = rest.substr(0, authority_end);
  // RFC 9110 §4.2.4: userinfo ("user@host") must be treated as an error; '@' is not a host
  // character, so is_valid_authority rejects it along with empty authorities.
  if (!is_valid_authority(parts.authority)) return "invalid authority in request-target";
  if (authority_end == std::string_view::npos) {
    parts.path = "/";
    return {};
  }
  split_path_and_query(rest.substr(authority_end), parts);
  if (parts.path.empty()) parts.path = "/";
  return {};
}

}  // namespace

bool is_valid_authority(std::string_view authority) {
  return is_valid_authority_in(authority, authority);
}

bool is_valid_authority_in(std::string_view text, std::string_view authority) {
  const auto begin = static_cast<std::size_t>(authority.data() - text.data());
  const std::size_t end = begin + authority.size();
  return !authority.empty() && scan::span_host(text, begin, end) == end;
}

std::string_view split_request_target(std::string_view method, std::string_view target,
                                      TargetParts& parts) {
  parts = TargetParts{};
  // Methods are case-sensitive (RFC 9110 §9.1).
  if (method == "CONNECT") {
    if (!is_host_and_port(target)) return "CONNECT needs an authority-form target";
    parts.authority = target;
    return {};
  }
  if (!target.empty() && target[0] == '/') {
    split_path_and_query(target, parts);
    return {};
  }
  if (target == "*") {
    if (method != "OPTIONS") return "asterisk-form target outside OPTIONS";
    parts.path = target;
    return {};
  }
  return split_absolute_form(target, parts);
}

}  // namespace yoke::http1
