#include "reference_policies.h"

namespace yoke::sim {

const balancing::PolicyFactory* find_reference_policy(std::string_view name) {
  for (const balancing::PolicyFactory* factory : {&sim_random_factory(), &sim_jsq_factory()}) {
    if (factory->directive == name) return factory;
  }
  return nullptr;
}

std::vector<std::string_view> reference_policy_names() {
  return {sim_jsq_factory().directive, sim_random_factory().directive};
}

}  // namespace yoke::sim
