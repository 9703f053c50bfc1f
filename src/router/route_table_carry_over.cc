// What a reload carries over from the running routing snapshot to the new one
// (docs/architecture.md, "Reload"): limit zones by name, and the runtime state of hosts that
// stay (include/yoke/router/carry_over.h).
#include <string>
#include <unordered_map>

#include "yoke/router/carry_over.h"
#include "yoke/router/route_table.h"

namespace yoke::router {

// A zone is the same when everything that gives its words their meaning is: the key they are
// counted under, the table size (slot positions depend on it) and the rate (a limit_req
// word holds the excess in the rate's units). nginx likewise reuses a shared zone only with
// the same size (ngx_shared_memory_add).
std::shared_ptr<limits::RateZone> RouteTable::same_rate_zone(
    const config::RateLimitZone& zone) const {
  for (std::size_t i = 0; i < config_->http.limit_req_zones.size(); ++i) {
    const config::RateLimitZone& running = config_->http.limit_req_zones[i];
    if (running.name != zone.name) continue;
    bool same = running.key.source == zone.key.source && running.size == zone.size &&
                running.rate_milli == zone.rate_milli;
    return same ? rate_zones_[i]->zone : nullptr;
  }
  return nullptr;
}

std::shared_ptr<limits::ConnZone> RouteTable::same_conn_zone(
    const config::ConnLimitZone& zone) const {
  for (std::size_t i = 0; i < config_->http.limit_conn_zones.size(); ++i) {
    const config::ConnLimitZone& running = config_->http.limit_conn_zones[i];
    if (running.name != zone.name) continue;
    bool same = running.key.source == zone.key.source && running.size == zone.size;
    return same ? conn_zones_[i]->zone : nullptr;
  }
  return nullptr;
}

namespace {

// Copies what the checker thread learnt about one host. The health verdict only when both
// configurations check the upstream (a verdict nobody would revisit must not stick), the
// agent's words only when both have an agent for the host.
void copy_host_state(const balancing::HostRuntime& from, balancing::HostRuntime& to, bool health,
                     bool agent) {
  if (health) to.set_health(from.health());
  if (!agent) return;
  to.set_agent_admin(from.agent_admin());
  to.set_agent_down(from.agent_down());
  to.set_weight_percent(from.weight_percent());
  to.set_agent_maxconn(from.agent_maxconn());
}

std::size_t carry_over_upstream(const UpstreamEntry& from, const UpstreamEntry& to) {
  if (from.hosts->runtime == nullptr || to.hosts->runtime == nullptr) return 0;
  std::unordered_map<std::string, std::size_t> by_address;
  for (const auto& host : from.hosts->hosts)
    by_address.emplace(host.address.to_string(), host.index);
  const bool health = from.config->health_check.has_value() && to.config->health_check.has_value();
  std::size_t carried = 0;
  for (const auto& host : to.hosts->hosts) {
    auto found = by_address.find(host.address.to_string());
    if (found == by_address.end()) continue;
    const balancing::Host& old_host = from.hosts->hosts[found->second];
    const bool agent = old_host.agent_port != 0 && host.agent_port != 0;
    copy_host_state((*from.hosts->runtime)[old_host.index], (*to.hosts->runtime)[host.index],
                    health, agent);
    ++carried;
  }
  return carried;
}

}  // namespace

std::size_t carry_over_host_state(const RouteTable& from, const RouteTable& to) {
  std::unordered_map<std::string, const UpstreamEntry*> running;
  for (const auto& entry : from.upstreams()) running.emplace(entry.hosts->upstream, &entry);
  std::size_t carried = 0;
  for (const auto& entry : to.upstreams()) {
    auto found = running.find(entry.hosts->upstream);
    if (found != running.end()) carried += carry_over_upstream(*found->second, entry);
  }
  return carried;
}

}  // namespace yoke::router
