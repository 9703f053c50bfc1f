// `hash KEY [consistent | maglev] [balance_factor=F]`: what is accepted and the messages for
// what is not.
#include "balancing/hash/hash_arguments.h"

#include <gtest/gtest.h>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing {
namespace {

using testing::validation;

HashArguments parse(const std::string& words) {
  HashArguments out;
  EXPECT_EQ(parse_hash_arguments(testing::arguments(words), out), std::nullopt) << words;
  return out;
}

TEST(HashArguments, Modes) {
  EXPECT_EQ(parse("$remote_addr").mode, HashMode::kModulo);
  EXPECT_EQ(parse("$remote_addr consistent").mode, HashMode::kConsistent);
  EXPECT_EQ(parse("$cookie_session maglev").mode, HashMode::kMaglev);
  EXPECT_EQ(parse("$remote_addr").balance_factor, 0);
}

TEST(HashArguments, BalanceFactor) {
  EXPECT_DOUBLE_EQ(parse("$a consistent balance_factor=1.25").balance_factor, 1.25);
  EXPECT_DOUBLE_EQ(parse("$a balance_factor=2 maglev").balance_factor, 2.0);
  EXPECT_DOUBLE_EQ(parse("$a maglev balance_factor=1").balance_factor, 1.0);
}

TEST(HashArguments, Errors) {
  EXPECT_EQ(validation("hash", ""),
            "hash needs a key, e.g. \"hash $remote_addr;\" or \"hash $cookie_session "
            "consistent;\"");
  EXPECT_EQ(validation("hash", "$a ketama"),
            "invalid parameter \"ketama\" in hash: expected \"consistent\", \"maglev\" or "
            "\"balance_factor=F\"");
  EXPECT_EQ(validation("hash", "$a consistent maglev"),
            "hash takes one of \"consistent\" or \"maglev\", not both or twice");
  EXPECT_EQ(validation("hash", "$a balance_factor=1.25"),
            "balance_factor needs \"consistent\" or \"maglev\": a plain hash has no key order "
            "to walk when a server is full");
  const std::string bad_factor =
      " in hash: expected a number from 1 to 100, e.g. balance_factor=1.25 (no host above 1.25 "
      "x the mean of requests in flight)";
  EXPECT_EQ(validation("hash", "$a maglev balance_factor=0.9"),
            "invalid \"balance_factor=0.9\"" + bad_factor);
  EXPECT_EQ(validation("hash", "$a maglev balance_factor="),
            "invalid \"balance_factor=\"" + bad_factor);
  EXPECT_EQ(validation("hash", "$a maglev balance_factor=1.5x"),
            "invalid \"balance_factor=1.5x\"" + bad_factor);
  EXPECT_EQ(validation("hash", "$a maglev balance_factor=2 balance_factor=2"),
            "hash takes balance_factor= once");
}

TEST(HashPolicyRegistration, DeclaresItsKeyAndNoBackups) {
  const PolicyFactory* factory = find_policy("hash");
  ASSERT_NE(factory, nullptr);
  const auto args = testing::arguments("$http_x_user consistent");
  const HashKeyNeed need = factory->hash_key(args);
  EXPECT_EQ(need.kind, HashKeyKind::kExpression);
  ASSERT_NE(need.expression, nullptr);
  EXPECT_EQ(need.expression->text, "$http_x_user");
  EXPECT_FALSE(factory->supports_backup);
  EXPECT_TRUE(factory->uses_weight);
  EXPECT_NE(factory->share, nullptr);
  EXPECT_NE(factory->create_shared, nullptr);
}

}  // namespace
}  // namespace yoke::balancing
