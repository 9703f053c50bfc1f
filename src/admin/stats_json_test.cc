// stats_json: the schema docs/dashboard.md describes, read back with nlohmann-json.
#include "admin/stats_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace yoke::admin {
namespace {

using nlohmann::json;

observe::StatsSnapshot two_servers() {
  observe::StatsSnapshot snapshot;
  snapshot.workers = 2;
  snapshot.connections_open = 3;
  snapshot.connections_accepted = 10;
  snapshot.responses = {0, 90, 0, 4, 6};
  snapshot.tls.handshakes = 4;
  snapshot.tls.duration_sum_micros = 8000;
  observe::UpstreamStats upstream;
  upstream.name = "app";
  upstream.local_responses = {0, 0, 0, 0, 1};
  observe::ServerStats fast;
  fast.address = "127.0.0.1:8081";
  fast.responses = {0, 60, 0, 0, 0};
  fast.response_time.buckets[1] = 60;  // (0.5 ms, 1 ms]
  fast.in_flight = 2;
  observe::ServerStats slow;
  slow.address = "127.0.0.1:8082";
  slow.state = observe::ServerState::kDown;
  slow.state_reason = "health check";
  slow.weight = 3;
  slow.responses = {0, 30, 0, 4, 5};
  upstream.servers = {fast, slow};
  snapshot.upstreams.push_back(upstream);
  return snapshot;
}

TEST(StatsJson, TotalsUpstreamsAndServers) {
  observe::StatsSnapshot snapshot = two_servers();
  health::CheckHistory history;
  history.record(true);
  history.record(false);
  snapshot.upstreams[0].servers[1].checks = history.checks();
  snapshot.upstreams[0].servers[1].recent_checks = history.recent();
  json body = json::parse(stats_json(snapshot, {1700000000.5, 42.25}));
  EXPECT_EQ(body["workers"], 2);
  EXPECT_EQ(body["monotonic_seconds"], 42.25);
  EXPECT_EQ(body["latency_bounds_seconds"].size(), observe::kLatencyBoundsMicros.size());
  EXPECT_EQ(body["totals"]["requests"], 100);
  EXPECT_EQ(body["totals"]["responses"]["5xx"], 6);
  EXPECT_EQ(body["totals"]["connections"]["open"], 3);
  EXPECT_DOUBLE_EQ(body["totals"]["tls"]["mean_handshake_seconds"].get<double>(), 0.002);

  const json& upstream = body["upstreams"][0];
  EXPECT_EQ(upstream["name"], "app");
  EXPECT_EQ(upstream["requests"], 1 + 60 + 39);
  const json& fast = upstream["servers"][0];
  EXPECT_EQ(fast["id"], 0);
  EXPECT_EQ(fast["state"], "up");
  EXPECT_EQ(fast["requests"], 60);
  EXPECT_EQ(fast["in_flight"], 2);
  EXPECT_EQ(fast["response_time"]["count"], 60);
  EXPECT_DOUBLE_EQ(fast["response_time"]["p50_seconds"].get<double>(), 0.00075);
  EXPECT_TRUE(fast["health_checks"].is_null());  // never checked
  const json& slow = upstream["servers"][1];
  EXPECT_EQ(slow["state"], "down");
  EXPECT_EQ(slow["state_reason"], "health check");
  EXPECT_EQ(slow["weight"], 3);
  EXPECT_TRUE(slow["response_time"]["p99_seconds"].is_null());  // no observation
  EXPECT_EQ(slow["health_checks"]["total"], 2);
  EXPECT_EQ(slow["health_checks"]["recent"], json::array({true, false}));  // oldest first
}

TEST(StatsJson, NoTlsNoUpstreams) {
  observe::StatsSnapshot snapshot;
  json body = json::parse(stats_json(snapshot, {}));
  EXPECT_TRUE(body["totals"]["tls"]["mean_handshake_seconds"].is_null());
  EXPECT_EQ(body["upstreams"], json::array());
}

}  // namespace
}  // namespace yoke::admin
