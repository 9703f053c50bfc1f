#pragma once
// Runs one scenario with one policy. Deterministic: the same scenario, policy and seed give the
// same result, and every policy of a scenario faces the same arrivals, service demands, keys and
// node assignment (only what the policies decide differs).
#include <cstdint>

#include "result.h"
#include "scenario.h"
#include "yoke/balancing/policy.h"

namespace yoke::sim {

PolicyResult simulate(const Scenario& scenario, const PolicySpec& policy,
                      const balancing::PolicyFactory& factory, std::uint64_t seed);

// Total capacity of the non-backup servers in requests per nanosecond (slots · speed / mean
// service time): the base of the scenario's `load`.
double capacity(const Scenario& scenario);

}  // namespace yoke::sim
