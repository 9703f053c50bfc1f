#pragma once
// Picks the policies of a scenario (its own list, or the one given with --policies), resolves
// each to a factory — a simulator reference policy or one registered in Yoke's policy registry —
// and runs them.
#include <cstdint>
#include <string>
#include <vector>

#include "result.h"
#include "scenario.h"
#include "yoke/balancing/policy.h"

namespace yoke::sim {

struct RunOptions {
  std::uint64_t seed = 1;
  // When not empty (--policies): run only the scenario's policies with these names, plus, with
  // no arguments, any named here that the scenario does not list.
  std::vector<std::string> policies;
  std::int64_t requests = 0;  // when > 0, replaces every scenario's request count
};

struct ScenarioResult {
  Scenario scenario;  // as run (request count replaced, policies selected)
  std::vector<PolicyResult> policies;
};

// The scenario's policies after the --policies selection.
std::vector<PolicySpec> select_policies(const Scenario& scenario,
                                        const std::vector<std::string>& names);
// The factory for policy, its arguments validated. Throws config::ConfigError at the policy's
// location when it is not registered in this build (naming the registered ones) or when its
// arguments are rejected.
const balancing::PolicyFactory& resolve_policy(const PolicySpec& policy);
// Applies options, resolves every policy (so a bad name fails before any run), then runs.
ScenarioResult run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace yoke::sim
