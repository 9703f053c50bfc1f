#pragma once
// Variables in header values ($host, $remote_addr, $http_user_agent …), compiled once from a
// config::ValueTemplate into an array of parts, then evaluated per request without allocation
// by appending to an output. Names and meanings follow nginx's ngx_http_variables.c.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "yoke/config/value_template.h"

namespace yoke::router {

enum class VariableId : std::uint8_t {
  kLiteral,
  kHost,
  kRemoteAddr,
  kRemotePort,
  kBinaryRemoteAddr,
  kProxyAddXForwardedFor,
  kScheme,
  kRequestUri,
  kUri,
  kArgs,
  kServerPort,
  kServerName,
  kRequestId,
  kRequestMethod,
  kProxyHost,
  kSslProtocol,
  kSslCipher,
  kSslServerName,
  kSslSessionReused,
  kSslClientSubject,
  kSslClientVerify,
  kRealipRemoteAddr,   // the connection's own address, whatever realip made $remote_addr
  kProxyProtocolAddr,  // the client a PROXY protocol header named; empty without one
  kProxyProtocolPort,
  // Meant for access logs (ngx_http_log_module, ngx_http_upstream_module): the request as it
  // ends. Elsewhere they show the request so far.
  kRemoteUser,
  kTimeLocal,
  kTimeIso8601,
  kMsec,
  kRequest,
  kServerProtocol,
  kStatus,
  kBodyBytesSent,
  kBytesSent,
  kRequestLength,
  kRequestTime,
  kUpstreamAddr,
  kUpstreamStatus,
  kUpstreamResponseTime,
  kUpstreamConnectTime,
  kUpstreamHeaderTime,
  kConnection,
  kConnectionRequests,
  kPipe,
  kTraceId,
  kSpanId,
  kHttpField,      // $http_NAME: name holds the field name with '_' for '-'
  kArg,            // $arg_NAME
  kCookie,         // $cookie_NAME
  kSentHttpField,  // $sent_http_NAME: a field of the response head as sent
  kUser,           // a map or geoip2 variable: index into the RouteTable's UserVariables
  kCapture,        // $0 … $9 in a map value: index is the regex group
};

// True for the variables whose value comes from the request head, which a worker keeps only
// while the head is processed: access logs copy them when the request is routed.
bool reads_request_head(VariableId id);

// Whether a header field is the one $http_NAME / $sent_http_NAME names: '_' in the name
// matches '-' in the field, in any case (nginx).
bool field_matches_variable(std::string_view field, std::string_view variable_name);

struct CompiledPart {
  VariableId id = VariableId::kLiteral;
  std::string text;         // the literal, or NAME for $http_ / $arg_ / $cookie_
  std::uint32_t index = 0;  // kUser, kCapture
};

struct CompiledTemplate {
  std::vector<CompiledPart> parts;
  bool empty_literal() const { return parts.empty(); }
};

// Compiles a template; unknown names were already rejected by the config loader, so this
// cannot fail (an unknown name would compile to an empty literal). user_names: the map and
// geoip2 variables in UserVariables order (user_variables.h); "$1" compiles to a capture.
CompiledTemplate compile_template(const config::ValueTemplate& value,
                                  std::span<const std::string> user_names = {});

// What a request offers to variable evaluation. Views point into the request's buffers.
class VariableSource {
 public:
  virtual std::string_view value(VariableId id, std::string_view name) const = 0;
  // $proxy_add_x_forwarded_for needs two parts; sources expose them separately.
  virtual std::string_view forwarded_for() const = 0;
  // A map or geoip2 variable (VariableId::kUser), evaluated at most once per request.
  virtual std::string_view user_value(std::uint32_t /*index*/) const { return ""; }

 protected:
  ~VariableSource() = default;
};

// Appends one part's value through append(std::string_view); a capture appends nothing (only
// a map's evaluation knows its captures, and handles them itself).
template <typename Append>
void expand_part(const CompiledPart& part, const VariableSource& source, Append&& append) {
  if (part.id == VariableId::kLiteral) {
    append(std::string_view(part.text));
  } else if (part.id == VariableId::kProxyAddXForwardedFor) {
    // nginx: the client's X-Forwarded-For, ", ", then $remote_addr.
    std::string_view existing = source.forwarded_for();
    if (!existing.empty()) {
      append(existing);
      append(std::string_view(", "));
    }
    append(source.value(VariableId::kRemoteAddr, {}));
  } else if (part.id == VariableId::kUser) {
    append(source.user_value(part.index));
  } else if (part.id != VariableId::kCapture) {
    append(source.value(part.id, part.text));
  }
}

// Appends template's expansion through append(std::string_view).
template <typename Append>
void expand(const CompiledTemplate& value, const VariableSource& source, Append&& append) {
  for (const CompiledPart& part : value.parts) expand_part(part, source, append);
}

}  // namespace yoke::router
