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
// A global zone also keeps its Redis endpoint and fallback: its budget's balance was granted by
// that Redis.
const RateLimitEntry* RouteTable::same_rate_zone(const config::RateLimitZone& zone) const {
  for (std::size_t i = 0; i < config_->http.limit_req_zones.size(); ++i) {
    const config::RateLimitZone& running = config_->http.limit_req_zones[i];
    if (running.name != zone.name) continue;
    bool same = running.key.source == zone.key.source && running.size == zone.size &&
                running.rate_milli == zone.rate_milli && running.global == zone.global;
    return same ? rate_zones_[i].get() : nullptr;
  }
  return nullptr;
}

std::shared_ptr<limits::RateZone> RouteTable::same_accept_zone(
    const config::RateLimitZone& zone) const {
  for (std::size_t i = 0; i < config_->http.limit_accept_zones.size(); ++i) {
    const config::RateLimitZone& running = config_->http.limit_accept_zones[i];
    if (running.name != zone.name) continue;
    bool same = running.size == zone.size && running.rate_milli == zone.rate_milli;
    return same ? accept_zones_[i] : nullptr;
  }
  return nullptr;
}

std::shared_ptr<std::atomic<std::int64_t>> RouteTable::open_connections_of(
    const SocketAddress& address) const {
  for (const ListenerSpec& spec : listeners_) {
    if (spec.listen.address == address) return spec.open_connections;
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

// Outlier ejection (host_outlier.h): the ejection count always (it is a counter,
// yoke_server_ejections_total, and must not go backwards), and an ejection in force when the new
// configuration still detects outliers there, counted toward the new upstream's ejected hosts
// (the detector gives the count back when it releases the host). Workers of the old generation
// may still write the old words: the copy is a moment's view of them.
void copy_outlier_state(const balancing::HostOutlier& from, balancing::HostOutlier& to,
                        bool detecting, balancing::UpstreamOutliers& outliers) {
  to.ejection_count.store(from.ejection_count.load(std::memory_order_relaxed),
                          std::memory_order_relaxed);
  if (!detecting) return;
  const std::uint64_t word = from.ejection_word.load(std::memory_order_relaxed);
  to.ejection_word.store(word, std::memory_order_relaxed);
  if (balancing::HostOutlier::decode(word).held) {
    outliers.ejected_hosts.fetch_add(1, std::memory_order_relaxed);
  }
}

std::size_t carry_over_upstream(const UpstreamEntry& from, const UpstreamEntry& to) {
  if (from.hosts->runtime == nullptr || to.hosts->runtime == nullptr) return 0;
  std::unordered_map<std::string, std::size_t> by_address;
  for (const auto& host : from.hosts->hosts)
    by_address.emplace(host.address.to_string(), host.index);
  const bool health = from.config->health_check.has_value() && to.config->health_check.has_value();
  const bool detecting =
      from.config->resilience.outlier.enabled && to.config->resilience.outlier.enabled;
  std::size_t carried = 0;
  for (const auto& host : to.hosts->hosts) {
    auto found = by_address.find(host.address.to_string());
    if (found == by_address.end()) continue;
    const balancing::Host& old_host = from.hosts->hosts[found->second];
    const bool agent = old_host.agent_port != 0 && host.agent_port != 0;
    copy_host_state((*from.hosts->runtime)[old_host.index], (*to.hosts->runtime)[host.index],
                    health, agent);
    copy_outlier_state((*from.hosts->runtime)[old_host.index].outlier,
                       (*to.hosts->runtime)[host.index].outlier, detecting,
                       to.hosts->runtime->outliers);
    ++carried;
  }
  return carried;
}

// Calls copy(old host's runtime, new host's runtime) for every host of `to` that `from` has
// (same address), and returns how many.
template <typename Copy>
std::size_t for_each_kept_host(const UpstreamEntry& from, const UpstreamEntry& to, Copy copy) {
  if (from.hosts->runtime == nullptr || to.hosts->runtime == nullptr) return 0;
  std::unordered_map<std::string, std::size_t> by_address;
  for (const auto& host : from.hosts->hosts)
    by_address.emplace(host.address.to_string(), host.index);
  std::size_t kept = 0;
  for (const auto& host : to.hosts->hosts) {
    auto found = by_address.find(host.address.to_string());
    if (found == by_address.end()) continue;
    copy((*from.hosts->runtime)[found->second], (*to.hosts->runtime)[host.index]);
    ++kept;
  }
  return kept;
}

}  // namespace

std::size_t carry_over_admin_state(const RouteTable& from, const RouteTable& to) {
  std::unordered_map<std::string, const UpstreamEntry*> running;
  for (const auto& entry : from.upstreams()) running.emplace(entry.hosts->upstream, &entry);
  std::size_t carried = 0;
  for (const auto& entry : to.upstreams()) {
    auto found = running.find(entry.hosts->upstream);
    if (found == running.end()) continue;
    carried += for_each_kept_host(
        *found->second, entry,
        [](const balancing::HostRuntime& old_host, balancing::HostRuntime& new_host) {
          new_host.carry_admin_state_from(old_host);
        });
  }
  return carried;
}

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
