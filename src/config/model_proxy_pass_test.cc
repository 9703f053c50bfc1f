#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

std::string with_locations(const std::string& locations) {
  return "http {\n  upstream api { server 10.0.0.1:8080; }\n  server {\n" + locations +
         "\n  }\n}\n";
}

Config load_locations(const std::string& locations) {
  return load_config_text(with_locations(locations), "t.conf");
}

const ProxyPass& first_proxy_pass(const Config& config) {
  return config.http.servers.at(0).locations.at(0).proxy_pass.value();
}

TEST(ConfigModelProxyPass, UriForms) {
  Config config = load_locations(
      "location /a/ { proxy_pass http://api; }\nlocation /b/ { proxy_pass http://api/; }\n"
      "location /c/ { proxy_pass http://api/v2/; }\n");
  const auto& locations = config.http.servers[0].locations;
  ASSERT_EQ(locations.size(), 3u);
  EXPECT_FALSE(locations[0].proxy_pass->has_uri);
  EXPECT_EQ(locations[0].proxy_pass->uri, "");
  EXPECT_TRUE(locations[1].proxy_pass->has_uri);
  EXPECT_EQ(locations[1].proxy_pass->uri, "/");
  EXPECT_TRUE(locations[2].proxy_pass->has_uri);
  EXPECT_EQ(locations[2].proxy_pass->uri, "/v2/");
  for (const auto& location : locations) {
    EXPECT_EQ(location.proxy_pass->upstream, "api");
    EXPECT_EQ(location.proxy_pass->host_text, "api");
    EXPECT_EQ(location.proxy_pass->scheme, "http");
  }
  EXPECT_EQ(locations[0].proxy_pass->where.line, 4);
  EXPECT_EQ(locations[0].proxy_pass->where.column, 16);
  EXPECT_EQ(config.http.upstreams.size(), 1u);
}

TEST(ConfigModelProxyPass, UpstreamMayBeDefinedAfterTheServer) {
  Config config = load_config_text(
      "http {\n  server { location / { proxy_pass http://late; } }\n"
      "  upstream late { server 10.0.0.9; }\n}",
      "t.conf");
  EXPECT_EQ(first_proxy_pass(config).upstream, "late");
  EXPECT_EQ(config.http.upstreams.size(), 1u);
}

TEST(ConfigModelProxyPass, AddressesBecomeImplicitUpstreams) {
  Config config = load_locations(
      "location /a { proxy_pass http://127.0.0.1:9000; }\n"
      "location /b { proxy_pass http://127.0.0.1:9000/b/; }\n"
      "location /c { proxy_pass http://127.0.0.2; }\n"
      "location /d { proxy_pass http://[::1]:9001; }\n"
      "location /e { proxy_pass http://localhost:9002; }\n");
  const auto& upstreams = config.http.upstreams;
  ASSERT_EQ(upstreams.size(), 5u);
  EXPECT_FALSE(upstreams[0].implicit);
  EXPECT_EQ(upstreams[1].name, "127.0.0.1:9000");
  EXPECT_TRUE(upstreams[1].implicit);
  ASSERT_EQ(upstreams[1].servers.size(), 1u);
  EXPECT_EQ(upstreams[1].servers[0].name, "127.0.0.1:9000");
  EXPECT_EQ(upstreams[1].servers[0].addresses.at(0).to_string(), "127.0.0.1:9000");
  EXPECT_EQ(upstreams[1].policy, "round_robin");
  EXPECT_EQ(upstreams[2].name, "127.0.0.2:80");
  EXPECT_EQ(upstreams[3].name, "[::1]:9001");
  EXPECT_EQ(upstreams[3].servers[0].addresses.at(0).to_string(), "[::1]:9001");
  EXPECT_EQ(upstreams[4].name, "localhost:9002");
  EXPECT_FALSE(upstreams[4].servers[0].addresses.empty());
  const auto& locations = config.http.servers[0].locations;
  EXPECT_EQ(locations[0].proxy_pass->upstream, "127.0.0.1:9000");
  EXPECT_EQ(locations[1].proxy_pass->upstream, "127.0.0.1:9000");  // reused
  EXPECT_EQ(locations[1].proxy_pass->uri, "/b/");
  EXPECT_EQ(locations[2].proxy_pass->host_text, "127.0.0.2");
  EXPECT_EQ(locations[3].proxy_pass->host_text, "[::1]:9001");
}

TEST(ConfigModelProxyPass, UnsupportedForms) {
  EXPECT_EQ(load_error(with_locations("location / { proxy_pass https://$host; }")),
            "t.conf:4:25: \"proxy_pass\" with variables supports only \"http://\"");
  EXPECT_EQ(load_error(with_locations("location / { proxy_pass http://$host/x; }")),
            "t.conf:4:25: \"proxy_pass\" with variables takes no URI part in \"http://$host/x\"");
  EXPECT_EQ(load_error(with_locations("location / { proxy_pass ftp://api; }")),
            "t.conf:4:25: invalid URL prefix in \"ftp://api\", expected \"http://\" or "
            "\"https://\"");
  EXPECT_EQ(load_error(with_locations("location / { proxy_pass http://api:8080; }")),
            "t.conf:4:25: upstream \"api\" cannot be given a port in \"proxy_pass\"");
  EXPECT_EQ(load_error(with_locations("location / { proxy_pass http://; }")),
            "t.conf:4:25: invalid host or port in \"http://\"");
  EXPECT_EQ(load_error(with_locations("location / { proxy_pass http://api; proxy_pass "
                                      "http://api; }")),
            "t.conf:4:37: \"proxy_pass\" directive is duplicate");
}

TEST(ConfigModelProxyPass, RegexLocationsCannotHaveAUri) {
  EXPECT_EQ(load_error(with_locations("location ~ ^/x { proxy_pass http://api/y; }")),
            "t.conf:4:29: \"proxy_pass\" cannot have URI part in location given by regular "
            "expression");
  Config config = load_locations("location ~* ^/x { proxy_pass http://api; }");
  EXPECT_FALSE(first_proxy_pass(config).has_uri);
}

TEST(ConfigModelProxyPass, ReturnAndProxyPassTogetherIsAnError) {
  EXPECT_EQ(load_error(with_locations("location / { proxy_pass http://api; return 200; }")),
            "t.conf:4:37: \"return\" and \"proxy_pass\" cannot both be set in one location");
}

}  // namespace
}  // namespace yoke::config
