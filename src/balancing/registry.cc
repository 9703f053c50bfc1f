// The policy registry: policies add themselves from static initialisers in their own folders,
// so adding a policy touches no core file (STYLE.md habit 4).
#include <algorithm>
#include <vector>

#include "yoke/balancing/policy.h"

namespace yoke::balancing {
namespace {

// Function-local static: safe to use from other translation units' static initialisers.
std::vector<PolicyFactory>& registry() {
  static std::vector<PolicyFactory> factories;
  return factories;
}

}  // namespace

bool register_policy(const PolicyFactory& factory) {
  registry().push_back(factory);
  return true;
}

const PolicyFactory* find_policy(std::string_view directive) {
  for (const auto& factory : registry()) {
    if (factory.directive == directive) return &factory;
  }
  return nullptr;
}

std::vector<std::string_view> policy_names() {
  std::vector<std::string_view> names;
  for (const auto& factory : registry()) names.push_back(factory.directive);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace yoke::balancing
