#include "yoke/observe/metrics_carry_over.h"

#include <limits>
#include <unordered_map>

namespace yoke::observe {
namespace {

template <typename Cells>
void add_counters(Cells& into, const Cells& from) {
  for (std::size_t i = 0; i < into.size(); ++i) into[i].add(from[i].value());
}

void add_server(ServerCells& into, const ServerCells& from) {
  add_counters(into.responses, from.responses);
  add_counters(into.failures, from.failures);
  into.in_flight.add(from.in_flight.value());
  into.connect.add(from.connect);
  into.header.add(from.header);
  into.last_byte.add(from.last_byte);
}

void add_upstream(UpstreamCells& into, const UpstreamCells& from,
                  const std::vector<std::size_t>& servers) {
  for (std::size_t s = 0; s < from.server_count && s < servers.size(); ++s) {
    if (servers[s] != LayoutMap::kNone) add_server(into.servers[servers[s]], from.servers[s]);
  }
  add_counters(into.local_responses, from.local_responses);
  into.request_duration.add(from.request_duration);
  into.retries.add(from.retries.value());
  into.connections_created.add(from.connections_created.value());
  into.connections_reused.add(from.connections_reused.value());
  into.connections_closed.add(from.connections_closed.value());
  into.connections_idle.add(from.connections_idle.value());
}

}  // namespace

MetricsLayout MetricsLayout::of(const router::RouteTable& routes) {
  MetricsLayout layout;
  for (const auto& entry : routes.upstreams()) {
    layout.upstreams.push_back(entry.hosts->upstream);
    std::vector<std::string>& servers = layout.servers.emplace_back();
    // The server label (metrics_registry.cc): the address, unique within an upstream.
    for (const auto& host : entry.hosts->hosts) servers.push_back(host.address.to_string());
  }
  return layout;
}

std::vector<std::size_t> MetricsLayout::servers_per_upstream() const {
  std::vector<std::size_t> counts;
  for (const auto& list : servers) counts.push_back(list.size());
  return counts;
}

LayoutMap LayoutMap::between(const MetricsLayout& from, const MetricsLayout& to) {
  std::unordered_map<std::string_view, std::size_t> upstreams;
  for (std::size_t u = 0; u < to.upstreams.size(); ++u) upstreams.emplace(to.upstreams[u], u);
  LayoutMap map;
  for (std::size_t u = 0; u < from.upstreams.size(); ++u) {
    auto found = upstreams.find(from.upstreams[u]);
    std::vector<std::size_t>& servers = map.server.emplace_back(from.servers[u].size(), kNone);
    if (found == upstreams.end()) {
      map.upstream.push_back(kNone);
      continue;
    }
    map.upstream.push_back(found->second);
    std::unordered_map<std::string_view, std::size_t> addresses;
    const auto& targets = to.servers[found->second];
    for (std::size_t s = 0; s < targets.size(); ++s) addresses.emplace(targets[s], s);
    for (std::size_t s = 0; s < from.servers[u].size(); ++s) {
      auto address = addresses.find(from.servers[u][s]);
      if (address != addresses.end()) servers[s] = address->second;
    }
  }
  return map;
}

std::unique_ptr<WorkerMetrics> make_carry_block(const MetricsLayout& layout) {
  std::vector<std::size_t> counts = layout.servers_per_upstream();
  auto block = std::make_unique<WorkerMetrics>(counts);
  for (std::size_t u = 0; u < counts.size(); ++u) {
    for (std::size_t s = 0; s < counts[u]; ++s) {
      block->server(u, s).failed_until_ns.set(std::numeric_limits<std::int64_t>::max());
    }
  }
  return block;
}

namespace {

// TLS handshake counters have no labels: they add up whatever the layouts.
void accumulate_handshakes(tls::HandshakeCounters& into, const tls::HandshakeCounters& from) {
  auto add = [](tls::HandshakeCounters::Counter& to, const tls::HandshakeCounters::Counter& value) {
    tls::HandshakeCounters::add(to, value.load(std::memory_order_relaxed));
  };
  add(into.completed, from.completed);
  add(into.resumed, from.resumed);
  for (std::size_t i = 0; i < into.failed.size(); ++i) add(into.failed[i], from.failed[i]);
  for (std::size_t i = 0; i < into.duration_buckets.size(); ++i) {
    add(into.duration_buckets[i], from.duration_buckets[i]);
  }
  add(into.duration_sum_us, from.duration_sum_us);
}

}  // namespace

void accumulate(WorkerMetrics& into, const WorkerMetrics& from, const LayoutMap& map) {
  add_counters(into.unrouted_responses, from.unrouted_responses);
  into.unrouted_duration.add(from.unrouted_duration);
  into.connections_accepted.add(from.connections_accepted.value());
  add_counters(into.connections_rejected, from.connections_rejected);
  into.min_rate_closed.add(from.min_rate_closed.value());
  into.rerouted.add(from.rerouted.value());
  into.access_log_write_errors.add(from.access_log_write_errors.value());
  into.access_log_lines_dropped.add(from.access_log_lines_dropped.value());
  into.denylist_forbidden.add(from.denylist_forbidden.value());
  add_counters(into.connections_closed, from.connections_closed);
  accumulate_handshakes(into.tls_handshakes, from.tls_handshakes);
  for (std::size_t u = 0; u < from.upstream_count() && u < map.upstream.size(); ++u) {
    if (map.upstream[u] == LayoutMap::kNone) continue;
    add_upstream(into.upstream(map.upstream[u]), from.upstream(u), map.server[u]);
  }
}

}  // namespace yoke::observe
