#pragma once
// Reference baselines that exist only in the simulator, never in Yoke: "sim-random" (uniform
// random, the floor any policy should beat) and "sim-jsq" (join the shortest queue with perfect
// global knowledge, the classic near-optimal reference). They implement balancing::Policy and
// are driven through UpstreamBalancer exactly like the registered policies, but they are not in
// Yoke's registry, so yoke.conf cannot name them.
#include <string_view>
#include <vector>

#include "yoke/balancing/policy.h"

namespace yoke::sim {

// The reference policy called name, or nullptr.
const balancing::PolicyFactory* find_reference_policy(std::string_view name);
std::vector<std::string_view> reference_policy_names();

// Defined in reference_random.cc and reference_jsq.cc.
const balancing::PolicyFactory& sim_random_factory();
const balancing::PolicyFactory& sim_jsq_factory();

}  // namespace yoke::sim
