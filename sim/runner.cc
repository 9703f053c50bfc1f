#include "runner.h"

#include <algorithm>
#include <utility>

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

bool is_available(const std::string& name) {
  return find_reference_policy(name) != nullptr || balancing::find_policy(name) != nullptr;
}

Selection select_policies(const Scenario& scenario, const RunOptions& options) {
  Selection selection;
  for (const PolicySpec& policy : scenario.policies) {
    const std::vector<std::string>& names = options.policies;
    if (!names.empty() && std::find(names.begin(), names.end(), policy.name) == names.end()) {
      continue;
    }
    const bool skip = options.skip_unregistered && !is_available(policy.name);
    (skip ? selection.skipped : selection.run).push_back(policy);
  }
  return selection;
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
  Selection selection = select_policies(scenario, options);
  result.scenario.policies = std::move(selection.run);
  result.skipped = std::move(selection.skipped);
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
