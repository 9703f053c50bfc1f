#pragma once
// The typed builders behind load_config: one per configuration context.
#include <optional>
#include <string>
#include <vector>

#include "config/inherited.h"
#include "yoke/config/model.h"

namespace yoke::config {

struct BuildOptions {
  // When false, any address that is not numeric fails as "host not found" without asking the
  // resolver: the fuzz target uses this so it never blocks on DNS.
  bool resolve_hostnames = true;
};

// Builds and validates a Config from parsed (include-expanded) directives. Throws ConfigError.
Config build_config(const std::vector<Directive>& directives, const std::string& file,
                    const BuildOptions& options);

// The http { } block.
Http build_http(const Directive& http, const BuildOptions& options);

// limit_req_zone (limit_zones.cc): one zone; adding it fails on a duplicate name; the check
// fails at a limit_req naming no zone.
RateLimitZone build_limit_req_zone(const Directive& directive);
void add_limit_req_zone(Http& http, RateLimitZone zone);
// limit_accept_zone, the same way (no key: the client's address).
RateLimitZone build_limit_accept_zone(const Directive& directive);
void add_limit_accept_zone(Http& http, RateLimitZone zone);
// limit_conn_zone, the same way; check_limit_req_zones checks limit_conn's zones too.
ConnLimitZone build_limit_conn_zone(const Directive& directive);
void add_limit_conn_zone(Http& http, ConnLimitZone zone);
void check_limit_req_zones(const Http& http);
// Puts the built-in formats "combined" and "json" first in http.log_formats (log_format.cc).
void add_builtin_log_formats(Http& http);
// log_format (log_format.cc): adds the format, failing on a duplicate name or bad escape=.
void add_log_format(const Directive& directive, Http& http);
// Fails at the first access_log whose format is neither built in nor defined by log_format.
void check_log_formats(const Http& http);

// map SOURCE $VARIABLE { } (map_block.cc); map_variable_name: the variable it defines,
// without '$' (read before the block, so every value may use any map's variable).
Map build_map(const Directive& map);
std::string map_variable_name(const Directive& map);
// geoip2 FILE { } (geoip2_block.cc); geoip2_variable_name: one line's variable, without '$'.
GeoIp2 build_geoip2(const Directive& geoip2);
std::string geoip2_variable_name(const Directive& line);

// upstream NAME { }.
Upstream build_upstream(const Directive& upstream, const BuildOptions& options);
// `health_check [parameters];` inside an upstream block.
HealthCheck build_health_check(const Directive& health_check);
// `match NAME { status …; header …; body …; }` inside http.
Match build_match(const Directive& match);
// Every health_check match=NAME names a match block (checked once http is read).
void check_match_references(const Http& http);

// `sticky cookie NAME [parameters];` in an upstream block.
StickyCookie build_sticky(const Directive& sticky);

// One `server ADDRESS [parameters];` line of an upstream block.
UpstreamServer build_upstream_server(const Directive& server, const BuildOptions& options);

// The servers a `state FILE;` keeps (upstream_members.cc), nullopt when the file is absent.
std::optional<std::vector<UpstreamServer>> read_state_servers(const std::string& path,
                                                              const BuildOptions& options);

// server { } inside http; may add implicit upstreams for proxy_pass to http.upstreams.
Server build_server(const Directive& server, const InheritedSettings& http_settings, Http& http,
                    const BuildOptions& options);
// One `listen` directive.
Listen build_listen(const Directive& listen);

// location [modifier] PATTERN { } inside server.
Location build_location(const Directive& location, const InheritedSettings& server_settings,
                        Http& http, const BuildOptions& options);
// proxy_pass URL, in a location matched the way `match` says.
ProxyPass build_proxy_pass(const Directive& proxy_pass, LocationMatch match, Http& http,
                           const BuildOptions& options);

// admin { } in the main context; reads the token file. validate_admin: its address is not one
// a server listens on.
Admin build_admin(const Directive& admin);
void validate_admin(const Admin& admin, const Http& http);

// Checks across servers: at least one, no conflicting server names, one default per address.
void validate_http(const Http& http, const SourceLocation& http_where);
// Every server on a TLS address has a certificate or rejects handshakes (validate_ssl.cc).
void validate_ssl(const Http& http);

}  // namespace yoke::config
