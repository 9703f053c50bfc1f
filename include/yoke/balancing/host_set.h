#pragma once
// An immutable snapshot of an upstream's members. Built off the hot path when the
// configuration (later: discovery) changes, shared read-only by every worker. What changes at
// run time (health, agent reports) lives beside it in HostRuntimes (host_runtime.h).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "yoke/balancing/host_runtime.h"
#include "yoke/balancing/resilience_settings.h"
#include "yoke/core/clock.h"
#include "yoke/core/socket_address.h"

namespace yoke::balancing {

struct Host {
  std::size_t index = 0;  // position in HostSet::hosts; indexes per-worker state arrays
  std::string name;       // as configured, e.g. "api1.example.com:80"
  SocketAddress address;
  int weight = 1;
  int max_fails = 1;
  Milliseconds fail_timeout{10000};
  bool backup = false;
  bool down = false;
  int max_conns = 0;  // 0 = unlimited
  // HAProxy agent-check (docs/agent-protocol.md): TCP port of the host's agent, 0 = none.
  std::uint16_t agent_port = 0;
  Milliseconds agent_interval{2000};
  std::string agent_send;  // sent after connecting; empty = nothing
  // This host's runtime state, in the HostRuntimes the HostSet holds; null for hosts built
  // without one (policy unit tests, the simulator), which then always accept requests.
  const HostRuntime* runtime = nullptr;
  // Zones and priority levels (docs/resilience.md): `zone=NAME` (empty: none), whether that is
  // the balancer's own zone (`yoke_zone` / --zone), and `priority=N` (0 is used first).
  std::string zone;
  bool local_zone = false;
  int priority = 0;

  bool accepts_requests() const { return runtime == nullptr || runtime->accepts_requests(); }
  // The weight the agent asks for, in hundredths of the configured weight (weight × percent),
  // so that 50 % of weight 1 stays above zero.
  std::int64_t scaled_weight() const {
    const std::int64_t percent =
        runtime == nullptr ? HostRuntime::kFullWeight : runtime->weight_percent();
    return static_cast<std::int64_t>(weight) * percent;
  }
};

struct HostSet {
  std::string upstream;     // the upstream's name
  std::vector<Host> hosts;  // every member; a name that resolved to N addresses is N hosts
  // Runtime state of hosts[i] at runtime[i] (Host::runtime points there); null when none was
  // attached. Written by the checker thread, read by workers (host_runtime.h).
  HostRuntimesPtr runtime;
  // outlier_detection, retry_budget, zone_aware, priority_spill as configured (all off by
  // default).
  UpstreamResilience resilience;
};

// Gives every host of set a fresh runtime state; call once set.hosts is final (the pointers
// point into the new HostRuntimes, which set keeps alive). Main thread, before publishing set.
inline const HostRuntimesPtr& attach_runtime(HostSet& set) {
  set.runtime = std::make_shared<HostRuntimes>(set.hosts.size());
  for (Host& host : set.hosts) host.runtime = &(*set.runtime)[host.index];
  return set.runtime;
}

using HostSetPtr = std::shared_ptr<const HostSet>;

}  // namespace yoke::balancing
