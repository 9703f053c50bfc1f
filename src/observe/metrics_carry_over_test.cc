// Counters across reloads: series are matched by label, never go backwards while they exist,
// and retired blocks fold once their generation has ended.
#include "yoke/observe/metrics_carry_over.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "yoke/config/model.h"
#include "yoke/observe/metrics_registry.h"

namespace yoke::observe {
namespace {

std::shared_ptr<const router::RouteTable> routes(const std::string& upstreams) {
  auto config = std::make_shared<config::Config>(config::load_config_text(
      "http { " + upstreams +
          "\nserver { listen 127.0.0.1:8080; location / { proxy_pass http://app; } } }\n",
      "t.conf"));
  return router::RouteTable::build(config);
}

std::shared_ptr<WorkerMetrics> block_for(const router::RouteTable& table) {
  return std::make_shared<WorkerMetrics>(MetricsLayout::of(table).servers_per_upstream());
}

// The value of the exposition line that starts with series, or -1.
double value(const std::string& text, const std::string& series) {
  std::size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

constexpr const char* kAppAB =
    "upstream app { server 127.0.0.1:8081; server 127.0.0.1:8082; }"
    "upstream other { server 127.0.0.1:9000; }";
// app gains .83 first and loses .81; other goes; new appears.
constexpr const char* kAppCB =
    "upstream new { server 127.0.0.1:7000; }"
    "upstream app { server 127.0.0.1:8083; server 127.0.0.1:8082; }";

TEST(LayoutMap, MatchesUpstreamsByNameAndServersByAddress) {
  MetricsLayout from = MetricsLayout::of(*routes(kAppAB));
  MetricsLayout to = MetricsLayout::of(*routes(kAppCB));
  LayoutMap map = LayoutMap::between(from, to);
  ASSERT_EQ(map.upstream.size(), 2U);
  EXPECT_EQ(map.upstream[0], 1U);                 // app moved to position 1
  EXPECT_EQ(map.upstream[1], LayoutMap::kNone);   // other is gone
  EXPECT_EQ(map.server[0][0], LayoutMap::kNone);  // .81 is gone
  EXPECT_EQ(map.server[0][1], 1U);                // .82 stays, still second
}

TEST(Accumulate, AddsCountersHistogramsAndGaugesButNotHealthDeadlines) {
  auto old_routes = routes(kAppAB);
  auto new_routes = routes(kAppCB);
  auto from = block_for(*old_routes);
  from->count_request(0, 1, 200, Microseconds(700));
  from->count_request(0, 0, 500, Microseconds(700));
  from->count_request(WorkerMetrics::kNone, WorkerMetrics::kNone, 404, Microseconds(1));
  from->server(0, 1).in_flight.add(2);
  from->server(0, 1).failed_until_ns.set(12345);
  from->connections_accepted.add(7);
  auto into = make_carry_block(MetricsLayout::of(*new_routes));
  accumulate(*into, *from,
             LayoutMap::between(MetricsLayout::of(*old_routes), MetricsLayout::of(*new_routes)));
  const ServerCells& kept = into->upstream(1).servers[1];
  EXPECT_EQ(kept.responses[1].value(), 1U);
  EXPECT_EQ(kept.header.bucket(0), 0U);
  EXPECT_EQ(kept.in_flight.value(), 2);
  EXPECT_EQ(kept.failed_until_ns.value(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(into->upstream(1).request_duration.bucket(1), 2U);       // 700 µs: the 1 ms bucket
  EXPECT_EQ(into->upstream(1).servers[0].responses[4].value(), 0U);  // .81's 500 is not .83's
  EXPECT_EQ(into->unrouted_responses[3].value(), 1U);
  EXPECT_EQ(into->connections_accepted.value(), 7U);
  EXPECT_EQ(into->upstream(0).request_duration.bucket(1), 0U);  // "new" got nothing
}

TEST(MetricsRegistryReload, CountersOfSeriesThatStayNeverGoBackwards) {
  auto old_routes = routes(kAppAB);
  auto old_block = block_for(*old_routes);
  old_block->count_request(0, 1, 200, Microseconds(700));
  old_block->count_request(0, 1, 200, Microseconds(700));
  MetricsRegistry registry(old_routes, {old_block}, {});
  const std::string series =
      "yoke_requests_total{upstream=\"app\",server=\"127.0.0.1:8082\","
      "code_class=\"2xx\"}";
  EXPECT_EQ(value(registry.render(ExpositionFormat::kPrometheusText, {}), series), 2);
  auto new_routes = routes(kAppCB);
  auto new_block = block_for(*new_routes);
  registry.replace(new_routes, {new_block}, nullptr);
  EXPECT_EQ(value(registry.render(ExpositionFormat::kPrometheusText, {}), series), 2);
  // A request in flight on the old generation ends after the reload, one on the new one too.
  old_block->count_request(0, 1, 200, Microseconds(700));
  new_block->count_request(1, 1, 200, Microseconds(700));
  EXPECT_EQ(value(registry.render(ExpositionFormat::kPrometheusText, {}), series), 4);
  // The old generation ends (the worker drops its block): its counts fold, nothing is lost.
  old_block.reset();
  EXPECT_EQ(value(registry.render(ExpositionFormat::kPrometheusText, {}), series), 4);
  // A second reload back to the first layout keeps the folded counts too.
  auto third_block = block_for(*old_routes);
  registry.replace(old_routes, {third_block}, nullptr);
  new_block.reset();
  std::string text = registry.render(ExpositionFormat::kPrometheusText, {});
  EXPECT_EQ(value(text, series), 4);
  // .81 came back: a new series, starting at 0; yoke_workers counts workers, not blocks.
  EXPECT_EQ(value(text,
                  "yoke_requests_total{upstream=\"app\",server=\"127.0.0.1:8081\","
                  "code_class=\"2xx\"}"),
            0);
  EXPECT_EQ(value(text, "yoke_workers"), 1);
  EXPECT_EQ(value(text, "yoke_server_up{upstream=\"app\",server=\"127.0.0.1:8082\"}"), 1);
}

TEST(MetricsRegistryReload, CountsReloadsByResult) {
  auto table = routes(kAppAB);
  MetricsRegistry registry(table, {block_for(*table)}, {});
  registry.record_reload(false, std::chrono::system_clock::time_point{});
  std::string text = registry.render(ExpositionFormat::kPrometheusText, {});
  EXPECT_EQ(value(text, "yoke_config_reloads_total{result=\"failure\"}"), 1);
  EXPECT_EQ(value(text, "yoke_config_last_reload_successful"), 0);
  registry.record_reload(true, std::chrono::system_clock::time_point{std::chrono::seconds(42)});
  text = registry.render(ExpositionFormat::kPrometheusText, {});
  EXPECT_EQ(value(text, "yoke_config_reloads_total{result=\"success\"}"), 1);
  EXPECT_EQ(value(text, "yoke_config_last_reload_successful"), 1);
  EXPECT_EQ(value(text, "yoke_config_last_reload_success_timestamp_seconds"), 42);
}

}  // namespace
}  // namespace yoke::observe
