// What a reload carries over: limit zones by name when unchanged, the runtime state of hosts
// that stay.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "yoke/config/model.h"
#include "yoke/router/carry_over.h"
#include "yoke/router/route_table.h"

namespace yoke::router {
namespace {

std::shared_ptr<const RouteTable> build(const std::string& http,
                                        const RouteTable* previous = nullptr) {
  auto config = std::make_shared<config::Config>(config::load_config_text(
      "http {\n" + http +
          "\nserver { listen 127.0.0.1:8080; location / { proxy_pass http://app; "
          "limit_req zone=r; limit_conn c 1; } } }\n",
      "t.conf"));
  return RouteTable::build(config, previous);
}

const limits::RateZone* rate_zone(const RouteTable& table) {
  return table.select_route(table.select_server(0, ""), "/")->rate_limits[0].zone->zone.get();
}

const limits::ConnZone* conn_zone(const RouteTable& table) {
  return table.select_route(table.select_server(0, ""), "/")->conn_limits[0].zone->zone.get();
}

constexpr const char* kZones =
    "limit_req_zone $binary_remote_addr zone=r:1m rate=5r/s;\n"
    "limit_conn_zone $binary_remote_addr zone=c:1m;\n";

TEST(ReloadCarryOver, UnchangedZonesAreSharedByName) {
  auto running = build(std::string(kZones) + "upstream app { server 127.0.0.1:1; }");
  auto next = build(std::string(kZones) + "upstream app { server 127.0.0.1:2; }", running.get());
  EXPECT_EQ(rate_zone(*next), rate_zone(*running));
  EXPECT_EQ(conn_zone(*next), conn_zone(*running));
}

TEST(ReloadCarryOver, ChangedZonesStartAfresh) {
  auto running = build(std::string(kZones) + "upstream app { server 127.0.0.1:1; }");
  std::string rate = kZones;
  rate.replace(rate.find("5r/s"), 4, "6r/s");
  EXPECT_NE(rate_zone(*build(rate + "upstream app { server 127.0.0.1:1; }", running.get())),
            rate_zone(*running));
  std::string size = kZones;
  size.replace(size.find("c:1m"), 4, "c:2m");
  auto resized = build(size + "upstream app { server 127.0.0.1:1; }", running.get());
  EXPECT_NE(conn_zone(*resized), conn_zone(*running));
  EXPECT_EQ(rate_zone(*resized), rate_zone(*running));
  std::string key = kZones;
  key.replace(key.find("$binary_remote_addr zone=r"), 19, "$http_x_user");
  EXPECT_NE(rate_zone(*build(key + "upstream app { server 127.0.0.1:1; }", running.get())),
            rate_zone(*running));
}

const balancing::HostRuntime& state(const RouteTable& table, std::size_t host) {
  return *table.upstreams()[0].hosts->hosts[host].runtime;
}

balancing::HostRuntime& writable_state(const RouteTable& table, std::size_t host) {
  return (*table.upstreams()[0].hosts->runtime)[host];
}

TEST(ReloadCarryOver, HostsThatStayKeepTheirHealthVerdict) {
  const std::string check = " health_check interval=1s mandatory; }";
  auto running =
      build(std::string(kZones) + "upstream app { server 127.0.0.1:1; server 127.0.0.1:2;" + check);
  writable_state(*running, 0).set_health(balancing::HealthState::kDown);
  writable_state(*running, 1).set_health(balancing::HealthState::kUp);
  // .2 stays (now first), .1 stays, .3 is new: mandatory, so it waits for a first check.
  auto next = build(std::string(kZones) +
                        "upstream app { server 127.0.0.1:2; "
                        "server 127.0.0.1:3; server 127.0.0.1:1;" +
                        check,
                    running.get());
  EXPECT_EQ(carry_over_host_state(*running, *next), 2U);
  EXPECT_EQ(state(*next, 0).health(), balancing::HealthState::kUp);
  EXPECT_EQ(state(*next, 1).health(), balancing::HealthState::kChecking);
  EXPECT_EQ(state(*next, 2).health(), balancing::HealthState::kDown);
  EXPECT_FALSE(state(*next, 2).accepts_requests());
}

TEST(ReloadCarryOver, NoVerdictSticksWhenTheNewConfigurationStopsChecking) {
  auto running =
      build(std::string(kZones) + "upstream app { server 127.0.0.1:1; health_check interval=1s; }");
  writable_state(*running, 0).set_health(balancing::HealthState::kDown);
  auto next = build(std::string(kZones) + "upstream app { server 127.0.0.1:1; }", running.get());
  EXPECT_EQ(carry_over_host_state(*running, *next), 1U);
  EXPECT_TRUE(state(*next, 0).accepts_requests());
}

TEST(ReloadCarryOver, AgentWordsFollowTheServerWhenBothHaveAnAgent) {
  auto running = build(std::string(kZones) +
                       "upstream app { server 127.0.0.1:1 agent_port=9; server 127.0.0.1:2 "
                       "agent_port=9; }");
  writable_state(*running, 0).set_agent_admin(balancing::AgentAdmin::kDrain);
  writable_state(*running, 0).set_weight_percent(40);
  writable_state(*running, 1).set_agent_admin(balancing::AgentAdmin::kMaint);
  auto next = build(
      std::string(kZones) + "upstream app { server 127.0.0.1:1 agent_port=9; server 127.0.0.1:2; }",
      running.get());
  carry_over_host_state(*running, *next);
  EXPECT_EQ(state(*next, 0).agent_admin(), balancing::AgentAdmin::kDrain);
  EXPECT_EQ(state(*next, 0).weight_percent(), 40);
  EXPECT_EQ(state(*next, 1).agent_admin(), balancing::AgentAdmin::kReady);  // agent removed
}

// The admin API's drain, down and weight follow a server that stays, so a reload in the middle
// of maintenance does not put a drained server back into service.
TEST(ReloadCarryOver, AdminApiStateFollowsTheServer) {
  auto running = build(std::string(kZones) +
                       "upstream app { server 127.0.0.1:1; server 127.0.0.1:2; "
                       "server 127.0.0.1:3; }");
  writable_state(*running, 0)
      .set_admin_state(false, true, balancing::HostRuntime::kNoAdminWeight, TimePoint{});
  writable_state(*running, 1).set_admin_state(true, false, 7, TimePoint{});
  // .2 stays (now first), .1 stays, .3 is removed, .4 is new.
  auto next = build(std::string(kZones) +
                        "upstream app { server 127.0.0.1:2; server 127.0.0.1:4; "
                        "server 127.0.0.1:1; }",
                    running.get());
  EXPECT_EQ(carry_over_admin_state(*running, *next), 2U);
  EXPECT_TRUE(state(*next, 0).admin_down());
  EXPECT_EQ(state(*next, 0).admin_weight(), 7);
  EXPECT_FALSE(state(*next, 0).accepts_requests());
  EXPECT_FALSE(state(*next, 1).admin_down());
  EXPECT_TRUE(state(*next, 1).accepts_requests());
  EXPECT_TRUE(state(*next, 2).admin_drain());
  EXPECT_FALSE(state(*next, 2).accepts_requests());
}

TEST(ReloadCarryOver, OutlierEjectionsCarryOverWhileDetectionStays) {
  const std::string detect = " outlier_detection; }";
  auto running = build(std::string(kZones) +
                       "upstream app { server 127.0.0.1:1; server 127.0.0.1:2;" + detect);
  balancing::HostOutlier& ejected = writable_state(*running, 0).outlier;
  ejected.ejection_count.store(3);
  ejected.ejection_word.store(balancing::HostOutlier::encode({true, 2, 1'000'000'000'000}));
  running->upstreams()[0].hosts->runtime->outliers.ejected_hosts.store(1);
  writable_state(*running, 1).outlier.ejection_count.store(5);
  auto next =
      build(std::string(kZones) + "upstream app { server 127.0.0.1:1; server 127.0.0.1:2;" + detect,
            running.get());
  carry_over_host_state(*running, *next);
  EXPECT_EQ(state(*next, 0).outlier.ejections_total(), 3U);
  EXPECT_TRUE(state(*next, 0).outlier.ejected(TimePoint{}));
  EXPECT_EQ(next->upstreams()[0].hosts->runtime->outliers.ejected_hosts.load(), 1U);
  EXPECT_EQ(state(*next, 1).outlier.ejections_total(), 5U);
  // Without detection in the new configuration: the count stays (a counter), no ejection.
  auto plain = build(std::string(kZones) + "upstream app { server 127.0.0.1:1; }", running.get());
  carry_over_host_state(*running, *plain);
  EXPECT_EQ(state(*plain, 0).outlier.ejections_total(), 3U);
  EXPECT_FALSE(state(*plain, 0).outlier.ejected(TimePoint{}));
  EXPECT_EQ(plain->upstreams()[0].hosts->runtime->outliers.ejected_hosts.load(), 0U);
}

TEST(ReloadCarryOver, OtherUpstreamsAreNotMatched) {
  auto running =
      build(std::string(kZones) + "upstream app { server 127.0.0.1:1; health_check interval=1s; }");
  writable_state(*running, 0).set_health(balancing::HealthState::kDown);
  auto next = build(std::string(kZones) +
                        "upstream app { server 127.0.0.1:5; health_check interval=1s; }"
                        "upstream spare { server 127.0.0.1:1; health_check interval=1s; }",
                    running.get());
  EXPECT_EQ(carry_over_host_state(*running, *next), 0U);
  EXPECT_EQ(next->upstreams()[1].hosts->hosts[0].runtime->health(), balancing::HealthState::kUp);
}

}  // namespace
}  // namespace yoke::router
