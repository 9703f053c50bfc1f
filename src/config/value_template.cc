// "$name" and "${name}" in directive values, as nginx's script compiler reads them
// (ngx_http_script_compile): a name is letters, digits and "_"; braces let text follow a name
// directly ("${host}name").
#include <algorithm>
#include <string>
#include <utility>

#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

constexpr std::string_view kVariables[] = {
    "host", "remote_addr", "remote_port", "proxy_add_x_forwarded_for", "scheme", "request_uri",
    "uri", "args", "server_port", "server_name", "request_id", "request_method", "proxy_host",
    "binary_remote_addr", "document_uri", "query_string",
    // ngx_http_ssl_module's (empty on plain connections)
    "ssl_protocol", "ssl_cipher", "ssl_server_name", "ssl_session_reused", "ssl_client_s_dn",
    "ssl_client_verify",
    // ngx_http_realip_module's and the PROXY protocol's (empty without a header)
    "realip_remote_addr", "proxy_protocol_addr", "proxy_protocol_port",
    // known at any time but meant for log_format: they describe the request as it ends
    "remote_user", "time_local", "time_iso8601", "msec", "request", "server_protocol", "status",
    "body_bytes_sent", "bytes_sent", "request_length", "request_time", "upstream_addr",
    "upstream_status", "upstream_response_time", "upstream_connect_time", "upstream_header_time",
    "connection", "connection_requests", "pipe",
    // W3C Trace Context (trace_context, docs/logging.md)
    "trace_id", "span_id"};

// The current UserVariableScope's names; null outside one.
thread_local const std::vector<std::string>* user_variables = nullptr;

bool is_capture(std::string_view name) {
  return name.size() == 1 && name[0] >= '0' && name[0] <= '9';
}

// Families of variables named by a prefix: request headers, query arguments, cookies, and the
// response's header fields as sent.
constexpr std::string_view kPrefixes[] = {"http_", "arg_", "cookie_", "sent_http_"};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

void append_literal(ValueTemplate& value, char c) {
  if (value.parts.empty() || value.parts.back().is_variable) value.parts.push_back({false, ""});
  value.parts.back().text += c;
}

// Reads the variable starting at text[pos] == '$'; returns the position after it.
std::size_t read_variable(const Argument& argument, std::size_t pos, ValueTemplate& value,
                          bool allow_captures) {
  const std::string& text = argument.text;
  bool braced = pos + 1 < text.size() && text[pos + 1] == '{';
  std::size_t start = pos + (braced ? 2 : 1);
  std::size_t end = start;
  // "$1x" is capture 1 then "x" (ngx_http_script_compile reads one digit after '$').
  if (end < text.size() && text[end] >= '0' && text[end] <= '9') {
    ++end;
  } else {
    while (end < text.size() && is_name_char(text[end])) ++end;
  }
  std::string name = text.substr(start, end - start);
  if (name.empty()) {
    throw ConfigError(argument.where, "invalid variable name in \"" + text + "\"");
  }
  if (braced) {
    if (end >= text.size() || text[end] != '}') {
      throw ConfigError(argument.where,
                        "the closing bracket in \"" + name + "\" variable is missing");
    }
    ++end;
  }
  if (!is_known_variable(name) && !(allow_captures && is_capture(name))) {
    throw ConfigError(argument.where, "unknown \"" + name + "\" variable");
  }
  value.parts.push_back({true, std::move(name)});
  return end;
}

}  // namespace

UserVariableScope::UserVariableScope(std::vector<std::string> names) : names_(std::move(names)) {
  user_variables = &names_;
}

UserVariableScope::~UserVariableScope() { user_variables = nullptr; }

bool is_known_variable(std::string_view name) {
  if (user_variables != nullptr) {
    for (const std::string& user : *user_variables) {
      if (name == user) return true;
    }
  }
  for (auto known : kVariables) {
    if (name == known) return true;
  }
  for (auto prefix : kPrefixes) {
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

ValueTemplate parse_value_template(const Argument& argument, bool allow_captures) {
  ValueTemplate value;
  value.source = argument.text;
  std::size_t pos = 0;
  while (pos < argument.text.size()) {
    if (argument.text[pos] == '$') {
      pos = read_variable(argument, pos, value, allow_captures);
    } else {
      append_literal(value, argument.text[pos++]);
    }
  }
  return value;
}

ValueTemplate parse_builtin_value_template(const Argument& argument, std::string_view what) {
  ValueTemplate value = parse_value_template(argument);
  for (const TemplatePart& part : value.parts) {
    if (part.is_variable && user_variables != nullptr &&
        std::find(user_variables->begin(), user_variables->end(), part.text) !=
            user_variables->end()) {
      throw ConfigError(argument.where, "\"$" + part.text +
                                            "\" (a map or geoip2 variable) is not supported in " +
                                            std::string(what) + " yet");
    }
  }
  return value;
}

}  // namespace yoke::config
