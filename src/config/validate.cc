// Checks that need every server: nginx's ngx_http_optimize_servers step. Sockets are not bound
// here; an address already in use is reported by the runtime when it listens.
#include <map>
#include <utility>

#include "config/build.h"
#include "config/directive_checks.h"

namespace yoke::config {
namespace {

// Two servers answering the same name on the same address: nginx warns and ignores the second;
// Yoke refuses, since the second server would never be used.
void check_server_names(const Http& http) {
  std::map<std::pair<std::string, std::string>, const Server*> owners;
  for (const auto& server : http.servers) {
    std::vector<std::string> names = server.server_names;
    if (names.empty()) names.emplace_back("");  // nginx's default server_name is ""
    for (const auto& listen : server.listens) {
      for (const auto& name : names) {
        auto key = std::make_pair(listen.address.to_string(), name);
        auto [it, inserted] = owners.emplace(key, &server);
        if (!inserted && it->second != &server) {
          fail(server.where, "conflicting server name " + quote(name) + " on " + key.first +
                                 ", already used by the server at " +
                                 it->second->where.to_string());
        }
      }
    }
  }
}

void check_default_servers(const Http& http) {
  std::map<std::string, const Listen*> defaults;
  for (const auto& server : http.servers) {
    for (const auto& listen : server.listens) {
      if (!listen.default_server) continue;
      auto [it, inserted] = defaults.emplace(listen.address.to_string(), &listen);
      if (!inserted) fail(listen.where, "a duplicate default server for " + it->first);
    }
  }
}

}  // namespace

void validate_http(const Http& http, const SourceLocation& http_where) {
  if (http.servers.empty()) {
    fail(http_where, "no \"server\" block inside \"http\", expected at least one");
  }
  check_server_names(http);
  check_default_servers(http);
  validate_ssl(http);
}

}  // namespace yoke::config
