// What a balancing policy declares at registration reaches the config loader: the hash key it
// needs (checked and kept in the model) and the server parameters it does not support
// (rejected at the parameter, whether the policy comes before or after the servers).
#include <gtest/gtest.h>

#include "config/build.h"
#include "config/config_test_util.h"
#include "yoke/balancing/policy.h"

namespace yoke::config {
namespace {

using testing::load_error;

std::optional<std::string> accept_any(const std::vector<Argument>&) { return std::nullopt; }

std::unique_ptr<balancing::Policy> create_nothing(const std::vector<Argument>&,
                                                  const std::vector<const balancing::Host*>&) {
  return nullptr;
}

balancing::HashKeyNeed first_argument_key(const std::vector<Argument>& args) {
  if (args.empty()) return {};
  return {balancing::HashKeyKind::kExpression, &args[0]};
}

std::size_t two_hosts(const std::vector<Argument>& args) { return args.empty() ? 2 : 0; }

balancing::HashKeyNeed client_network_key(const std::vector<Argument>&) {
  return {balancing::HashKeyKind::kClientNetwork, nullptr};
}

const bool kRegistered = balancing::register_policy({.directive = "needs_test_keyed",
                                                     .validate = &accept_any,
                                                     .create = &create_nothing,
                                                     .hash_key = &first_argument_key,
                                                     .supports_backup = false}) &&
                         balancing::register_policy({.directive = "needs_test_network",
                                                     .validate = &accept_any,
                                                     .create = &create_nothing,
                                                     .hash_key = &client_network_key}) &&
                         balancing::register_policy({.directive = "needs_test_unweighted",
                                                     .validate = &accept_any,
                                                     .create = &create_nothing,
                                                     .uses_weight = false}) &&
                         balancing::register_policy({.directive = "needs_test_two_hosts",
                                                     .validate = &accept_any,
                                                     .create = &create_nothing,
                                                     .max_hosts = &two_hosts});

std::string with_upstream(const std::string& body) {
  return "http {\n  upstream up {\n" + body +
         "\n  }\n  server { location / { proxy_pass http://up; } }\n}\n";
}

Upstream load_upstream(const std::string& body) {
  return load_config_text(with_upstream(body), "t.conf").http.upstreams.at(0);
}

TEST(ConfigPolicyNeeds, ExpressionKeyIsParsedAndKept) {
  ASSERT_TRUE(kRegistered);
  Upstream upstream = load_upstream("needs_test_keyed $cookie_user;\nserver 10.0.0.1;");
  EXPECT_EQ(upstream.hash_key, balancing::HashKeyKind::kExpression);
  EXPECT_EQ(upstream.hash_key_expression.source, "$cookie_user");
  ASSERT_EQ(upstream.hash_key_expression.parts.size(), 1u);
  EXPECT_EQ(upstream.hash_key_expression.parts[0].text, "cookie_user");
}

TEST(ConfigPolicyNeeds, ClientNetworkKeyAndNoKey) {
  EXPECT_EQ(load_upstream("server 10.0.0.1;\nneeds_test_network;").hash_key,
            balancing::HashKeyKind::kClientNetwork);
  EXPECT_EQ(load_upstream("server 10.0.0.1;").hash_key, balancing::HashKeyKind::kNone);
}

TEST(ConfigPolicyNeeds, UnknownVariableInTheKeyIsAnErrorAtTheArgument) {
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nneeds_test_keyed $no_such_thing;")),
            "t.conf:4:18: unknown \"no_such_thing\" variable");
}

TEST(ConfigPolicyNeeds, BackupRejectedWhereThePolicyHasNone) {
  const std::string message =
      "t.conf:3:17: parameter \"backup\" is not supported by balancing policy "
      "\"needs_test_keyed\" set at t.conf:%d:1, which has no backup servers";
  char expected[256];
  std::snprintf(expected, sizeof expected, message.c_str(), 4);
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1 backup;\nneeds_test_keyed $host;")),
            expected);
  EXPECT_EQ(load_error(with_upstream("needs_test_keyed $host;\nserver 10.0.0.1;\n"
                                     "server 10.0.0.2 backup;")),
            "t.conf:5:17: parameter \"backup\" is not supported by balancing policy "
            "\"needs_test_keyed\" set at t.conf:3:1, which has no backup servers");
  EXPECT_EQ(load_error(with_upstream("needs_test_network;\nserver 10.0.0.1 backup;")), "no error");
}

TEST(ConfigPolicyNeeds, WeightRejectedWhereThePolicyIgnoresIt) {
  EXPECT_EQ(load_error(with_upstream("needs_test_unweighted;\nserver 10.0.0.1 max_fails=2 "
                                     "weight=3;")),
            "t.conf:4:29: parameter \"weight=3\" is not supported by balancing policy "
            "\"needs_test_unweighted\" set at t.conf:3:1, which ignores weights");
  EXPECT_EQ(load_error(with_upstream("needs_test_unweighted;\nserver 10.0.0.1 backup;")),
            "no error");
}

TEST(ConfigPolicyNeeds, SlowStartOnlyWherePoliciesReadWeightsAtEachPick) {
  EXPECT_EQ(load_error(with_upstream("ip_hash;\nserver 10.0.0.1 slow_start=30s;")),
            "t.conf:4:17: parameter \"slow_start=30s\" is not supported by balancing policy "
            "\"ip_hash\" set at t.conf:3:1, whose weights are fixed when the configuration loads");
  EXPECT_EQ(load_error(with_upstream("least_conn;\nserver 10.0.0.1 slow_start=30s;")), "no error");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1 slow_start=30s;")), "no error");
}

TEST(ConfigPolicyNeeds, MoreHostsThanThePolicyTakesIsAnErrorAtThePolicy) {
  EXPECT_EQ(load_error(with_upstream("needs_test_two_hosts;\nserver 10.0.0.1;\nserver 10.0.0.2;"
                                     "\nserver 10.0.0.3;")),
            "t.conf:3:1: balancing policy \"needs_test_two_hosts\" takes at most 2 servers with "
            "these arguments; upstream \"up\" has 3 (every address its server names resolve to "
            "counts)");
  EXPECT_NO_THROW(load_upstream("needs_test_two_hosts;\nserver 10.0.0.1;\nserver 10.0.0.2;"));
  EXPECT_NO_THROW(load_upstream(  // with an argument the test policy has no limit
      "needs_test_two_hosts x;\nserver 10.0.0.1;\nserver 10.0.0.2;\nserver 10.0.0.3;"));
}

TEST(ConfigPolicyNeeds, MaglevDeclaresItsLimit) {
  const balancing::PolicyFactory* hash = balancing::find_policy("hash");
  ASSERT_NE(hash, nullptr);
  ASSERT_NE(hash->max_hosts, nullptr);
  std::vector<Argument> args(2);
  args[0].text = "$remote_addr";
  args[1].text = "maglev";
  EXPECT_EQ(hash->max_hosts(args), 65534u);
  args[1].text = "consistent";
  EXPECT_EQ(hash->max_hosts(args), 0u);
}

}  // namespace
}  // namespace yoke::config
