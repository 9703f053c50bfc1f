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
  // `region=NAME` (docs/global.md): the region region_policy nearest groups the host in.
  std::string region;

  // `slow_start=T` (nginx Plus): after the host comes back (health down→up, or reopened
  // through the admin API) its weight ramps up linearly over T; 0 = at once.
  Milliseconds slow_start{0};

  bool accepts_requests() const { return runtime == nullptr || runtime->accepts_requests(); }
  // The weight weighted policies use at now, in hundredths of a configured weight unit so that
  // 50 % of weight 1 stays above zero: scaled_weight() × the slow_start ramp. Two relaxed loads,
  // four with slow_start (host_runtime.h); hosts without runtime state use weight × 100.
  std::int64_t effective_weight(TimePoint now) const {
    const std::int64_t base = scaled_weight();
    if (slow_start.count() <= 0 || base <= 0 || runtime == nullptr) return base;
    return ramped_weight(base, now - runtime->back_since());
  }
  // The same without the slow_start ramp (the capacity priority levels and zones weigh): the
  // admin API's weight (else the configured one) × the agent's percentage.
  std::int64_t scaled_weight() const {
    if (runtime == nullptr) return static_cast<std::int64_t>(weight) * HostRuntime::kFullWeight;
    const std::int32_t admin = runtime->admin_weight();
    return static_cast<std::int64_t>(admin >= 0 ? admin : weight) * runtime->weight_percent();
  }
  // slow_start's linear ramp: base × elapsed / slow_start, at least 1 (a host that is back is
  // never weightless, or an upstream whose hosts all came back together could pick none).
  std::int64_t ramped_weight(std::int64_t base, Clock::duration elapsed) const {
    const auto elapsed_ms = std::chrono::duration_cast<Milliseconds>(elapsed).count();
    if (elapsed_ms >= slow_start.count()) return base;
    if (elapsed_ms <= 0) return 1;
    const std::int64_t ramped = base * elapsed_ms / slow_start.count();
    return ramped > 0 ? ramped : 1;
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
