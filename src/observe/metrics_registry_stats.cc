// MetricsRegistry::stats(): the workers' blocks and the hosts' runtime state gathered for
// /api/v1/stats. The sums are the ones /metrics writes, so the two never disagree.
#include "yoke/balancing/host_state.h"
#include "yoke/observe/metrics_registry.h"

namespace yoke::observe {

std::string_view server_state_name(ServerState state) {
  switch (state) {
    case ServerState::kDown:
      return "down";
    case ServerState::kDraining:
      return "draining";
    case ServerState::kChecking:
      return "checking";
    case ServerState::kUp:
      break;
  }
  return "up";
}

// What every view shows (balancing::host_state), with outlier ejection as down (the state
// label's values), then passive health: down only when every worker has taken it out.
MetricsRegistry::StateAndReason MetricsRegistry::server_state(std::size_t u, std::size_t s,
                                                              TimePoint now) const {
  const balancing::Host& host = routes_->upstreams()[u].hosts->hosts[s];
  const balancing::HostStateAndReason shared = balancing::host_state(host, now);
  switch (shared.state) {
    case balancing::HostState::kDown:
    case balancing::HostState::kEjected:
      return {ServerState::kDown, shared.reason};
    case balancing::HostState::kDraining:
      return {ServerState::kDraining, shared.reason};
    case balancing::HostState::kChecking:
      return {ServerState::kChecking, shared.reason};
    case balancing::HostState::kUp:
      break;
  }
  const std::int64_t now_ns = now.time_since_epoch().count();
  bool usable_somewhere = workers_.empty();
  for (const auto& worker : workers_) {
    usable_somewhere =
        usable_somewhere || worker->upstream(u).servers[s].failed_until_ns.value() <= now_ns;
  }
  if (!usable_somewhere) return {ServerState::kDown, "max_fails"};
  return {ServerState::kUp, ""};
}

ServerStats MetricsRegistry::server_stats(std::size_t u, std::size_t s, TimePoint now) const {
  const balancing::Host& host = routes_->upstreams()[u].hosts->hosts[s];
  ServerStats stats;
  stats.address = server_labels_[first_server_[u] + s];
  stats.name = host.name;
  stats.weight = host.weight;
  stats.effective_weight =
      static_cast<double>(host.scaled_weight()) / balancing::HostRuntime::kFullWeight;
  stats.backup = host.backup;
  for (const auto& worker : workers_) {
    const ServerCells& cells = worker->upstream(u).servers[s];
    for (std::size_t c = 0; c < kCodeClasses; ++c) stats.responses[c] += cells.responses[c].value();
    for (const Counter& failures : cells.failures) stats.failures += failures.value();
    stats.in_flight += cells.in_flight.value();
    stats.response_time.add(cells.last_byte);
  }
  if (const health::CheckHistory* history =
          check_histories_ ? check_histories_->find(u, s) : nullptr) {
    stats.checks = history->checks();
    stats.recent_checks = history->recent();
  }
  StateAndReason state = server_state(u, s, now);
  stats.state = state.state;
  stats.state_reason = state.reason;
  return stats;
}

StatsSnapshot MetricsRegistry::stats(TimePoint now) const {
  // As render(): the current blocks plus what reloads carried over (metrics_carry_over.h).
  std::lock_guard lock(mutex_);
  workers_ = current_;
  if (auto carried = carried_block()) workers_.push_back(std::move(carried));
  StatsSnapshot snapshot;
  snapshot.workers = workers_.size();
  std::uint64_t closed = 0;
  for (const auto& worker : workers_) {
    for (std::size_t c = 0; c < kCodeClasses; ++c) {
      snapshot.responses[c] += worker->unrouted_responses[c].value();
    }
    snapshot.connections_accepted += worker->connections_accepted.value();
    for (const Counter& count : worker->connections_closed) closed += count.value();
    const tls::HandshakeCounters& tls = worker->tls_handshakes;
    snapshot.tls.handshakes += tls.completed.load(std::memory_order_relaxed);
    snapshot.tls.resumed += tls.resumed.load(std::memory_order_relaxed);
    for (const auto& failed : tls.failed)
      snapshot.tls.failures += failed.load(std::memory_order_relaxed);
    snapshot.tls.duration_sum_micros += tls.duration_sum_us.load(std::memory_order_relaxed);
  }
  // As on /metrics: read one after the other, so clamped at zero.
  snapshot.connections_open =
      snapshot.connections_accepted >= closed ? snapshot.connections_accepted - closed : 0;
  const auto& upstreams = routes_->upstreams();
  for (std::size_t u = 0; u < upstreams.size(); ++u) {
    UpstreamStats upstream;
    upstream.name = upstreams[u].hosts->upstream;
    for (const auto& worker : workers_) {
      const UpstreamCells& cells = worker->upstream(u);
      for (std::size_t c = 0; c < kCodeClasses; ++c) {
        upstream.local_responses[c] += cells.local_responses[c].value();
      }
      upstream.retries += cells.retries.value();
      upstream.request_duration.add(cells.request_duration);
    }
    for (std::size_t s = 0; s < upstreams[u].hosts->hosts.size(); ++s) {
      upstream.servers.push_back(server_stats(u, s, now));
    }
    for (std::size_t c = 0; c < kCodeClasses; ++c) {
      snapshot.responses[c] += upstream.local_responses[c];
      for (const ServerStats& server : upstream.servers)
        snapshot.responses[c] += server.responses[c];
    }
    snapshot.upstreams.push_back(std::move(upstream));
  }
  workers_.clear();
  return snapshot;
}

}  // namespace yoke::observe
