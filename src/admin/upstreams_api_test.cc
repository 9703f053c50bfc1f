// The upstream API's handlers through the router, over a real route table and worker blocks:
// what GET shows, what PATCH changes in the runtime state (and what an error leaves alone).
#include "admin/upstreams_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "yoke/config/model.h"
#include "yoke/router/route_table.h"

namespace yoke::admin {
namespace {

using nlohmann::json;

class UpstreamsApiTest : public ::testing::Test {
 protected:
  UpstreamsApiTest() {
    auto config = std::make_shared<config::Config>(config::load_config_text(
        "http {\n"
        "  upstream app { server 127.0.0.1:8081 weight=3; server 127.0.0.1:8082 slow_start=10s;\n"
        "                 server 127.0.0.1:8083 down; }\n"
        "  upstream keyed { ip_hash; server 127.0.0.1:9001; }\n"
        "  server { listen 127.0.0.1:8080; location / { proxy_pass http://app; }\n"
        "           location /k/ { proxy_pass http://keyed; } } }\n",
        "t.conf"));
    routes_ = router::RouteTable::build(config);
    std::size_t servers[] = {3, 1};
    worker_ = std::make_shared<observe::WorkerMetrics>(servers);
    auto metrics = std::make_shared<observe::MetricsRegistry>(
        routes_, std::vector<std::shared_ptr<const observe::WorkerMetrics>>{worker_},
        std::chrono::system_clock::time_point{});
    add_upstream_routes(router_, metrics);
  }

  std::pair<int, json> call(std::string_view method, std::string_view path,
                            std::string_view body = "") {
    AdminRequest request{method, path, "", "", body, "application/json"};
    AdminResponse response = router_.handle(request);
    EXPECT_EQ(response.content_type, "application/json");
    return {response.status, json::parse(response.body)};
  }

  const balancing::HostRuntime& runtime(std::size_t index) const {
    return (*routes_->upstreams()[0].hosts->runtime)[index];
  }

  AdminRouter router_{""};
  std::shared_ptr<const router::RouteTable> routes_;
  std::shared_ptr<observe::WorkerMetrics> worker_;
};

TEST_F(UpstreamsApiTest, ListsUpstreamsAndServers) {
  worker_->server(0, 1).in_flight.add(2);
  auto [status, body] = call("GET", "/api/v1/upstreams");
  ASSERT_EQ(status, 200);
  ASSERT_EQ(body["upstreams"].size(), 2U);
  const json& app = body["upstreams"][0];
  EXPECT_EQ(app["name"], "app");
  EXPECT_EQ(app["policy"], "round_robin");
  const json& first = app["servers"][0];
  EXPECT_EQ(first["id"], 0);
  EXPECT_EQ(first["address"], "127.0.0.1:8081");
  EXPECT_EQ(first["state"], "up");
  EXPECT_EQ(first["weight"], 3);
  EXPECT_EQ(first["effective_weight"], 3.0);
  EXPECT_TRUE(first["admin_weight"].is_null());
  EXPECT_EQ(app["servers"][1]["active_requests"], 2);
  EXPECT_EQ(app["servers"][1]["slow_start_ms"], 10000);
  EXPECT_EQ(app["servers"][2]["state"], "down");
  EXPECT_EQ(app["servers"][2]["effective_weight"], 0.0);
  EXPECT_EQ(call("GET", "/api/v1/upstreams/keyed").second["policy"], "ip_hash");
  EXPECT_EQ(call("GET", "/api/v1/upstreams/app/servers/127.0.0.1:8082").second["id"], 1);
}

TEST_F(UpstreamsApiTest, PatchDrainsReweightsAndReopens) {
  auto [status, body] = call("PATCH", "/api/v1/upstreams/app/servers/0", R"({"drain": true})");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body["state"], "draining");
  EXPECT_EQ(body["effective_weight"], 0.0);
  EXPECT_TRUE(runtime(0).gate().closed);
  EXPECT_EQ(runtime(0).closed_bits(), balancing::HostRuntime::kClosedByAdmin);

  body =
      call("PATCH", "/api/v1/upstreams/app/servers/0", R"({"drain": false, "weight": 7})").second;
  EXPECT_EQ(body["state"], "up");
  EXPECT_EQ(body["admin_weight"], 7);
  EXPECT_EQ(body["effective_weight"], 7.0);
  EXPECT_FALSE(runtime(0).gate().closed);

  body = call("PATCH", "/api/v1/upstreams/app/servers/0", R"({"weight": 0})").second;
  EXPECT_EQ(body["state"], "draining");
  EXPECT_TRUE(runtime(0).gate().closed);
  body =
      call("PATCH", "/api/v1/upstreams/app/servers/0", R"({"weight": null, "down": true})").second;
  EXPECT_EQ(body["state"], "down");
  EXPECT_TRUE(body["admin_weight"].is_null());
  body = call("PATCH", "/api/v1/upstreams/app/servers/0", R"({"down": false})").second;
  EXPECT_EQ(body["state"], "up");
  EXPECT_EQ(body["effective_weight"], 3.0);
}

TEST_F(UpstreamsApiTest, ReopeningStartsTheSlowStartRamp) {
  call("PATCH", "/api/v1/upstreams/app/servers/1", R"({"down": true})");
  const json body = call("PATCH", "/api/v1/upstreams/app/servers/1", R"({"down": false})").second;
  // Reopened a moment ago with slow_start=10s: a sliver of its weight.
  EXPECT_GT(body["effective_weight"].get<double>(), 0.0);
  EXPECT_LT(body["effective_weight"].get<double>(), 0.5);
}

TEST_F(UpstreamsApiTest, ErrorsNameTheFieldAndChangeNothing) {
  const std::string server = "/api/v1/upstreams/app/servers/0";
  struct Case {
    std::string path;
    std::string body;
    int status;
    json field;
  };
  const Case cases[] = {
      {"/api/v1/upstreams/nope/servers/0", R"({"drain": true})", 404, nullptr},
      {"/api/v1/upstreams/app/servers/3", R"({"drain": true})", 404, nullptr},
      {"/api/v1/upstreams/app/servers/00", R"({"drain": true})", 404, nullptr},
      {server, R"({"drain": true, "weight": -2})", 400, "weight"},
      {server, R"({"drain": true, "port": 80})", 400, "port"},
      {server, R"({"drain": 1})", 400, "drain"},
      {server, R"({"drain": true)", 400, nullptr},
      {"/api/v1/upstreams/app/servers/2", R"({"down": false})", 409, "down"},
      {"/api/v1/upstreams/keyed/servers/0", R"({"weight": 2})", 409, "weight"},
  };
  for (const Case& c : cases) {
    auto [status, body] = call("PATCH", c.path, c.body);
    EXPECT_EQ(status, c.status) << c.path << " " << c.body;
    EXPECT_EQ(body["status"], c.status);
    EXPECT_EQ(body["field"], c.field) << c.body;
    EXPECT_FALSE(body["error"].get<std::string>().empty());
  }
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(runtime(i).admin_drain());
    EXPECT_FALSE(runtime(i).admin_down());
    EXPECT_EQ(runtime(i).admin_weight(), balancing::HostRuntime::kNoAdminWeight);
  }
  EXPECT_FALSE(runtime(0).gate().closed);
  AdminRequest text{"PATCH", server, "", "", R"({"drain": true})", "text/plain"};
  EXPECT_EQ(router_.handle(text).status, 415);
  EXPECT_FALSE(runtime(0).admin_drain());
}

}  // namespace
}  // namespace yoke::admin
