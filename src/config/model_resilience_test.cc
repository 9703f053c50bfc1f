// outlier_detection, retry_budget, zone_aware, priority_spill in an upstream; server zone= and
// priority=; yoke_zone and the --zone override.
#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

std::string with_upstream(const std::string& upstream_body, const std::string& main = "",
                          const std::string& policy = "") {
  return main + "http {\nupstream app {\n" + policy + upstream_body +
         "\n}\nserver { listen 127.0.0.1:8080; location / { proxy_pass http://app; } }\n}\n";
}

const Upstream& app(const Config& config) { return config.http.upstreams.at(0); }

TEST(ConfigResilience, OffByDefault) {
  Config config = load_config_text(with_upstream("server 10.0.0.1;"), "t.conf");
  const balancing::UpstreamResilience& resilience = app(config).resilience;
  EXPECT_FALSE(resilience.outlier.enabled);
  EXPECT_FALSE(resilience.retry_budget.enabled);
  EXPECT_FALSE(resilience.zone_aware.enabled);
  EXPECT_EQ(resilience.priority_min_healthy_percent, 70);
  EXPECT_TRUE(config.zone.empty());
}

TEST(ConfigResilience, OutlierDetectionDefaultsAndParameters) {
  Config config = load_config_text(with_upstream("server 10.0.0.1;\noutlier_detection;"), "t.conf");
  const balancing::OutlierSettings& bare = app(config).resilience.outlier;
  EXPECT_TRUE(bare.enabled);
  EXPECT_EQ(bare.consecutive_5xx, 5);
  EXPECT_EQ(bare.consecutive_gateway_failure, 0);
  EXPECT_EQ(bare.base_ejection_time, Duration(30000));
  EXPECT_EQ(bare.max_ejection_time, Duration(300000));
  EXPECT_EQ(bare.max_ejection_percent, 50);
  config = load_config_text(
      with_upstream("server 10.0.0.1;\noutlier_detection consecutive_5xx=3 "
                    "consecutive_gateway_failure=2 base_ejection_time=5s max_ejection_time=1m "
                    "interval=2s max_ejection_percent=30;"),
      "t.conf");
  const balancing::OutlierSettings& set = app(config).resilience.outlier;
  EXPECT_EQ(set.consecutive_5xx, 3);
  EXPECT_EQ(set.consecutive_gateway_failure, 2);
  EXPECT_EQ(set.base_ejection_time, Duration(5000));
  EXPECT_EQ(set.max_ejection_time, Duration(60000));
  EXPECT_EQ(set.interval, Duration(2000));
  EXPECT_EQ(set.max_ejection_percent, 30);
}

TEST(ConfigResilience, OutlierDetectionErrorsNameThePlace) {
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\noutlier_detection consecutive_5xx=x;")),
            "t.conf:4:35: invalid value \"x\" in \"outlier_detection\" directive, expected a "
            "number from 0 to 1000000");
  EXPECT_EQ(
      load_error(with_upstream("server 10.0.0.1;\noutlier_detection max_ejection_percent=101;")),
      "t.conf:4:40: invalid value \"101\" in \"outlier_detection\" directive, expected a "
      "number from 0 to 100");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\noutlier_detection sometimes=1;")),
            "t.conf:4:19: invalid parameter \"sometimes=1\" in \"outlier_detection\" directive");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\noutlier_detection;\noutlier_detection;")),
            "t.conf:5:1: \"outlier_detection\" directive is duplicate");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\noutlier_detection consecutive_5xx=0;")),
            "t.conf:4:1: \"outlier_detection\" with consecutive_5xx=0 and no "
            "consecutive_gateway_failure never ejects: set one of them above 0");
  EXPECT_EQ(
      load_error(with_upstream(
          "server 10.0.0.1;\noutlier_detection base_ejection_time=10m max_ejection_time=1m;")),
      "t.conf:4:1: max_ejection_time is shorter than base_ejection_time in "
      "\"outlier_detection\" directive");
}

TEST(ConfigResilience, RetryBudget) {
  Config config = load_config_text(
      with_upstream("server 10.0.0.1;\nretry_budget percent=10 min_per_second=5 ttl=20s;"),
      "t.conf");
  const balancing::RetryBudgetSettings& budget = app(config).resilience.retry_budget;
  EXPECT_TRUE(budget.enabled);
  EXPECT_EQ(budget.percent, 10);
  EXPECT_EQ(budget.min_per_second, 5);
  EXPECT_EQ(budget.ttl, Duration(20000));
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nretry_budget percent;")),
            "t.conf:4:14: invalid parameter \"percent\" in \"retry_budget\" directive, "
            "expected KEY=VALUE");
}

TEST(ConfigResilience, ZonesAndPriorities) {
  Config config = load_config_text(
      with_upstream("server 10.0.0.1 zone=east priority=0;\nserver 10.0.0.2 zone=west "
                    "priority=2;\nzone_aware on min_healthy_percent=60;\n"
                    "priority_spill min_healthy_percent=80;",
                    "yoke_zone east;\n"),
      "t.conf");
  EXPECT_EQ(config.zone, "east");
  EXPECT_EQ(app(config).servers[0].zone, "east");
  EXPECT_EQ(app(config).servers[1].priority, 2);
  EXPECT_TRUE(app(config).resilience.zone_aware.enabled);
  EXPECT_EQ(app(config).resilience.zone_aware.min_healthy_percent, 60);
  EXPECT_EQ(app(config).resilience.priority_min_healthy_percent, 80);
}

TEST(ConfigResilience, ZoneErrors) {
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1 zone=east;\nzone_aware on;")),
            "t.conf:4:1: \"zone_aware on\" in upstream \"app\" needs the balancer's own zone: "
            "\"yoke_zone NAME;\" at the top level or --zone NAME on the command line");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nzone_aware on;", "yoke_zone east;\n")),
            "t.conf:5:1: \"zone_aware on\" in upstream \"app\" but no server has a zone=NAME "
            "parameter");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nzone_aware maybe;", "yoke_zone a;\n")),
            "t.conf:5:12: invalid value \"maybe\" in \"zone_aware\" directive, it must be \"on\" "
            "or \"off\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1 priority=1;", "", "hash $uri;\n")),
            "t.conf:4:1: parameter \"priority=1\" is not supported by balancing policy \"hash\", "
            "which has no backup servers (priority levels are fallbacks)");
}

TEST(ConfigResilience, CommandLineZoneOverridesYokeZone) {
  set_zone_override("west");
  Config config = load_config_text(
      with_upstream("server 10.0.0.1 zone=east;\nzone_aware on;", "yoke_zone east;\n"), "t.conf");
  EXPECT_EQ(config.zone, "west");
  config = load_config_text(with_upstream("server 10.0.0.1 zone=east;\nzone_aware on;"), "t.conf");
  EXPECT_EQ(config.zone, "west");
  set_zone_override("");
}

}  // namespace
}  // namespace yoke::config
