#pragma once
// Helpers shared by the hash policies' tests.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "balancing/support/policy_testing.h"
#include "yoke/balancing/hash.h"

namespace yoke::balancing::testing {

inline LbContext keyed(std::uint64_t key) {
  LbContext context;
  context.hash_key = key;
  context.has_hash_key = true;
  return context;
}

// The key the proxy computes for `hash $cookie_user` with user=N.
inline std::uint64_t user_key(int n) { return hash_bytes("user-" + std::to_string(n)); }

// Hosts with the given names (their identities), weight 1.
inline std::vector<Host> named_hosts(const std::vector<std::string>& names) {
  std::vector<Host> hosts;
  hosts.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    Host host;
    host.index = i;
    host.name = names[i];
    hosts.push_back(host);
  }
  return hosts;
}

inline std::vector<std::string> server_names(int count) {
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) names.push_back("10.1.0." + std::to_string(i + 1) + ":8080");
  return names;
}

// Which host name each of `keys` user keys maps to, for a fresh policy over hosts named names
// (a fresh policy: as after a restart, or a reload with that server list).
inline std::vector<std::string> owners(const std::string& words,
                                       const std::vector<std::string>& names, int keys) {
  std::vector<Host> hosts = named_hosts(names);
  std::vector<const Host*> group;
  group.reserve(hosts.size());
  for (const Host& host : hosts) group.push_back(&host);
  auto policy = find_policy("hash")->create(arguments(words), group);
  AllEligible all;
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(keys));
  for (int key = 0; key < keys; ++key)
    out.push_back(policy->choose(keyed(user_key(key)), all)->name);
  return out;
}

inline int moved_keys(const std::vector<std::string>& before,
                      const std::vector<std::string>& after) {
  int moved = 0;
  for (std::size_t i = 0; i < before.size(); ++i) moved += before[i] != after[i] ? 1 : 0;
  return moved;
}

}  // namespace yoke::balancing::testing
