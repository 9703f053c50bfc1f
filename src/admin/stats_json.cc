#include "admin/stats_json.h"

#include <nlohmann/json.hpp>

#include "yoke/observe/histogram_quantile.h"

namespace yoke::admin {
namespace {

using nlohmann::json;

constexpr std::array<const char*, observe::kCodeClasses> kClassNames = {"1xx", "2xx", "3xx", "4xx",
                                                                        "5xx"};

json by_class(const std::array<std::uint64_t, observe::kCodeClasses>& counts) {
  json out = json::object();
  for (std::size_t c = 0; c < counts.size(); ++c) out[kClassNames[c]] = counts[c];
  return out;
}

std::uint64_t sum(const std::array<std::uint64_t, observe::kCodeClasses>& counts) {
  std::uint64_t total = 0;
  for (std::uint64_t count : counts) total += count;
  return total;
}

json quantile(double q, const observe::HistogramSnapshot& histogram) {
  std::optional<double> micros =
      observe::estimate_quantile(q, observe::kLatencyBoundsMicros, histogram.buckets);
  return micros ? json(*micros / 1e6) : json(nullptr);
}

json histogram_json(const observe::HistogramSnapshot& histogram) {
  return json{{"buckets", histogram.buckets},
              {"count", histogram.count()},
              {"sum_seconds", static_cast<double>(histogram.sum_micros) / 1e6},
              {"p50_seconds", quantile(0.5, histogram)},
              {"p99_seconds", quantile(0.99, histogram)}};
}

// Oldest first, so that a chart drawn left to right ends with the newest check.
json checks_json(const observe::ServerStats& server) {
  if (server.checks == 0) return nullptr;
  const health::CheckHistory::Recent& recent = server.recent_checks;
  json results = json::array();
  for (std::size_t ago = recent.count; ago-- > 0;) results.push_back(recent.passed(ago));
  return json{{"total", server.checks}, {"recent", std::move(results)}};
}

json server_json(const observe::ServerStats& server, std::size_t id) {
  return json{{"id", id},
              {"address", server.address},
              {"name", server.name},
              {"state", observe::server_state_name(server.state)},
              {"state_reason", server.state_reason},
              {"weight", server.weight},
              {"effective_weight", server.effective_weight},
              {"backup", server.backup},
              {"requests", sum(server.responses)},
              {"responses", by_class(server.responses)},
              {"failures", server.failures},
              {"in_flight", server.in_flight},
              {"response_time", histogram_json(server.response_time)},
              {"health_checks", checks_json(server)}};
}

json upstream_json(const observe::UpstreamStats& upstream) {
  json servers = json::array();
  std::uint64_t requests = sum(upstream.local_responses);
  for (std::size_t s = 0; s < upstream.servers.size(); ++s) {
    requests += sum(upstream.servers[s].responses);
    servers.push_back(server_json(upstream.servers[s], s));
  }
  return json{{"name", upstream.name},
              {"requests", requests},
              {"local_responses", by_class(upstream.local_responses)},
              {"retries", upstream.retries},
              {"request_duration", histogram_json(upstream.request_duration)},
              {"servers", std::move(servers)}};
}

json totals_json(const observe::StatsSnapshot& snapshot) {
  const observe::TlsStats& tls = snapshot.tls;
  json mean = tls.handshakes == 0 ? json(nullptr)
                                  : json(static_cast<double>(tls.duration_sum_micros) / 1e6 /
                                         static_cast<double>(tls.handshakes));
  return json{{"requests", sum(snapshot.responses)},
              {"responses", by_class(snapshot.responses)},
              {"connections",
               {{"open", snapshot.connections_open}, {"accepted", snapshot.connections_accepted}}},
              {"tls",
               {{"handshakes", tls.handshakes},
                {"resumed", tls.resumed},
                {"failures", tls.failures},
                {"handshake_seconds_sum", static_cast<double>(tls.duration_sum_micros) / 1e6},
                {"mean_handshake_seconds", mean}}}};
}

}  // namespace

std::string stats_json(const observe::StatsSnapshot& snapshot, StatsClock clock) {
  json bounds = json::array();
  for (std::int64_t micros : observe::kLatencyBoundsMicros) {
    bounds.push_back(static_cast<double>(micros) / 1e6);
  }
  json upstreams = json::array();
  for (const observe::UpstreamStats& upstream : snapshot.upstreams) {
    upstreams.push_back(upstream_json(upstream));
  }
  json body{{"version", YOKE_VERSION},
            {"time", clock.wall_seconds},
            {"monotonic_seconds", clock.monotonic_seconds},
            {"workers", snapshot.workers},
            {"latency_bounds_seconds", std::move(bounds)},
            {"totals", totals_json(snapshot)},
            {"upstreams", std::move(upstreams)}};
  return body.dump() + "\n";
}

}  // namespace yoke::admin
