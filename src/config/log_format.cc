// log_format NAME [escape=default|json|none] 'string' …; (ngx_http_log_module, http only) and
// the check that every access_log names a format that exists, made once the http block is read.
#include "config/build.h"
#include "config/directive_checks.h"
#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

// nginx's predefined "combined" format.
constexpr std::string_view kCombined =
    R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent )"
    R"("$http_referer" "$http_user_agent")";

// Yoke's "json" format: one object per line (docs/logging.md, "The json format"). Numbers that
// always have a value are JSON numbers; everything else is a string.
constexpr std::string_view kJson =
    R"({"time":"$time_iso8601","remote_addr":"$remote_addr","remote_port":"$remote_port",)"
    R"("request_id":"$request_id","trace_id":"$trace_id","span_id":"$span_id",)"
    R"("method":"$request_method","uri":"$request_uri","protocol":"$server_protocol",)"
    R"("host":"$host","scheme":"$scheme","status":$status,"body_bytes_sent":$body_bytes_sent,)"
    R"("bytes_sent":$bytes_sent,"request_length":$request_length,)"
    R"("request_time":$request_time,"upstream_addr":"$upstream_addr",)"
    R"("upstream_status":"$upstream_status",)"
    R"("upstream_response_time":"$upstream_response_time",)"
    R"("upstream_connect_time":"$upstream_connect_time",)"
    R"("upstream_header_time":"$upstream_header_time","http_referer":"$http_referer",)"
    R"("http_user_agent":"$http_user_agent","ssl_protocol":"$ssl_protocol",)"
    R"("connection":$connection,"connection_requests":$connection_requests})";

void add_builtin(Http& http, std::string_view name, std::string_view text, LogEscape escape) {
  Argument argument;
  argument.text = std::string(text);
  argument.where.file = "(built-in log_format " + std::string(name) + ")";
  LogFormat format;
  format.name = std::string(name);
  format.escape = escape;
  format.text = parse_value_template(argument);
  http.log_formats.push_back(std::move(format));
}

bool has_format(const Http& http, std::string_view name) {
  for (const LogFormat& format : http.log_formats) {
    if (format.name == name) return true;
  }
  return false;
}

void check_formats(const Http& http, const std::vector<AccessLog>& logs) {
  for (const AccessLog& log : logs) {
    if (!has_format(http, log.format)) {
      fail(log.format_where, "unknown log format " + quote(log.format));
    }
  }
}

LogEscape read_escape(const Argument& argument) {
  std::string_view value = std::string_view(argument.text).substr(7);
  if (value == "default") return LogEscape::kDefault;
  if (value == "json") return LogEscape::kJson;
  if (value == "none") return LogEscape::kNone;
  fail(argument.where, "unknown log format escaping " + quote(value) +
                           ", expected \"default\", \"json\" or \"none\"");
}

}  // namespace

void add_builtin_log_formats(Http& http) {
  add_builtin(http, "combined", kCombined, LogEscape::kDefault);
  add_builtin(http, "json", kJson, LogEscape::kJson);
}

void add_log_format(const Directive& directive, Http& http) {
  require_no_block(directive);
  if (directive.args.size() < 2) {
    fail(directive.where, "invalid number of arguments in \"log_format\" directive");
  }
  LogFormat format;
  format.name = directive.args[0].text;
  format.where = directive.where;
  if (format.name == "main" || has_format(http, format.name)) {
    fail(directive.args[0].where, "duplicate \"log_format\" name " + quote(format.name));
  }
  std::size_t first = 1;
  if (directive.args[1].text.starts_with("escape=")) {
    format.escape = read_escape(directive.args[1]);
    first = 2;
  }
  if (first >= directive.args.size()) {
    fail(directive.where, "invalid number of arguments in \"log_format\" directive");
  }
  // nginx joins the strings of a format as they are: each may end in its own spaces.
  for (std::size_t i = first; i < directive.args.size(); ++i) {
    ValueTemplate part = parse_builtin_value_template(directive.args[i], "log_format");
    format.text.source += part.source;
    for (TemplatePart& piece : part.parts) {
      auto& parts = format.text.parts;
      if (!piece.is_variable && !parts.empty() && !parts.back().is_variable) {
        parts.back().text += piece.text;
      } else {
        parts.push_back(std::move(piece));
      }
    }
  }
  http.log_formats.push_back(std::move(format));
}

void check_log_formats(const Http& http) {
  for (const Server& server : http.servers) {
    check_formats(http, server.access_logs);
    for (const Location& location : server.locations) check_formats(http, location.access_logs);
  }
}

}  // namespace yoke::config
