#pragma once
// Helpers for the simulator's tests: a scenario from inline text, and a run of one policy.
#include <string>

#include "result.h"
#include "runner.h"
#include "scenario.h"

namespace yoke::sim::testing {

// The single scenario in text (wrapped in `scenario test { … }`).
inline Scenario scenario_from(const std::string& body) {
  return parse_scenarios("scenario test {\n" + body + "\n}\n", "test.scn").front();
}

// Runs policy (name and arguments, e.g. "sim-jsq stale") over scenario with seed.
inline PolicyResult run_policy(const Scenario& scenario, const std::string& policy,
                               std::uint64_t seed = 1) {
  Scenario only = scenario;
  only.policies = parse_scenarios("scenario p { servers 1; policy " + policy + "; }", "policy")
                      .front()
                      .policies;
  RunOptions options;
  options.seed = seed;
  return run_scenario(only, options).policies.front();
}

}  // namespace yoke::sim::testing
