// Virtual server and location selection in nginx's order.
#include "yoke/router/route_table.h"

#include <gtest/gtest.h>

#include <memory>

#include "yoke/config/model.h"

namespace yoke::router {
namespace {

std::shared_ptr<const RouteTable> table_for(const std::string& servers) {
  std::string text = "http {\n  upstream up { server 127.0.0.1:9; }\n" + servers + "}\n";
  auto config = std::make_shared<config::Config>(config::load_config_text(text, "t.conf"));
  return RouteTable::build(config);
}

// The pattern of the location that path selects on the only server, or "none".
std::string chosen(const RouteTable& table, std::string_view path) {
  const VirtualServer& server = table.select_server(0, "");
  const Route* route = table.select_route(server, path);
  if (route == nullptr) return "none";
  return route->config->pattern;
}

constexpr const char* kLocations = R"(
  server {
    listen 127.0.0.1:8080;
    location / { return 200 root; }
    location /api/ { return 200 api; }
    location /api/v1/ { return 200 v1; }
    location = /api/exact { return 200 exact; }
    location ^~ /static/ { return 200 static; }
    location ~ \.json$ { return 200 json; }
    location ~* \.PNG$ { return 200 png; }
  }
)";

TEST(SelectRoute, ExactMatchWinsOverEverything) {
  auto table = table_for(kLocations);
  EXPECT_EQ(chosen(*table, "/api/exact"), "/api/exact");
  EXPECT_EQ(chosen(*table, "/api/exact/"), "/api/");
}

TEST(SelectRoute, LongestPrefixWins) {
  auto table = table_for(kLocations);
  EXPECT_EQ(chosen(*table, "/api/v1/items"), "/api/v1/");
  EXPECT_EQ(chosen(*table, "/api/v2/items"), "/api/");
  EXPECT_EQ(chosen(*table, "/other"), "/");
}

TEST(SelectRoute, RegexBeatsPlainPrefixButNotPreferredPrefix) {
  auto table = table_for(kLocations);
  EXPECT_EQ(chosen(*table, "/api/v1/items.json"), "\\.json$");
  EXPECT_EQ(chosen(*table, "/static/data.json"), "/static/");
}

TEST(SelectRoute, CaselessRegex) {
  auto table = table_for(kLocations);
  EXPECT_EQ(chosen(*table, "/img/logo.png"), "\\.PNG$");
  EXPECT_EQ(chosen(*table, "/img/logo.Png"), "\\.PNG$");
}

TEST(SelectRoute, NoMatchWithoutRootLocation) {
  auto table = table_for("  server { listen 127.0.0.1:8080; location /api/ { return 200 a; } }\n");
  EXPECT_EQ(chosen(*table, "/other"), "none");
}

TEST(SelectServer, ByHostNameInNginxOrder) {
  auto table = table_for(R"(
  server { listen 127.0.0.1:8080; server_name default.test; location / { return 200 d; } }
  server { listen 127.0.0.1:8080; server_name api.example.com; location / { return 200 e; } }
  server { listen 127.0.0.1:8080; server_name *.example.com; location / { return 200 w; } }
  server { listen 127.0.0.1:8080; server_name www.example.*; location / { return 200 t; } }
  server { listen 127.0.0.1:8080; server_name ~^re\d+\.test$; location / { return 200 r; } }
)");
  auto name = [&](std::string_view host) { return table->select_server(0, host).primary_name; };
  EXPECT_EQ(name("api.example.com"), "api.example.com");
  EXPECT_EQ(name("API.Example.com:8080"), "api.example.com");
  EXPECT_EQ(name("shop.example.com"), "*.example.com");
  EXPECT_EQ(name("www.example.org"), "www.example.*");
  EXPECT_EQ(name("re42.test"), "~^re\\d+\\.test$");
  EXPECT_EQ(name("unknown.test"), "default.test");
  EXPECT_EQ(name(""), "default.test");
}

TEST(SelectServer, DefaultServerFlagOverridesOrder) {
  auto table = table_for(R"(
  server { listen 127.0.0.1:8080; server_name a.test; location / { return 200 a; } }
  server { listen 127.0.0.1:8080 default_server; server_name b.test; location / { return 200 b; } }
)");
  EXPECT_EQ(table->select_server(0, "nothing.test").primary_name, "b.test");
}

TEST(RouteTable, GroupsServersByListenAddress) {
  auto table = table_for(R"(
  server { listen 127.0.0.1:8080; server_name a.test; location / { return 200 a; } }
  server { listen 127.0.0.1:8081; server_name b.test; location / { return 200 b; } }
  server { listen 127.0.0.1:8080; server_name c.test; location / { return 200 c; } }
)");
  ASSERT_EQ(table->listeners().size(), 2u);
  EXPECT_EQ(table->listeners()[0].servers.size(), 2u);
  EXPECT_EQ(table->listeners()[1].servers.size(), 1u);
}

}  // namespace
}  // namespace yoke::router
