// `server` lines written and read back, and the `state FILE;` directive.
#include "yoke/config/upstream_members.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

class StateDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("yoke-members-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::string write(const std::string& name, const std::string& text) {
    std::string path = (folder_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::string config_with_state(const std::string& path) const {
    return "http { upstream app { state " + path +
           "; server 127.0.0.1:1; } server { listen 127.0.0.1:8080; location / { proxy_pass "
           "http://app; } } }\n";
  }

  std::filesystem::path folder_;
};

TEST(ServerLine, ReadsBackToTheSameServer) {
  UpstreamServer server = parse_server_line(
      "server 127.0.0.1:81 weight=3 backup zone=a \"agent_send=status web1\\n\" slow_start=10s;",
      "t");
  const std::string line = server_line(server);
  UpstreamServer again = parse_server_line(line, "t");
  EXPECT_EQ(server_line(again), line);
  EXPECT_EQ(again.weight, 3);
  EXPECT_TRUE(again.backup);
  EXPECT_EQ(again.zone, "a");
  EXPECT_EQ(again.agent_send, "status web1\n");
  EXPECT_EQ(again.slow_start, Duration(10000));
  EXPECT_EQ(again.addresses.front().to_string(), "127.0.0.1:81");
}

TEST(ServerLine, RefusesNamesAndBadParametersWithTheirColumn) {
  EXPECT_THROW(parse_server_line("server localhost:81;", "t"), ConfigError);
  try {
    parse_server_line("server 127.0.0.1:81 weight=0;", "request");
    FAIL() << "weight=0 accepted";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("request:1:", 0), 0U) << error.what();
  }
  EXPECT_THROW(parse_server_line("listen 80;", "t"), ConfigError);
}

TEST(SetMembers, ChecksTheListAsTheBlockIs) {
  Config config = load_config_text(
      "http { upstream app { hash $request_uri; server 127.0.0.1:1; } server { listen "
      "127.0.0.1:8080; location / { proxy_pass http://app; } } }\n",
      "t.conf");
  Upstream upstream = config.http.upstreams.front();
  EXPECT_THROW(set_members(upstream, {}), ConfigError);
  // hash has no backup servers (policy registration), as in a configuration file.
  EXPECT_THROW(set_members(upstream, {parse_server_line("server 127.0.0.1:2 backup;", "api")}),
               ConfigError);
  set_members(upstream, {parse_server_line("server 127.0.0.1:2;", "api"),
                         parse_server_line("server 127.0.0.1:3;", "api")});
  EXPECT_EQ(upstream.servers.size(), 2U);
}

TEST_F(StateDirectory, AnAbsentFileLeavesTheBlocksServers) {
  Config config = load_config_text(config_with_state((folder_ / "none.state").string()), "t.conf");
  ASSERT_EQ(config.http.upstreams.front().servers.size(), 1U);
  EXPECT_EQ(config.http.upstreams.front().servers.front().name, "127.0.0.1:1");
  EXPECT_EQ(config.http.upstreams.front().state_file, (folder_ / "none.state").string());
}

TEST_F(StateDirectory, TheFilesServersReplaceTheBlocks) {
  const std::string path =
      write("app.state", "# kept\nserver 127.0.0.1:7 weight=2;\nserver 127.0.0.1:8 backup;\n");
  Config config = load_config_text(config_with_state(path), "t.conf");
  const auto& servers = config.http.upstreams.front().servers;
  ASSERT_EQ(servers.size(), 2U);
  EXPECT_EQ(servers[0].name, "127.0.0.1:7");
  EXPECT_EQ(servers[0].weight, 2);
  EXPECT_TRUE(servers[1].backup);
}

TEST_F(StateDirectory, ABrokenFileIsAnErrorNamingItsLine) {
  const std::string path =
      write("bad.state", "server 127.0.0.1:7;\nserver 127.0.0.1:8 wieght=2;\n");
  EXPECT_EQ(testing::load_error(config_with_state(path)),
            path + ":2:20: invalid parameter \"wieght=2\"");
  const std::string other = write("other.state", "server 127.0.0.1:7;\nlisten 80;\n");
  EXPECT_EQ(
      testing::load_error(config_with_state(other)),
      other + ":2:1: unexpected \"listen\" in a state file, which holds only \"server\" lines");
  const std::string empty = write("empty.state", "# nothing\n");
  EXPECT_NE(testing::load_error(config_with_state(empty))
                .find(empty + ":1:1: the state file lists no server"),
            std::string::npos);
}

TEST(StateDirective, IsRelativeToTheConfigurationAndSetOnce) {
  Config config = load_config_text(
      "http { upstream app { state app.state; server 127.0.0.1:1; } server { listen "
      "127.0.0.1:8080; location / { proxy_pass http://app; } } }\n",
      "/nonexistent-yoke/etc/t.conf");
  EXPECT_EQ(config.http.upstreams.front().state_file, "/nonexistent-yoke/etc/app.state");
  EXPECT_NE(testing::load_error("http { upstream app { state a; state b; server 127.0.0.1:1; } "
                                "server { listen 127.0.0.1:8080; location / { proxy_pass "
                                "http://app; } } }\n")
                .find("\"state\" directive is duplicate"),
            std::string::npos);
}

}  // namespace
}  // namespace yoke::config
