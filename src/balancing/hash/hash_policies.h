#pragma once
// The three kinds of `hash` (hash_policy.cc registers the directive and picks one).
#include <memory>
#include <vector>

#include "yoke/balancing/policy.h"

namespace yoke::balancing {

// Immutable state, built once per snapshot and shared by the workers.
SharedPolicyStatePtr build_ketama_ring(const std::vector<const Host*>& group);
SharedPolicyStatePtr build_maglev_state(const std::vector<const Host*>& group);

std::unique_ptr<Policy> make_modulo_hash(const std::vector<const Host*>& group);
// ring: from build_ketama_ring over the same group. balance_factor 0: no load bound.
std::unique_ptr<Policy> make_consistent_hash(const std::vector<const Host*>& group,
                                             SharedPolicyStatePtr ring, double balance_factor);
// state: from build_maglev_state over the same group.
std::unique_ptr<Policy> make_maglev_hash(const std::vector<const Host*>& group,
                                         SharedPolicyStatePtr state, double balance_factor);

}  // namespace yoke::balancing
