// random: weighted draws from a seeded generator; `two` compares two distinct draws by active
// requests per weight (or by response time × active with least_time=…).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "balancing/support/policy_testing.h"
#include "yoke/balancing/random.h"

namespace yoke::balancing {
namespace {

using std::chrono::milliseconds;
using testing::SetEligibility;
using testing::TestHosts;

std::vector<std::size_t> draws(const std::string& words, TestHosts& hosts,
                               const Eligibility& eligibility, int count, bool start = false) {
  auto policy = testing::make_policy("random", words, hosts);
  std::vector<std::size_t> out;
  for (int i = 0; i < count; ++i) {
    const Host* host = policy->choose(LbContext{}, eligibility);
    out.push_back(host == nullptr ? SIZE_MAX : host->index);
    if (start && host != nullptr) policy->on_request_start(*host, TimePoint{});
  }
  return out;
}

TEST(RandomPolicy, Arguments) {
  for (const char* words :
       {"", "two", "two least_conn", "two least_time=header", "two least_time=last_byte"}) {
    EXPECT_EQ(testing::validation("random", words), "ok") << words;
  }
  const std::string expected =
      "random takes nothing, \"two\", or \"two\" and one of \"least_conn\", "
      "\"least_time=header\", \"least_time=last_byte\"";
  for (const char* words : {"three", "two least_time", "two least_conn x", "least_conn"}) {
    EXPECT_EQ(testing::validation("random", words), expected) << words;
  }
  EXPECT_FALSE(find_policy("random")->supports_backup);
}

TEST(RandomPolicy, AFixedSeedGivesTheSameDraws) {
  TestHosts hosts = TestHosts::equal(10);
  SetEligibility all;
  seed_policy_random(7);
  const auto first = draws("", hosts, all, 100);
  seed_policy_random(7);
  EXPECT_EQ(draws("", hosts, all, 100), first);
  seed_policy_random(8);
  EXPECT_NE(draws("", hosts, all, 100), first);
}

TEST(RandomPolicy, DrawsFollowTheWeights) {
  seed_policy_random(1);
  TestHosts hosts({1, 2, 7});
  SetEligibility all;
  std::map<std::size_t, int> counts;
  for (std::size_t index : draws("", hosts, all, 100000)) ++counts[index];
  EXPECT_NEAR(counts[0] / 100000.0, 0.1, 0.01);
  EXPECT_NEAR(counts[1] / 100000.0, 0.2, 0.01);
  EXPECT_NEAR(counts[2] / 100000.0, 0.7, 0.01);
}

TEST(RandomPolicy, IneligibleHostsAreNeverDrawnEvenWhenRare) {
  seed_policy_random(2);
  TestHosts hosts = TestHosts::equal(200);
  SetEligibility eligibility;
  for (std::size_t i = 0; i < 200; ++i) {
    if (i != 123) eligibility.ineligible.insert(i);
  }
  for (const char* words : {"", "two"}) {
    for (std::size_t index : draws(words, hosts, eligibility, 50)) EXPECT_EQ(index, 123u);
  }
  eligibility.ineligible.insert(123);
  EXPECT_EQ(draws("two", hosts, eligibility, 1)[0], SIZE_MAX);
}

// With pinned requests, two choices keeps the in-flight counts far more even than one: over
// 10 hosts and 1,000 requests, one choice leaves a spread of dozens, two a spread of a few.
TEST(RandomPolicy, TwoChoicesEvenOutInFlightCounts) {
  seed_policy_random(3);
  TestHosts hosts = TestHosts::equal(10);
  SetEligibility all;
  auto spread = [&](const char* words) {
    std::vector<int> counts(10, 0);
    for (std::size_t index : draws(words, hosts, all, 1000, true)) ++counts[index];
    return *std::max_element(counts.begin(), counts.end()) -
           *std::min_element(counts.begin(), counts.end());
  };
  EXPECT_GT(spread(""), 20);
  EXPECT_LE(spread("two"), 3);
  EXPECT_LE(spread("two least_conn"), 3);
}

TEST(RandomPolicy, TwoLeastTimePrefersTheFasterOfItsTwoDraws) {
  seed_policy_random(4);
  TestHosts hosts = TestHosts::equal(2);
  SetEligibility all;
  auto policy = testing::make_policy("random", "two least_time=header", hosts);
  const TimePoint now = TimePoint{} + std::chrono::hours(1);
  for (std::size_t i = 0; i < 2; ++i) {
    policy->on_request_start(hosts[i], now);
    AttemptOutcome outcome = testing::outcome(now, milliseconds(i == 0 ? 50 : 5));
    policy->on_request_end(hosts[i], outcome);
  }
  LbContext context;
  context.now = now;
  for (int i = 0; i < 20; ++i) EXPECT_EQ(policy->choose(context, all)->index, 1u);
}

}  // namespace
}  // namespace yoke::balancing
