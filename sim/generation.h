#pragma once
// One balancer node's view of the upstream between two membership changes: a HostSet snapshot
// and the UpstreamBalancer over it, exactly what a Yoke worker holds per upstream. When a server
// is removed or added back the simulator builds a new Generation for every node (a new HostSet
// and new policy objects, as Yoke builds them on a configuration change) while requests already
// under way keep the generation they started on: their retries and feedback go to the policy
// objects that chose for them ("old connections finish on the snapshot they started with",
// DESIGN.md, Snapshots).
#include <cstddef>
#include <memory>
#include <vector>

#include "policy_environment.h"
#include "scenario.h"
#include "yoke/balancing/host_set.h"
#include "yoke/balancing/policy.h"
#include "yoke/upstream/upstream_balancer.h"

namespace yoke::sim {

struct Generation {
  Generation(balancing::HostSetPtr host_set, std::vector<std::size_t> servers,
             const balancing::PolicyFactory& factory, const std::vector<config::Argument>& args)
      : server_of_host(std::move(servers)), balancer(std::move(host_set), factory, args) {}

  std::vector<std::size_t> server_of_host;  // Host::index → index in Scenario::servers
  upstream::UpstreamBalancer balancer;
};

// The HostSet of the servers marked in members, in declaration order, with their Host fields.
balancing::HostSetPtr build_host_set(const Scenario& scenario, const std::vector<bool>& members,
                                     std::vector<std::size_t>& server_of_host);

// A node's new generation. environment carries the node and seed for reference policies; its
// server_of_host is filled here.
std::shared_ptr<Generation> build_generation(const Scenario& scenario,
                                             const std::vector<bool>& members,
                                             const balancing::PolicyFactory& factory,
                                             const std::vector<config::Argument>& args,
                                             PolicyEnvironment& environment);

}  // namespace yoke::sim
