#pragma once
// The names consistent hashing places hosts by (ketama points, Maglev permutations). They must
// not depend on list order or on anything but the configuration, so a host keeps its keys
// across restarts and when other hosts come and go: the configured name ("10.0.0.1:8080",
// "api1.example.com"), plus the address when one name resolved to several hosts.
#include <map>
#include <string>
#include <vector>

#include "yoke/balancing/host_set.h"

namespace yoke::balancing {

inline std::vector<std::string> host_identities(const std::vector<const Host*>& group) {
  std::map<std::string, int> uses;
  for (const Host* host : group) ++uses[host->name];
  std::vector<std::string> identities;
  identities.reserve(group.size());
  for (const Host* host : group) {
    identities.push_back(uses[host->name] > 1 ? host->name + " " + host->address.to_string()
                                              : host->name);
  }
  return identities;
}

}  // namespace yoke::balancing
