#pragma once
// The typed builders behind load_config: one per configuration context.
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

// upstream NAME { }.
Upstream build_upstream(const Directive& upstream, const BuildOptions& options);
// One `server ADDRESS [parameters];` line of an upstream block.
UpstreamServer build_upstream_server(const Directive& server, const BuildOptions& options);

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

// Checks across servers: at least one, no conflicting server names, one default per address.
void validate_http(const Http& http, const SourceLocation& http_where);
// Every server on a TLS address has a certificate or rejects handshakes (validate_ssl.cc).
void validate_ssl(const Http& http);

}  // namespace yoke::config
