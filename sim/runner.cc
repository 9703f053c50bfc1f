#include "runner.h"

#include <algorithm>

#include "reference_policies.h"
#include "simulation.h"

namespace yoke::sim {
namespace {

std::string join(const std::vector<std::string_view>& names) {
  std::string text;
  for (const std::string_view name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text.empty() ? "none" : text;
}

}  // namespace

std::vector<PolicySpec> select_policies(const Scenario& scenario,
                                        const std::vector<std::string>& names) {
  if (names.empty()) return scenario.policies;
  std::vector<PolicySpec> selected;
  for (const PolicySpec& policy : scenario.policies) {
    if (std::find(names.begin(), names.end(), policy.name) != names.end())
      selected.push_back(policy);
  }
  for (const std::string& name : names) {
    const bool listed = std::any_of(scenario.policies.begin(), scenario.policies.end(),
                                    [&](const PolicySpec& policy) { return policy.name == name; });
    if (listed) continue;
    PolicySpec policy;
    policy.name = name;
    policy.where = scenario.where;
    selected.push_back(policy);
  }
  return selected;
}

const balancing::PolicyFactory& resolve_policy(const PolicySpec& policy) {
  const balancing::PolicyFactory* factory = find_reference_policy(policy.name);
  if (factory == nullptr) factory = balancing::find_policy(policy.name);
  if (factory == nullptr) {
    throw config::ConfigError(
        policy.where,
        "policy \"" + policy.name +
            "\" is not registered in this build (registered: " + join(balancing::policy_names()) +
            "; simulator references: " + join(reference_policy_names()) +
            "); pick the available ones with --policies");
  }
  if (auto error = factory->validate(policy.args)) {
    throw config::ConfigError(policy.where, "policy \"" + policy.label() + "\": " + *error);
  }
  return *factory;
}

ScenarioResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  ScenarioResult result;
  result.scenario = scenario;
  result.scenario.policies = select_policies(scenario, options.policies);
  if (options.requests > 0) result.scenario.requests = options.requests;
  std::vector<const balancing::PolicyFactory*> factories;
  for (const PolicySpec& policy : result.scenario.policies) {
    factories.push_back(&resolve_policy(policy));
  }
  for (std::size_t i = 0; i < factories.size(); ++i) {
    result.policies.push_back(
        simulate(result.scenario, result.scenario.policies[i], *factories[i], options.seed));
  }
  return result;
}

}  // namespace yoke::sim
