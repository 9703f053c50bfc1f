#include "generation.h"

#include <chrono>

namespace yoke::sim {

balancing::HostSetPtr build_host_set(const Scenario& scenario, const std::vector<bool>& members,
                                     std::vector<std::size_t>& server_of_host) {
  auto set = std::make_shared<balancing::HostSet>();
  set->upstream = scenario.name;
  server_of_host.clear();
  for (std::size_t i = 0; i < scenario.servers.size(); ++i) {
    if (!members[i]) continue;
    const ServerSpec& spec = scenario.servers[i];
    balancing::Host host;
    host.index = set->hosts.size();
    host.name = spec.name;
    host.weight = spec.weight;
    host.backup = spec.backup;
    host.max_fails = spec.max_fails;
    host.fail_timeout =
        std::chrono::duration_cast<Milliseconds>(std::chrono::nanoseconds(spec.fail_timeout));
    host.max_conns = spec.max_conns;
    set->hosts.push_back(std::move(host));
    server_of_host.push_back(i);
  }
  return set;
}

std::shared_ptr<Generation> build_generation(const Scenario& scenario,
                                             const std::vector<bool>& members,
                                             const balancing::PolicyFactory& factory,
                                             const std::vector<config::Argument>& args,
                                             PolicyEnvironment& environment) {
  balancing::HostSetPtr host_set = build_host_set(scenario, members, environment.server_of_host);
  const PolicyEnvironmentScope scope(environment);
  return std::make_shared<Generation>(std::move(host_set), environment.server_of_host, factory,
                                      args);
}

}  // namespace yoke::sim
