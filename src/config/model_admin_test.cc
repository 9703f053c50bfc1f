#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

constexpr const char* kHttp =
    "http { server { listen 127.0.0.1:8080; location / { return 204; } } }\n";

// A temporary folder holding token files, removed at the end of each test.
class ConfigAdmin : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ =
        std::filesystem::temp_directory_path() / ("yoke-admin-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::string write(const std::string& name, const std::string& content) {
    std::string path = (folder_ / name).string();
    std::ofstream(path) << content;
    return path;
  }

  std::filesystem::path folder_;
};

TEST_F(ConfigAdmin, OffUnlessConfigured) {
  EXPECT_FALSE(load_config_text(kHttp, "t.conf").admin.has_value());
}

TEST_F(ConfigAdmin, LoopbackByDefault) {
  Config config = load_config_text(std::string("admin { }\n") + kHttp, "t.conf");
  ASSERT_TRUE(config.admin.has_value());
  EXPECT_EQ(config.admin->address.to_string(), "127.0.0.1:9901");
  EXPECT_EQ(config.admin->token, "");
}

TEST_F(ConfigAdmin, ListenAndTokenTrimmed) {
  std::string path = write("token", "  s3cr3t-Token_~+/==\n");
  Config config = load_config_text(
      "admin {\n  listen [::1]:9100;\n  token_file " + path + ";\n}\n" + kHttp, "t.conf");
  ASSERT_TRUE(config.admin.has_value());
  EXPECT_EQ(config.admin->address.to_string(), "[::1]:9100");
  EXPECT_EQ(config.admin->token, "s3cr3t-Token_~+/==");
  EXPECT_EQ(config.admin->token_file, path);
}

// A relative token_file is found beside the file that names it, as include does.
TEST_F(ConfigAdmin, RelativeTokenFile) {
  write("token", "abc\n");
  std::string main = write("yoke.conf", std::string("admin { token_file token; }\n") + kHttp);
  Config config = load_config(main);
  ASSERT_TRUE(config.admin.has_value());
  EXPECT_EQ(config.admin->token, "abc");
}

// denylist_file is resolved like token_file; the file itself is read at start (a missing one is
// an empty list), not by the configuration loader.
TEST_F(ConfigAdmin, DenylistFile) {
  std::string main =
      write("yoke.conf", std::string("admin { denylist_file state/deny.list; }\n") + kHttp);
  Config config = load_config(main);
  ASSERT_TRUE(config.admin.has_value());
  EXPECT_EQ(config.admin->denylist_file, (folder_ / "state/deny.list").string());
  EXPECT_EQ(load_config_text(std::string("admin { }\n") + kHttp, "t.conf").admin->denylist_file,
            "");
  EXPECT_EQ(load_error("admin { denylist_file a; denylist_file b; }\n" + std::string(kHttp)),
            "t.conf:1:26: \"denylist_file\" directive is duplicate");
}

TEST_F(ConfigAdmin, TokenFileErrorsNameTheFile) {
  std::string missing = (folder_ / "missing").string();
  EXPECT_EQ(load_error("admin {\n  token_file " + missing + ";\n}\n" + kHttp),
            "t.conf:2:14: cannot read token file \"" + missing + "\": No such file or directory");
  std::string empty = write("empty", " \n\n");
  EXPECT_EQ(load_error("admin { token_file " + empty + "; }\n" + kHttp),
            "t.conf:1:20: token file \"" + empty + "\" is empty");
  std::string spaced = write("spaced", "two words\n");
  EXPECT_EQ(load_error("admin { token_file " + spaced + "; }\n" + kHttp),
            "t.conf:1:20: token file \"" + spaced +
                "\" must hold one bearer token: letters, digits and -._~+/ (RFC 6750 b64token)");
}

TEST_F(ConfigAdmin, BadListenAndDirectives) {
  EXPECT_EQ(load_error(std::string("admin { listen localhost:9901; }\n") + kHttp),
            "t.conf:1:16: host not found in \"localhost:9901\" of the \"listen\" directive of "
            "\"admin\", expected a numeric IPv4 address or a bracketed IPv6 address");
  EXPECT_EQ(load_error(std::string("admin { listen 127.0.0.1; }\n") + kHttp),
            "t.conf:1:16: invalid address \"127.0.0.1\" in the \"listen\" directive of \"admin\", "
            "expected IPV4:PORT or [IPV6]:PORT");
  EXPECT_EQ(load_error(std::string("admin { listen 127.0.0.1:1; listen 127.0.0.1:2; }\n") + kHttp),
            "t.conf:1:29: \"listen\" directive is duplicate");
  EXPECT_EQ(load_error(std::string("admin { proxy_pass http://a; }\n") + kHttp),
            "t.conf:1:9: \"proxy_pass\" directive is not allowed here");
  EXPECT_EQ(load_error(std::string("admin;\n") + kHttp),
            "t.conf:1:1: directive \"admin\" has no opening \"{\"");
  EXPECT_EQ(load_error(std::string("admin { }\nadmin { }\n") + kHttp),
            "t.conf:2:1: \"admin\" directive is duplicate");
  EXPECT_EQ(load_error("http { server { location / { token_file x; } } }\n"),
            "t.conf:1:30: \"token_file\" directive is not allowed here");
}

TEST_F(ConfigAdmin, ConflictWithServerListen) {
  EXPECT_EQ(load_error(std::string("admin { listen 127.0.0.1:8080; }\n") + kHttp),
            "t.conf:1:1: the admin listener \"127.0.0.1:8080\" conflicts with \"listen "
            "127.0.0.1:8080\" at t.conf:2:17");
  EXPECT_EQ(load_error(std::string("admin { listen 0.0.0.0:8080; }\n") + kHttp),
            "t.conf:1:1: the admin listener \"0.0.0.0:8080\" conflicts with \"listen "
            "127.0.0.1:8080\" at t.conf:2:17");
  EXPECT_EQ(load_error(std::string("admin { listen 127.0.0.2:8080; }\n") + kHttp), "no error");
}

}  // namespace
}  // namespace yoke::config
