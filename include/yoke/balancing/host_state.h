#pragma once
// One answer to "what state is this server in, and why", from everything shared about it:
// the configuration's `down`, the admin API's fields, the active check, the agent and outlier
// ejection (host_runtime.h). The admin API (src/admin/server_view.cc), /metrics'
// yoke_server_state and /api/v1/stats (observe::MetricsRegistry) all show this one, so they
// never disagree; /metrics and the stats add passive health (max_fails), which lives in the
// workers' counter blocks. Relaxed loads: a moment old at most. Any thread.
#include <cstdint>
#include <string_view>

#include "yoke/balancing/host_set.h"
#include "yoke/core/clock.h"

namespace yoke::balancing {

enum class HostState : std::uint8_t {
  kUp,
  kDown,      // configured down, admin API down, health check failed, agent down or maint
  kDraining,  // finishes requests in flight, takes no new ones (admin or agent drain, weight 0)
  kChecking,  // `health_check … mandatory`: not checked yet
  kEjected,   // outlier_detection, until the ejection ends
};

struct HostStateAndReason {
  HostState state = HostState::kUp;
  // "", "configured down", "admin API", "health check", "agent", "outlier ejection"
  std::string_view reason;
};

// The most severe state first (down, draining, checking, ejected, up), and within one the
// operator's word before the checks': configuration, admin API, health check, agent.
HostStateAndReason host_state(const Host& host, TimePoint now);

// The active check's verdict as the logs and the admin API write it: "up", "down", "checking".
std::string_view health_state_name(HealthState state);

}  // namespace yoke::balancing
