// Error wording follows nginx's (ngx_conf_handler, ngx_conf_set_*_slot) so that messages are
// familiar and searchable; each one carries the offending token's file:line:column.
#include "config/directive_checks.h"

#include <algorithm>
#include <filesystem>

#include "config/durations.h"
#include "yoke/balancing/policy.h"

namespace yoke::config {
namespace {

// Every directive of every context: a name found here but used in the wrong block is "not
// allowed here" rather than "unknown".
constexpr std::string_view kKnownDirectives[] = {
    // main, events
    "worker_processes", "error_log", "pid", "events", "worker_connections", "use",
    "worker_shutdown_timeout", "drain_grace", "http", "include",
    // admin
    "admin", "token_file", "denylist_file",
    // http, upstream, server, location
    "upstream", "server", "sticky", "keepalive", "listen", "server_name", "location", "proxy_pass",
    "return",
    // inherited down http → server → location
    "proxy_set_header", "proxy_http_version", "proxy_connect_timeout", "proxy_read_timeout",
    "proxy_send_timeout", "proxy_next_upstream", "proxy_next_upstream_tries",
    "proxy_next_upstream_timeout", "client_max_body_size", "client_body_timeout", "send_timeout",
    "keepalive_timeout", "keepalive_requests", "access_log", "client_header_timeout",
    "large_client_header_buffers", "limit_req", "limit_req_status", "limit_req_dry_run",
    "limit_conn", "limit_conn_status", "limit_conn_dry_run", "allow", "deny", "set_real_ip_from",
    "real_ip_header", "real_ip_recursive", "client_min_rate", "limit_accept", "limit_except",
    "trace_context",
    // http only
    "limit_req_zone", "limit_conn_zone", "limit_accept_zone", "log_format",
    // active health checks (nginx Plus): health_check in upstream, match in http and its tests
    "health_check", "match", "status", "header", "body",
    // ngx_http_ssl_module (http and server)
    "ssl_certificate", "ssl_certificate_key", "ssl_protocols", "ssl_ciphers",
    "ssl_prefer_server_ciphers", "ssl_session_cache", "ssl_session_timeout", "ssl_session_tickets",
    "ssl_reject_handshake", "ssl_conf_command", "ssl_verify_client", "ssl_verify_depth",
    "ssl_client_certificate", "ssl_stapling", "ssl_stapling_file",
    // resilience (docs/resilience.md): upstream, and the balancer's zone in main
    "outlier_detection", "retry_budget", "zone_aware", "priority_spill", "yoke_zone",
    // geolocation (docs/global.md): map and geoip2 in http; regions in upstream
    "map", "geoip2", "region_policy", "region_order", "region_key", "region_spill"};

bool is_known_directive(std::string_view name) {
  for (auto known : kKnownDirectives) {
    if (known == name) return true;
  }
  return balancing::find_policy(name) != nullptr;
}

}  // namespace

std::string quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

void fail(const SourceLocation& where, const std::string& message) {
  throw ConfigError(where, message);
}

void require_block(const Directive& directive) {
  if (!directive.has_block) {
    fail(directive.where, "directive " + quote(directive.name) + " has no opening \"{\"");
  }
}

void require_no_block(const Directive& directive) {
  if (directive.has_block) {
    fail(directive.where, "directive " + quote(directive.name) + " is not terminated by \";\"");
  }
}

void require_args(const Directive& directive, std::size_t min, std::size_t max) {
  if (directive.args.size() < min || directive.args.size() > max) {
    fail(directive.where, "invalid number of arguments in " + quote(directive.name) + " directive");
  }
}

void require_simple(const Directive& directive, std::size_t count) {
  require_no_block(directive);
  require_args(directive, count, count);
}

void reject_directive(const Directive& directive) {
  if (is_known_directive(directive.name)) {
    fail(directive.where, quote(directive.name) + " directive is not allowed here");
  }
  fail(directive.where, "unknown directive " + quote(directive.name));
}

void reject_duplicate(const Directive& directive, bool already_set) {
  if (already_set) fail(directive.where, quote(directive.name) + " directive is duplicate");
}

Argument value_of(const Argument& argument, std::size_t equals) {
  Argument value = argument;
  value.text = argument.text.substr(equals + 1);
  if (!argument.quoted) value.where.column += static_cast<int>(equals + 1);
  return value;
}

Duration duration_value(const Directive& directive, const Argument& argument, bool allow_zero) {
  Duration value{};
  ParseStatus status = parse_duration(argument.text, value);
  std::string prefix = "invalid value " + quote(argument.text) + " in " + quote(directive.name) +
                       " directive, expected ";
  if (status == ParseStatus::kInvalid) {
    fail(argument.where, prefix + "a time such as \"30s\", \"500ms\" or \"1m30s\"");
  }
  if (status == ParseStatus::kOutOfRange) fail(argument.where, prefix + "at most 365 days");
  if (!allow_zero && value.count() == 0) fail(argument.where, prefix + "a time above zero");
  return value;
}

std::uint64_t size_value(const Directive& directive, const Argument& argument) {
  std::uint64_t value = 0;
  ParseStatus status = parse_size(argument.text, value);
  if (status != ParseStatus::kOk) {
    fail(argument.where, "invalid value " + quote(argument.text) + " in " + quote(directive.name) +
                             " directive, expected a size such as \"1024\", \"8k\" or \"1m\"" +
                             (status == ParseStatus::kOutOfRange ? " (too large)" : ""));
  }
  return value;
}

int count_value(const Directive& directive, const Argument& argument, int min, int max) {
  std::int64_t value = 0;
  ParseStatus status = parse_count(argument.text, max, value);
  if (status != ParseStatus::kOk || value < min) {
    fail(argument.where, "invalid value " + quote(argument.text) + " in " + quote(directive.name) +
                             " directive, expected a number from " + std::to_string(min) + " to " +
                             std::to_string(max));
  }
  return static_cast<int>(value);
}

// RFC 9110 §5.1: a field name is a token; §5.6.2 lists the token characters.
bool is_header_name(std::string_view name) {
  constexpr std::string_view kTokenPunctuation = "!#$%&'*+-.^_`|~";
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kTokenPunctuation.find(c) != std::string_view::npos;
  });
}

// Relative paths are taken from the folder of the file that names them, as `include` does.
std::string resolve_path(const Argument& argument) {
  const std::string& text = argument.text;
  if (!text.empty() && text.front() == '/') return text;
  std::string folder = std::filesystem::path(argument.where.file).parent_path().string();
  return folder.empty() ? text : folder + "/" + text;
}

}  // namespace yoke::config
