#include <gtest/gtest.h>
#include <sys/socket.h>

#include "config/build.h"
#include "config/config_test_util.h"
#include "config/syntax.h"
#include "yoke/balancing/policy.h"

namespace yoke::config {
namespace {

using testing::load_error;

// A policy registered only for these tests, so they do not depend on any real policy.
std::optional<std::string> validate_test_policy(const std::vector<Argument>& args) {
  if (args.size() > 1) return std::string("\"test_policy\" takes at most one argument");
  return std::nullopt;
}

std::unique_ptr<balancing::Policy> create_test_policy(const std::vector<Argument>&,
                                                      const std::vector<const balancing::Host*>&) {
  return nullptr;
}

const bool kRegistered =
    balancing::register_policy({"test_policy", &validate_test_policy, &create_test_policy}) &&
    balancing::register_policy({"other_test_policy", &validate_test_policy, &create_test_policy});

std::string with_upstream(const std::string& body) {
  return "http {\n  upstream up {\n" + body +
         "\n  }\n  server { location / { proxy_pass http://up; } }\n}\n";
}

Upstream load_upstream(const std::string& body) {
  Config config = load_config_text(with_upstream(body), "t.conf");
  EXPECT_EQ(config.http.upstreams.size(), 1u);
  return config.http.upstreams.at(0);
}

TEST(ConfigModelUpstream, ServerDefaults) {
  Upstream upstream = load_upstream("server 10.0.0.1;");
  EXPECT_EQ(upstream.name, "up");
  EXPECT_FALSE(upstream.implicit);
  EXPECT_EQ(upstream.policy, "round_robin");
  EXPECT_TRUE(upstream.policy_args.empty());
  EXPECT_EQ(upstream.keepalive, 0);
  EXPECT_EQ(upstream.keepalive_timeout, Duration(60000));
  EXPECT_EQ(upstream.keepalive_requests, 1000);
  EXPECT_EQ(upstream.where.line, 2);
  ASSERT_EQ(upstream.servers.size(), 1u);
  const UpstreamServer& server = upstream.servers[0];
  EXPECT_EQ(server.name, "10.0.0.1");
  ASSERT_EQ(server.addresses.size(), 1u);
  EXPECT_EQ(server.addresses[0].to_string(), "10.0.0.1:80");
  EXPECT_EQ(server.weight, 1);
  EXPECT_EQ(server.max_fails, 1);
  EXPECT_EQ(server.fail_timeout, Duration(10000));
  EXPECT_FALSE(server.backup);
  EXPECT_FALSE(server.down);
  EXPECT_EQ(server.max_conns, 0);
  EXPECT_EQ(server.where.line, 3);
}

TEST(ConfigModelUpstream, EveryServerParameter) {
  Upstream upstream = load_upstream(
      "server 10.0.0.1:8080 weight=5 max_fails=3 fail_timeout=30s max_conns=100 "
      "slow_start=30s;\n"
      "server 10.0.0.2:8081 backup;\n"
      "server 10.0.0.3 down max_fails=0;");
  ASSERT_EQ(upstream.servers.size(), 3u);
  const UpstreamServer& first = upstream.servers[0];
  EXPECT_EQ(first.addresses[0].to_string(), "10.0.0.1:8080");
  EXPECT_EQ(first.weight, 5);
  EXPECT_EQ(first.max_fails, 3);
  EXPECT_EQ(first.fail_timeout, Duration(30000));
  EXPECT_EQ(first.max_conns, 100);
  EXPECT_EQ(first.slow_start, Duration(30000));
  EXPECT_EQ(upstream.servers[1].slow_start, Duration(0));
  EXPECT_TRUE(upstream.servers[1].backup);
  EXPECT_TRUE(upstream.servers[2].down);
  EXPECT_EQ(upstream.servers[2].max_fails, 0);
}

TEST(ConfigModelUpstream, AddressForms) {
  Upstream upstream = load_upstream(
      "server [::1]:9000;\nserver [2001:db8::1];\nserver unix:/run/app.sock;\n"
      "server localhost:8080;");
  ASSERT_EQ(upstream.servers.size(), 4u);
  EXPECT_EQ(upstream.servers[0].addresses[0].to_string(), "[::1]:9000");
  EXPECT_EQ(upstream.servers[1].addresses[0].to_string(), "[2001:db8::1]:80");
  EXPECT_EQ(upstream.servers[2].addresses[0].to_string(), "unix:/run/app.sock");
  const UpstreamServer& local = upstream.servers[3];
  EXPECT_EQ(local.name, "localhost:8080");
  ASSERT_FALSE(local.addresses.empty());
  bool has_loopback = false;
  for (const auto& address : local.addresses) {
    EXPECT_EQ(address.port(), 8080);
    has_loopback |= address.to_string() == "127.0.0.1:8080";
  }
  EXPECT_TRUE(has_loopback);
}

TEST(ConfigModelUpstream, KeepalivePool) {
  Upstream upstream = load_upstream(
      "server 10.0.0.1;\nkeepalive 32;\nkeepalive_timeout 30s;\nkeepalive_requests 500;");
  EXPECT_EQ(upstream.keepalive, 32);
  EXPECT_EQ(upstream.keepalive_timeout, Duration(30000));
  EXPECT_EQ(upstream.keepalive_requests, 500);
}

TEST(ConfigModelUpstream, RegisteredPolicyDirective) {
  ASSERT_TRUE(kRegistered);
  Upstream upstream = load_upstream("test_policy $remote_addr;\nserver 10.0.0.1;");
  EXPECT_EQ(upstream.policy, "test_policy");
  ASSERT_EQ(upstream.policy_args.size(), 1u);
  EXPECT_EQ(upstream.policy_args[0].text, "$remote_addr");
  EXPECT_EQ(upstream.policy_where.line, 3);
  EXPECT_EQ(upstream.policy_where.column, 1);
}

TEST(ConfigModelUpstream, PolicyValidationMessageAtTheDirective) {
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\n  test_policy a b;")),
            "t.conf:4:3: \"test_policy\" takes at most one argument");
}

TEST(ConfigModelUpstream, OnePolicyPerUpstream) {
  EXPECT_EQ(load_error(with_upstream("test_policy;\nserver 10.0.0.1;\nother_test_policy;")),
            "t.conf:5:1: balancing policy \"other_test_policy\" conflicts with \"test_policy\" "
            "set at t.conf:3:1: an upstream has one balancing policy");
  EXPECT_EQ(load_error(with_upstream("test_policy;\ntest_policy;\nserver 10.0.0.1;")),
            "t.conf:4:1: \"test_policy\" directive is duplicate");
}

TEST(ConfigModelUpstream, UnknownDirectiveListsPolicies) {
  std::string error = load_error(with_upstream("server 10.0.0.1;\nleast_bananas;"));
  EXPECT_EQ(
      error.rfind("t.conf:4:1: unknown directive \"least_bananas\" in upstream: neither an "
                  "upstream directive (server, state, sticky, keepalive, keepalive_timeout, "
                  "keepalive_requests, health_check, outlier_detection, retry_budget, zone_aware, "
                  "priority_spill) nor a registered balancing policy (",
                  0),
      0u)
      << error;
  EXPECT_NE(error.find("test_policy"), std::string::npos);
}

TEST(ConfigModelUpstream, PolicyOutsideUpstreamIsNotAllowed) {
  EXPECT_EQ(load_error(testing::http_with_server("test_policy;")),
            "t.conf:3:1: \"test_policy\" directive is not allowed here");
}

TEST(ConfigModelUpstream, BadServerParameters) {
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1 weigth=3;")),
            "t.conf:3:17: invalid parameter \"weigth=3\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1 weight=0;")),
            "t.conf:3:17: invalid value \"0\" in \"server\" directive, expected a number from 1 "
            "to 1000000");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1 backup=1;")),
            "t.conf:3:17: invalid parameter \"backup=1\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1 fail_timeout=x;")),
            "t.conf:3:17: invalid value \"x\" in \"server\" directive, expected a time such as "
            "\"30s\", \"500ms\" or \"1m30s\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1 weight=2 weight=3;")),
            "t.conf:3:26: duplicate parameter \"weight=3\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1:0;")),
            "t.conf:3:8: invalid address or port in upstream \"10.0.0.1:0\"");
  EXPECT_EQ(load_error(with_upstream("server [::1;")),
            "t.conf:3:8: invalid address or port in upstream \"[::1\"");
}

TEST(ConfigModelUpstream, EmptyAndDuplicateUpstreams) {
  EXPECT_EQ(load_error("http {\n  upstream up { }\n  server { location / { return 200; } }\n}"),
            "t.conf:2:3: no servers are inside upstream \"up\"");
  EXPECT_EQ(load_error("http {\n  upstream up { server 10.0.0.1; }\n"
                       "  upstream up { server 10.0.0.2; }\n"
                       "  server { location / { return 200; } }\n}"),
            "t.conf:3:12: duplicate upstream \"up\"");
}

TEST(ConfigModelUpstream, UnresolvableHostNamesTheHost) {
  // Resolution disabled stands in for a name the resolver does not know: same message path,
  // no dependence on the machine's DNS.
  auto directives =
      parse_config_syntax(with_upstream("server api1.example.com weight=3;"), "t.conf");
  try {
    build_config(directives, "t.conf", BuildOptions{false});
    FAIL() << "expected an error";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "t.conf:3:8: host not found in upstream \"api1.example.com\"");
  }
}

}  // namespace
}  // namespace yoke::config
