#include "yoke/balancing/host_state.h"

namespace yoke::balancing {

HostStateAndReason host_state(const Host& host, TimePoint now) {
  if (host.down) return {HostState::kDown, "configured down"};
  const HostRuntime* runtime = host.runtime;
  if (runtime == nullptr) return {};
  if (runtime->admin_down()) return {HostState::kDown, "admin API"};
  if (runtime->health() == HealthState::kDown) return {HostState::kDown, "health check"};
  if (runtime->agent_down() || runtime->agent_admin() == AgentAdmin::kMaint) {
    return {HostState::kDown, "agent"};
  }
  if (runtime->admin_drain() || runtime->admin_weight() == 0) {
    return {HostState::kDraining, "admin API"};
  }
  if (runtime->agent_admin() == AgentAdmin::kDrain || runtime->weight_percent() <= 0) {
    return {HostState::kDraining, "agent"};
  }
  if (runtime->health() == HealthState::kChecking) return {HostState::kChecking, "health check"};
  if (runtime->outlier.ejected(now)) return {HostState::kEjected, "outlier ejection"};
  return {};
}

std::string_view health_state_name(HealthState state) {
  switch (state) {
    case HealthState::kDown:
      return "down";
    case HealthState::kChecking:
      return "checking";
    case HealthState::kUp:
      break;
  }
  return "up";
}

}  // namespace yoke::balancing
