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
  // When not empty (--policies): run only the scenario's policies with these names.
  std::vector<std::string> policies;
  // --skip-unregistered: leave out (and list) policies this build does not have, instead of
  // failing on them.
  bool skip_unregistered = false;
  std::int64_t requests = 0;  // when > 0, replaces every scenario's request count
};

struct Selection {
  std::vector<PolicySpec> run;
  std::vector<PolicySpec> skipped;  // not registered, with skip_unregistered
};

struct ScenarioResult {
  Scenario scenario;  // as run (request count replaced, policies selected)
  std::vector<PolicyResult> policies;
  std::vector<PolicySpec> skipped;
};

// The scenario's policies after the --policies and --skip-unregistered selection.
Selection select_policies(const Scenario& scenario, const RunOptions& options);
// Whether name is a simulator reference or registered in this build.
bool is_available(const std::string& name);
// The factory for policy, its arguments validated. Throws config::ConfigError at the policy's
// location when it is not registered in this build (naming the registered ones) or when its
// arguments are rejected.
const balancing::PolicyFactory& resolve_policy(const PolicySpec& policy);
// Applies options, resolves every policy (so a bad name fails before any run), then runs.
ScenarioResult run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace yoke::sim
