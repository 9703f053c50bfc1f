// The nginx sample from the seed article (examples/seed-sample.conf, copied verbatim) must
// load as written. Its hostnames are swapped for loopback addresses so the test needs no DNS.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/build.h"
#include "config/syntax.h"
#include "yoke/config/model.h"

namespace yoke::config {
namespace {

std::string seed_sample_text() {
  // YOKE_SOURCE_DIR, not __FILE__: ccache's base_dir makes __FILE__ relative to the build dir.
  auto path = std::filesystem::path(YOKE_SOURCE_DIR) / "examples/seed-sample.conf";
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void replace(std::string& text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  ASSERT_NE(pos, std::string::npos) << from;
  text.replace(pos, from.size(), to);
}

TEST(ConfigSeedSample, LoadsWithLoopbackNames) {
  std::string text = seed_sample_text();
  replace(text, "api1.example.com", "127.0.0.1:8001");
  replace(text, "api2.example.com", "127.0.0.2:8002");
  replace(text, "backup.example.com", "localhost:8003");
  Config config = load_config_text(text, "seed-sample.conf");

  ASSERT_EQ(config.http.upstreams.size(), 1u);
  const Upstream& upstream = config.http.upstreams[0];
  EXPECT_EQ(upstream.name, "api_servers");
  EXPECT_EQ(upstream.policy, "round_robin");
  ASSERT_EQ(upstream.servers.size(), 3u);
  EXPECT_EQ(upstream.servers[0].weight, 3);
  EXPECT_EQ(upstream.servers[0].addresses.at(0).to_string(), "127.0.0.1:8001");
  EXPECT_FALSE(upstream.servers[0].backup);
  EXPECT_EQ(upstream.servers[1].weight, 2);
  EXPECT_FALSE(upstream.servers[1].backup);
  EXPECT_EQ(upstream.servers[2].weight, 1);
  EXPECT_TRUE(upstream.servers[2].backup);

  ASSERT_EQ(config.http.servers.size(), 1u);
  const Server& server = config.http.servers[0];
  EXPECT_EQ(server.listens.at(0).address.to_string(), "0.0.0.0:80");
  ASSERT_EQ(server.locations.size(), 1u);
  const Location& location = server.locations[0];
  EXPECT_EQ(location.match, LocationMatch::kPrefix);
  EXPECT_EQ(location.pattern, "/api/");
  ASSERT_TRUE(location.proxy_pass.has_value());
  EXPECT_EQ(location.proxy_pass->upstream, "api_servers");
  EXPECT_FALSE(location.proxy_pass->has_uri);
  ASSERT_EQ(location.proxy_set_headers.size(), 2u);
  EXPECT_EQ(location.proxy_set_headers[0].name, "Host");
  EXPECT_EQ(location.proxy_set_headers[0].value.parts.at(0).text, "host");
  EXPECT_EQ(location.proxy_set_headers[1].name, "X-Real-IP");
  EXPECT_EQ(location.proxy_set_headers[1].value.parts.at(0).text, "remote_addr");
}

TEST(ConfigSeedSample, UnresolvedNamesAreReportedWhereWritten) {
  auto directives = parse_config_syntax(seed_sample_text(), "seed-sample.conf");
  try {
    build_config(directives, "seed-sample.conf", BuildOptions{false});
    FAIL() << "expected an error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(),
                 "seed-sample.conf:4:16: host not found in upstream \"api1.example.com\"");
  }
}

}  // namespace
}  // namespace yoke::config
