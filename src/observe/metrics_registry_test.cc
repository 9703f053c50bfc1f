#include "yoke/observe/metrics_registry.h"

#include <gtest/gtest.h>

#include "yoke/config/model.h"

namespace yoke::observe {
namespace {

std::shared_ptr<const router::RouteTable> two_server_routes() {
  auto config = std::make_shared<config::Config>(config::load_config_text(
      "http { upstream app { server 127.0.0.1:8081 weight=3; server 127.0.0.1:8082 down; }\n"
      "server { listen 127.0.0.1:8080; location / { proxy_pass http://app; } } }\n",
      "t.conf"));
  return router::RouteTable::build(config);
}

std::shared_ptr<WorkerMetrics> block() {
  std::size_t servers[] = {2};
  return std::make_shared<WorkerMetrics>(servers);
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(MetricsRegistry, SumsWorkersAndWritesEverySeries) {
  auto first = block();
  auto second = block();
  first->count_request(0, 0, 200, Microseconds(800));
  second->count_request(0, 0, 204, Microseconds(3000));
  second->count_request(0, WorkerMetrics::kNone, 502, Microseconds(100));
  first->count_request(WorkerMetrics::kNone, WorkerMetrics::kNone, 404, Microseconds(0));
  first->connections_accepted.add(3);
  second->connections_accepted.add(2);
  second->connections_closed[static_cast<std::size_t>(ClientCloseReason::kIdleTimeout)].add();
  first->server(0, 0).in_flight.add(2);
  second->server(0, 0).in_flight.add(-1);
  MetricsRegistry registry(two_server_routes(), {first, second}, {});
  std::string text = registry.render(ExpositionFormat::kPrometheusText, TimePoint{});
  EXPECT_TRUE(has_line(text,
                       "yoke_requests_total{upstream=\"app\",server=\"127.0.0.1:8081\","
                       "code_class=\"2xx\"} 2"));
  EXPECT_TRUE(has_line(text,
                       "yoke_requests_total{upstream=\"app\",server=\"127.0.0.1:8082\","
                       "code_class=\"2xx\"} 0"));
  EXPECT_TRUE(
      has_line(text, "yoke_requests_total{upstream=\"app\",server=\"\",code_class=\"5xx\"} 1"));
  EXPECT_TRUE(
      has_line(text, "yoke_requests_total{upstream=\"\",server=\"\",code_class=\"4xx\"} 1"));
  EXPECT_TRUE(has_line(text, "yoke_request_duration_seconds_count{upstream=\"app\"} 3"));
  EXPECT_TRUE(
      has_line(text, "yoke_request_duration_seconds_bucket{upstream=\"app\",le=\"0.001\"} 2"));
  EXPECT_TRUE(has_line(text, "yoke_request_duration_seconds_sum{upstream=\"app\"} 0.0039"));
  EXPECT_TRUE(has_line(text, "yoke_client_connections_accepted_total 5"));
  EXPECT_TRUE(has_line(text, "yoke_client_connections_open 4"));
  EXPECT_TRUE(has_line(text, "yoke_client_connections_closed_total{reason=\"idle_timeout\"} 1"));
  EXPECT_TRUE(
      has_line(text, "yoke_server_in_flight{upstream=\"app\",server=\"127.0.0.1:8081\"} 1"));
  EXPECT_TRUE(has_line(text, "yoke_server_weight{upstream=\"app\",server=\"127.0.0.1:8081\"} 3"));
  EXPECT_TRUE(has_line(text, "yoke_server_up{upstream=\"app\",server=\"127.0.0.1:8082\"} 0"));
  EXPECT_TRUE(has_line(text, "yoke_workers 2"));
}

// up while any worker may still pick the server; down once every worker failed it, until the
// latest failure's fail_timeout ends.
TEST(MetricsRegistry, ServerUpFollowsEveryWorkersPassiveHealth) {
  auto first = block();
  auto second = block();
  MetricsRegistry registry(two_server_routes(), {first, second}, {});
  TimePoint now{std::chrono::seconds(100)};
  const std::string up = "yoke_server_up{upstream=\"app\",server=\"127.0.0.1:8081\"} ";
  auto until = [](int seconds) {
    return TimePoint{std::chrono::seconds(seconds)}.time_since_epoch().count();
  };
  first->server(0, 0).failed_until_ns.set(until(110));
  EXPECT_TRUE(has_line(registry.render(ExpositionFormat::kPrometheusText, now), up + "1"));
  second->server(0, 0).failed_until_ns.set(until(105));
  EXPECT_TRUE(has_line(registry.render(ExpositionFormat::kPrometheusText, now), up + "0"));
  EXPECT_TRUE(has_line(
      registry.render(ExpositionFormat::kPrometheusText, TimePoint{std::chrono::seconds(106)}),
      up + "1"));
}

}  // namespace
}  // namespace yoke::observe
