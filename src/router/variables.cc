#include "yoke/router/variables.h"

#include <utility>

namespace yoke::router {
namespace {

struct NamedVariable {
  std::string_view name;
  VariableId id;
};

constexpr NamedVariable kVariables[] = {
    {"host", VariableId::kHost},
    {"remote_addr", VariableId::kRemoteAddr},
    {"remote_port", VariableId::kRemotePort},
    {"binary_remote_addr", VariableId::kBinaryRemoteAddr},
    {"proxy_add_x_forwarded_for", VariableId::kProxyAddXForwardedFor},
    {"scheme", VariableId::kScheme},
    {"request_uri", VariableId::kRequestUri},
    {"uri", VariableId::kUri},
    {"document_uri", VariableId::kUri},
    {"args", VariableId::kArgs},
    {"query_string", VariableId::kArgs},
    {"server_port", VariableId::kServerPort},
    {"server_name", VariableId::kServerName},
    {"request_id", VariableId::kRequestId},
    {"request_method", VariableId::kRequestMethod},
    {"proxy_host", VariableId::kProxyHost},
    {"ssl_protocol", VariableId::kSslProtocol},
    {"ssl_cipher", VariableId::kSslCipher},
    {"ssl_server_name", VariableId::kSslServerName},
    {"ssl_session_reused", VariableId::kSslSessionReused},
    {"ssl_client_s_dn", VariableId::kSslClientSubject},
    {"ssl_client_verify", VariableId::kSslClientVerify},
    {"realip_remote_addr", VariableId::kRealipRemoteAddr},
    {"proxy_protocol_addr", VariableId::kProxyProtocolAddr},
    {"proxy_protocol_port", VariableId::kProxyProtocolPort},
    {"remote_user", VariableId::kRemoteUser},
    {"time_local", VariableId::kTimeLocal},
    {"time_iso8601", VariableId::kTimeIso8601},
    {"msec", VariableId::kMsec},
    {"request", VariableId::kRequest},
    {"server_protocol", VariableId::kServerProtocol},
    {"status", VariableId::kStatus},
    {"body_bytes_sent", VariableId::kBodyBytesSent},
    {"bytes_sent", VariableId::kBytesSent},
    {"request_length", VariableId::kRequestLength},
    {"request_time", VariableId::kRequestTime},
    {"upstream_addr", VariableId::kUpstreamAddr},
    {"upstream_status", VariableId::kUpstreamStatus},
    {"upstream_response_time", VariableId::kUpstreamResponseTime},
    {"upstream_connect_time", VariableId::kUpstreamConnectTime},
    {"upstream_header_time", VariableId::kUpstreamHeaderTime},
    {"connection", VariableId::kConnection},
    {"connection_requests", VariableId::kConnectionRequests},
    {"pipe", VariableId::kPipe},
    {"trace_id", VariableId::kTraceId},
    {"span_id", VariableId::kSpanId},
};

struct Prefix {
  std::string_view prefix;
  VariableId id;
};

constexpr Prefix kPrefixes[] = {
    {"http_", VariableId::kHttpField},
    {"arg_", VariableId::kArg},
    {"cookie_", VariableId::kCookie},
    {"sent_http_", VariableId::kSentHttpField},
};

CompiledPart compile_variable(std::string_view name, std::span<const std::string> user_names) {
  if (name.size() == 1 && name[0] >= '0' && name[0] <= '9') {
    return {VariableId::kCapture, {}, static_cast<std::uint32_t>(name[0] - '0')};
  }
  for (std::size_t i = 0; i < user_names.size(); ++i) {
    if (user_names[i] == name) return {VariableId::kUser, {}, static_cast<std::uint32_t>(i)};
  }
  for (const auto& variable : kVariables) {
    if (variable.name == name) return {variable.id, {}, 0};
  }
  for (const auto& prefix : kPrefixes) {
    if (name.starts_with(prefix.prefix)) {
      return {prefix.id, std::string(name.substr(prefix.prefix.size())), 0};
    }
  }
  return {VariableId::kLiteral, {}, 0};
}

}  // namespace

bool field_matches_variable(std::string_view field, std::string_view variable_name) {
  if (field.size() != variable_name.size()) return false;
  for (std::size_t i = 0; i < field.size(); ++i) {
    char a = field[i] == '-' ? '_' : field[i];
    char b = variable_name[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

bool reads_request_head(VariableId id) {
  switch (id) {
    case VariableId::kHost:
    case VariableId::kRequestUri:
    case VariableId::kArgs:
    case VariableId::kRequestMethod:
    case VariableId::kRemoteUser:
    case VariableId::kRequest:
    case VariableId::kHttpField:
    case VariableId::kArg:
    case VariableId::kCookie:
    case VariableId::kProxyAddXForwardedFor:
      return true;
    default:
      return false;
  }
}

CompiledTemplate compile_template(const config::ValueTemplate& value,
                                  std::span<const std::string> user_names) {
  CompiledTemplate compiled;
  for (const auto& part : value.parts) {
    CompiledPart next = part.is_variable ? compile_variable(part.text, user_names)
                                         : CompiledPart{VariableId::kLiteral, part.text, 0};
    // Adjacent literals merge so expansion appends fewer pieces.
    if (next.id == VariableId::kLiteral && !compiled.parts.empty() &&
        compiled.parts.back().id == VariableId::kLiteral) {
      compiled.parts.back().text += next.text;
    } else if (next.id != VariableId::kLiteral || !next.text.empty()) {
      compiled.parts.push_back(std::move(next));
    }
  }
  return compiled;
}

}  // namespace yoke::router
