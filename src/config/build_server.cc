// server { } inside http: listen, server_name, locations and the settings locations inherit.
#include <algorithm>

#include "config/build.h"
#include "config/directive_checks.h"
#include "config/server_names.h"

namespace yoke::config {
namespace {

void add_listen(const Directive& directive, Server& server) {
  Listen listen = build_listen(directive);
  for (const auto& existing : server.listens) {
    if (existing.address == listen.address) {
      fail(directive.where, "a duplicate listen " + listen.address.to_string());
    }
  }
  server.listens.push_back(std::move(listen));
}

// nginx: "listen *:80" is implied when a server has none (it uses 8000 when not run as root;
// Yoke always uses 80).
Listen default_listen(const SourceLocation& where) {
  Listen listen;
  SocketAddress::parse_numeric("0.0.0.0:80", listen.address);
  listen.where = where;
  return listen;
}

bool same_location(const Location& a, const Location& b) {
  auto kind = [](LocationMatch match) {
    // "location /a" and "location ^~ /a" are the same prefix location to nginx.
    return match == LocationMatch::kPreferPrefix ? LocationMatch::kPrefix : match;
  };
  return kind(a.match) == kind(b.match) && a.pattern == b.pattern;
}

void add_location(Location location, Server& server) {
  for (const auto& existing : server.locations) {
    if (same_location(existing, location)) {
      fail(location.where, "duplicate location " + quote(location.pattern));
    }
  }
  server.locations.push_back(std::move(location));
}

}  // namespace

Server build_server(const Directive& directive, const InheritedSettings& http_settings, Http& http,
                    const BuildOptions& options) {
  require_block(directive);
  require_args(directive, 0, 0);
  Server server;
  server.where = directive.where;
  InheritedSettings own;
  std::vector<const Directive*> locations;
  for (const auto& inner : directive.block) {
    if (inner.name == "listen") {
      add_listen(inner, server);
    } else if (inner.name == "server_name") {
      read_server_names(inner, server.server_names);
    } else if (inner.name == "location") {
      locations.push_back(&inner);
    } else if (!read_inherited_directive(inner, Level::kServer, own)) {
      reject_directive(inner);
    }
  }
  InheritedSettings merged = merge_settings(http_settings, own);
  apply_settings(merged, server);
  if (server.listens.empty()) server.listens.push_back(default_listen(directive.where));
  for (const Directive* location : locations) {
    add_location(build_location(*location, merged, http, options), server);
  }
  return server;
}

}  // namespace yoke::config
