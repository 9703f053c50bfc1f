#include "admin/server_view.h"

#include "yoke/balancing/host_state.h"

namespace yoke::admin {
namespace {

using balancing::HealthState;
using balancing::HostRuntime;

nlohmann::ordered_json last_check_json(balancing::CheckResult result) {
  switch (result) {
    case balancing::CheckResult::kPassed:
      return "passed";
    case balancing::CheckResult::kFailed:
      return "failed";
    case balancing::CheckResult::kNone:
      break;
  }
  return nullptr;
}

// The weight policies use now, in configured units (it is kept in hundredths).
double effective_weight(const balancing::Host& host, TimePoint now) {
  if (host.down || !host.accepts_requests()) return 0;
  if (host.runtime != nullptr && host.runtime->outlier.ejected(now)) return 0;
  return static_cast<double>(host.effective_weight(now)) / HostRuntime::kFullWeight;
}

}  // namespace

std::string_view server_state(const balancing::Host& host, TimePoint now) {
  switch (balancing::host_state(host, now).state) {
    case balancing::HostState::kDown:
      return "down";
    case balancing::HostState::kDraining:
      return "draining";
    case balancing::HostState::kChecking:
      return "checking";
    case balancing::HostState::kEjected:
      return "ejected";
    case balancing::HostState::kUp:
      break;
  }
  return "up";
}

nlohmann::ordered_json server_json(const balancing::Host& host, std::int64_t active_requests,
                                   TimePoint now) {
  nlohmann::ordered_json server;
  server["id"] = host.index;
  server["name"] = host.name;
  server["address"] = host.address.to_string();
  server["state"] = server_state(host, now);
  server["weight"] = host.weight;
  const HostRuntime* runtime = host.runtime;
  const std::int32_t admin_weight =
      runtime == nullptr ? HostRuntime::kNoAdminWeight : runtime->admin_weight();
  server["admin_weight"] =
      admin_weight >= 0 ? nlohmann::ordered_json(admin_weight) : nlohmann::ordered_json(nullptr);
  server["effective_weight"] = effective_weight(host, now);
  server["backup"] = host.backup;
  if (!host.zone.empty()) server["zone"] = host.zone;
  server["priority"] = host.priority;
  server["down"] = host.down || (runtime != nullptr && runtime->admin_down());
  server["drain"] = runtime != nullptr && runtime->admin_drain();
  server["active_requests"] = active_requests;
  server["health"] =
      balancing::health_state_name(runtime == nullptr ? HealthState::kUp : runtime->health());
  server["last_check"] =
      last_check_json(runtime == nullptr ? balancing::CheckResult::kNone : runtime->last_check());
  server["slow_start_ms"] = host.slow_start.count();
  if (host.agent_port != 0 && runtime != nullptr) {
    server["agent_weight_percent"] = runtime->weight_percent();
  }
  return server;
}

}  // namespace yoke::admin
