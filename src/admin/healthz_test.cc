// /healthz's rule (healthz.h) over a real route table whose servers change state the way the
// health checker and the admin API change them.
#include "admin/healthz.h"

#include <gtest/gtest.h>

#include "yoke/config/model.h"

namespace yoke::admin {
namespace {

std::shared_ptr<const router::RouteTable> routes_of(const std::string& http) {
  auto config = std::make_shared<config::Config>(config::load_config_text(http, "t.conf"));
  return router::RouteTable::build(config);
}

constexpr const char* kTwoUpstreams =
    "http {\n"
    "  upstream app { server 127.0.0.1:8081; server 127.0.0.1:8082; }\n"
    "  upstream other { server 127.0.0.1:9001; }\n"
    "  server { listen 127.0.0.1:8080; location / { proxy_pass http://app; }\n"
    "           location /o/ { proxy_pass http://other; } } }\n";

balancing::HostRuntime& runtime(const router::RouteTable& routes, std::size_t upstream,
                                std::size_t server) {
  return (*routes.upstreams()[upstream].hosts->runtime)[server];
}

TEST(Healthz, OkWhileAServerIsUp) {
  auto routes = routes_of(kTwoUpstreams);
  AdminResponse response = healthz_response(*routes, NodePhase::kServing, TimePoint{});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body,
            "ok\nupstream app: 2 of 2 servers up\nupstream other: 1 of 1 servers up\n");
}

TEST(Healthz, OneUpstreamWithAServerUpIsEnough) {
  auto routes = routes_of(kTwoUpstreams);
  runtime(*routes, 0, 0).set_health(balancing::HealthState::kDown);
  runtime(*routes, 0, 1)
      .set_admin_state(true, false, balancing::HostRuntime::kNoAdminWeight, TimePoint{});
  AdminResponse response = healthz_response(*routes, NodePhase::kServing, TimePoint{});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body,
            "ok\nupstream app: 0 of 2 servers up\nupstream other: 1 of 1 servers up\n");
}

TEST(Healthz, UnhealthyWhenNoUpstreamHasAServerUp) {
  auto routes = routes_of(kTwoUpstreams);
  runtime(*routes, 0, 0).set_health(balancing::HealthState::kDown);
  runtime(*routes, 0, 1).set_health(balancing::HealthState::kDown);
  runtime(*routes, 1, 0)
      .set_admin_state(false, true, balancing::HostRuntime::kNoAdminWeight, TimePoint{});
  AdminResponse response = healthz_response(*routes, NodePhase::kServing, TimePoint{});
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body,
            "unhealthy: no upstream has a server up\nupstream app: 0 of 2 servers up\n"
            "upstream other: 0 of 1 servers up\n");
  // And back: one server's check passes again.
  runtime(*routes, 0, 1).set_health(balancing::HealthState::kUp);
  EXPECT_EQ(healthz_response(*routes, NodePhase::kServing, TimePoint{}).status, 200);
}

TEST(Healthz, DrainingFailsWhateverTheUpstreams) {
  auto routes = routes_of(kTwoUpstreams);
  AdminResponse response = healthz_response(*routes, NodePhase::kDraining, TimePoint{});
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body.substr(0, response.body.find('\n')),
            "draining: yoke -s drain was requested");
}

TEST(Healthz, NoUpstreamsIsOk) {
  auto routes = routes_of("http { server { listen 127.0.0.1:8080; location / { return 204; } } }");
  EXPECT_EQ(healthz_response(*routes, NodePhase::kServing, TimePoint{}).body, "ok\n");
  EXPECT_EQ(healthz_response(*routes, NodePhase::kDraining, TimePoint{}).status, 503);
}

TEST(Healthz, StoppingFails) {
  auto routes = routes_of(kTwoUpstreams);
  AdminResponse response = healthz_response(*routes, NodePhase::kStopping, TimePoint{});
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body.substr(0, response.body.find('\n')),
            "stopping: a graceful stop is in progress");
}

// Serving → draining → stopping, never back (a drain after a stop leaves it stopping).
TEST(Healthz, NodePhaseOnlyMovesForward) {
  NodeHealth node;
  EXPECT_EQ(node.phase(), NodePhase::kServing);
  node.start_drain();
  EXPECT_EQ(node.phase(), NodePhase::kDraining);
  node.start_stop();
  node.start_drain();
  EXPECT_EQ(node.phase(), NodePhase::kStopping);
}

}  // namespace
}  // namespace yoke::admin
