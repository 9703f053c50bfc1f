#pragma once
// Settings that inherit down http → server → location, kept as "set at this level or not"
// so they can be merged exactly as nginx's merge_loc_conf callbacks do: a value set at a lower
// level wins, an unset one takes the parent's, and defaults apply only at the end.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "yoke/config/model.h"

namespace yoke::config {

enum class Level { kHttp, kServer, kLocation };

struct LargeHeaderBuffers {
  int count = 4;
  std::uint64_t size = 8192;
};

// A file named by an ssl_* directive, and where.
struct SslFile {
  std::string path;
  SourceLocation where;
};

// ngx_http_ssl_module settings (inherited_ssl.cc); http and server level only.
struct InheritedSsl {
  std::optional<std::vector<SslFile>> certificates;
  std::optional<std::vector<SslFile>> keys;
  std::optional<unsigned> protocols;
  std::optional<std::string> ciphers;
  std::optional<bool> prefer_server_ciphers;
  std::optional<std::size_t> session_cache_entries;
  std::optional<Duration> session_timeout;
  std::optional<bool> session_tickets;
  std::optional<bool> reject_handshake;
  std::optional<std::vector<std::pair<std::string, std::string>>> conf_commands;
  std::optional<VerifyClient> verify_client;
  SourceLocation verify_client_where;
  std::optional<int> verify_depth;
  std::optional<SslFile> client_certificate;
  std::optional<bool> stapling;
  SourceLocation stapling_where;
  std::optional<SslFile> stapling_file;
};

struct InheritedSettings {
  // Set as a whole: a level with any proxy_set_header replaces the parent's entire list
  // (nginx: the list is inherited only when the level defines none).
  std::optional<std::vector<HeaderSetting>> proxy_set_headers;
  std::optional<int> proxy_http_version_minor;
  std::optional<Duration> proxy_connect_timeout;
  std::optional<Duration> proxy_read_timeout;
  std::optional<Duration> proxy_send_timeout;
  std::optional<NextUpstream> next_upstream;
  std::optional<int> next_upstream_tries;
  std::optional<Duration> next_upstream_timeout;
  std::optional<std::uint64_t> client_max_body_size;
  std::optional<Duration> client_body_timeout;
  std::optional<Duration> send_timeout;
  std::optional<Duration> keepalive_timeout;
  std::optional<int> keepalive_requests;
  // Several access_log directives on one level all apply; a level with any (or with
  // "access_log off", which leaves the list empty) replaces the parent's list (nginx).
  std::optional<std::vector<AccessLog>> access_logs;
  bool access_log_off = false;  // this level said "access_log off" (not inherited)
  std::optional<TraceContext> trace_context;
  // Set as a whole, like proxy_set_headers (nginx: inherited only when a level has none).
  std::optional<std::vector<RateLimitRule>> limit_req;
  std::optional<int> limit_req_status;
  std::optional<bool> limit_req_dry_run;
  std::optional<std::vector<ConnLimitRule>> limit_conn;
  std::optional<int> limit_conn_status;
  std::optional<bool> limit_conn_dry_run;
  // Set as a whole: a level with any allow/deny replaces the parent's list (nginx).
  std::optional<std::vector<AccessRule>> access;
  std::optional<std::vector<security::IpPrefix>> real_ip_from;
  std::optional<bool> real_ip_proxy_protocol;
  std::optional<std::string> real_ip_header;
  std::optional<bool> real_ip_recursive;
  std::optional<MinRate> client_min_rate;
  // http and server only: they act before a location is chosen.
  std::optional<AcceptLimitRule> limit_accept;
  std::optional<Duration> client_header_timeout;
  std::optional<LargeHeaderBuffers> large_header_buffers;
  InheritedSsl ssl;
};

// Reads directive into settings when it is an inheritable directive; returns false when it is
// not one. Fails for errors, and with "not allowed here" for a server-only directive at
// location level.
bool read_inherited_directive(const Directive& directive, Level level, InheritedSettings& settings);

// The proxy_* directives (inherited_proxy.cc); false when directive is not one of them.
bool read_proxy_directive(const Directive& directive, InheritedSettings& settings);
// The client-side directives (inherited_client.cc); false when directive is not one of them.
bool read_client_directive(const Directive& directive, InheritedSettings& settings);
// access_log and trace_context (access_log.cc); false when directive is neither.
bool read_log_directive(const Directive& directive, InheritedSettings& settings);
// limit_req and limit_conn with their _status and _dry_run (inherited_limits.cc); false for
// others.
bool read_limit_directive(const Directive& directive, InheritedSettings& settings);

// allow, deny, set_real_ip_from, real_ip_header, real_ip_recursive (inherited_access.cc);
// false for others.
bool read_access_directive(const Directive& directive, InheritedSettings& settings);
// allow / deny into rules (also used inside limit_except).
void add_access_rule(const Directive& directive, std::vector<AccessRule>& rules);

// The ssl_* directives (inherited_ssl.cc); false when directive is not one of them. Fails with
// "not allowed here" at location level.
bool read_ssl_directive(const Directive& directive, Level level, InheritedSsl& ssl);
InheritedSsl merge_ssl(const InheritedSsl& parent, const InheritedSsl& child);
// Effective settings; pairs certificates with keys (an unpaired one is an error).
Ssl apply_ssl(const InheritedSsl& ssl);

// child with every unset value taken from parent.
InheritedSettings merge_settings(const InheritedSettings& parent, const InheritedSettings& child);
// Effective values with Yoke's defaults for anything still unset.
void apply_settings(const InheritedSettings& settings, Location& location);
void apply_settings(const InheritedSettings& settings, Server& server);

}  // namespace yoke::config
