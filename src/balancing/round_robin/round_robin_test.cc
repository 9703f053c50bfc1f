// Smooth weighted round robin against the sequences nginx produces (ngx_http_upstream_get_peer).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "yoke/balancing/policy.h"

namespace yoke::balancing {
namespace {

class SetEligibility final : public Eligibility {
 public:
  bool eligible(const Host& host) const override { return !ineligible.contains(host.index); }
  std::set<std::size_t> ineligible;
};

AttemptOutcome failed() {
  AttemptOutcome outcome;
  outcome.failed = true;
  return outcome;
}

struct Fixture {
  explicit Fixture(const std::vector<int>& weights) {
    for (std::size_t i = 0; i < weights.size(); ++i) {
      Host host;
      host.index = i;
      host.name = std::string(1, static_cast<char>('a' + i));
      host.weight = weights[i];
      hosts.push_back(host);
    }
    std::vector<const Host*> group;
    for (const Host& host : hosts) group.push_back(&host);
    const PolicyFactory* factory = find_policy("round_robin");
    policy = factory->create({}, group);
  }

  // Names of the next `count` picks, e.g. "aabacaa"; '-' for nullptr.
  std::string picks(int count) {
    std::string names;
    for (int i = 0; i < count; ++i) {
      const Host* host = policy->choose(LbContext{}, eligibility);
      names += host == nullptr ? std::string("-") : host->name;
    }
    return names;
  }

  std::vector<Host> hosts;
  SetEligibility eligibility;
  std::unique_ptr<Policy> policy;
};

TEST(RoundRobinPolicy, IsRegisteredAndTakesNoArguments) {
  const PolicyFactory* factory = find_policy("round_robin");
  ASSERT_NE(factory, nullptr);
  EXPECT_EQ(factory->validate({}), std::nullopt);
  config::Argument argument;
  argument.text = "extra";
  const auto error = factory->validate({argument});
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(*error, "round_robin takes no arguments");
}

// The example from nginx's commit 52327e0627f4: weights 5,1,1 → a a b a c a a, repeating.
TEST(RoundRobinPolicy, SmoothSequenceForFiveOneOne) {
  Fixture fixture({5, 1, 1});
  EXPECT_EQ(fixture.picks(7), "aabacaa");
  EXPECT_EQ(fixture.picks(7), "aabacaa");
}

TEST(RoundRobinPolicy, ThreeTwoWeightsGiveThreeToTwoOverFivePicks) {
  Fixture fixture({3, 2});
  for (int round = 0; round < 4; ++round) {
    std::map<char, int> counts;
    for (char name : fixture.picks(5)) ++counts[name];
    EXPECT_EQ(counts['a'], 3);
    EXPECT_EQ(counts['b'], 2);
  }
}

TEST(RoundRobinPolicy, EqualWeightsRotateStrictly) {
  Fixture fixture({1, 1, 1});
  EXPECT_EQ(fixture.picks(9), "abcabcabc");
}

TEST(RoundRobinPolicy, IneligibleHostIsSkippedAndTheOthersRotate) {
  Fixture fixture({1, 1, 1});
  fixture.eligibility.ineligible = {1};
  EXPECT_EQ(fixture.picks(6), "acacac");
}

TEST(RoundRobinPolicy, HostBecomingIneligibleMidSequenceIsNeverPicked) {
  Fixture fixture({1, 1, 1});
  EXPECT_EQ(fixture.picks(2), "ab");
  fixture.eligibility.ineligible = {1};
  // c keeps the credit it built up while a and b were picked, so it goes first twice, then a
  // and c alternate (nginx carries current_weight across picks, skipping b untouched).
  EXPECT_EQ(fixture.picks(12), "ccacacacacac");
}

TEST(RoundRobinPolicy, NothingEligibleReturnsNull) {
  Fixture fixture({2, 3});
  fixture.eligibility.ineligible = {0, 1};
  EXPECT_EQ(fixture.picks(2), "--");
}

TEST(RoundRobinPolicy, ZeroEffectiveWeightHostIsStillPickedWhenAlone) {
  Fixture fixture({2});
  fixture.hosts[0].max_fails = 1;
  fixture.policy->on_request_end(fixture.hosts[0], failed());
  EXPECT_EQ(fixture.picks(3), "aaa");
}

// A failure lowers effective_weight by weight / max_fails (2 - 2/1 = 0), and every pick adds one
// back: hand-computed from ngx_http_upstream_get_peer, a's share recovers as b b a b a b.
TEST(RoundRobinPolicy, FailureLowersEffectiveWeightWhichRecoversOnePerPick) {
  Fixture fixture({2, 2});
  EXPECT_EQ(fixture.picks(2), "ab");
  fixture.policy->on_request_end(fixture.hosts[0], failed());
  EXPECT_EQ(fixture.picks(6), "bbabab");
}

TEST(RoundRobinPolicy, SuccessAndMaxFailsZeroLeaveWeightsAlone) {
  Fixture fixture({2, 2});
  fixture.hosts[0].max_fails = 0;
  fixture.policy->on_request_end(fixture.hosts[0], failed());
  fixture.policy->on_request_end(fixture.hosts[1], AttemptOutcome{});
  EXPECT_EQ(fixture.picks(4), "abab");
}

TEST(RoundRobinPolicy, EmptyGroupReturnsNull) {
  Fixture fixture({});
  EXPECT_EQ(fixture.picks(1), "-");
}

// Large groups walk a precomputed period (smooth_schedule.h). Our own reference: the smooth
// weighted round robin loop over every peer, written out plainly.
std::vector<std::size_t> reference_sequence(const std::vector<int>& weights, std::size_t picks) {
  std::vector<std::int64_t> current(weights.size(), 0);
  std::int64_t total = 0;
  for (const int weight : weights) total += weight;
  std::vector<std::size_t> out;
  out.reserve(picks);
  for (std::size_t pick = 0; pick < picks; ++pick) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      current[i] += weights[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    out.push_back(best);
  }
  return out;
}

std::vector<int> large_weights() {
  std::vector<int> weights(40);
  for (int i = 0; i < 40; ++i) weights[static_cast<std::size_t>(i)] = 1 + i % 5;
  return weights;  // total 120
}

std::vector<std::size_t> pick_indexes(Fixture& fixture, std::size_t count) {
  std::vector<std::size_t> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(fixture.policy->choose(LbContext{}, fixture.eligibility)->index);
  }
  return out;
}

TEST(RoundRobinPolicy, LargeGroupFollowsNginxSequenceOverSeveralPeriods) {
  Fixture fixture(large_weights());
  EXPECT_EQ(pick_indexes(fixture, 360), reference_sequence(large_weights(), 360));
}

TEST(RoundRobinPolicy, LargeGroupSkipsAnUnusablePeerAndKeepsTheOthersShares) {
  Fixture fixture(large_weights());
  fixture.eligibility.ineligible = {4};  // weight 5
  std::map<std::size_t, int> counts;
  for (const std::size_t index : pick_indexes(fixture, 2 * (120 - 5))) ++counts[index];
  EXPECT_EQ(counts.count(4), 0u);
  for (std::size_t i = 0; i < 40; ++i) {
    if (i == 4) continue;
    EXPECT_EQ(counts[i], 2 * (1 + static_cast<int>(i) % 5)) << i;
  }
}

TEST(RoundRobinPolicy, LargeGroupWithOneUsablePeerStillFindsIt) {
  Fixture fixture(large_weights());
  for (std::size_t i = 0; i < 40; ++i) {
    if (i != 17) fixture.eligibility.ineligible.insert(i);
  }
  for (const std::size_t index : pick_indexes(fixture, 50)) EXPECT_EQ(index, 17u);
}

// With max_fails=2 a failure halves a peer's effective weight: the policy scans as nginx does
// until it is back (one per pick), then walks the table again.
TEST(RoundRobinPolicy, LargeGroupScansWhileAPeerRecoversFromAFailure) {
  Fixture fixture(large_weights());
  fixture.hosts[4].max_fails = 2;
  fixture.policy->on_request_end(fixture.hosts[4], failed());  // 5 -> 3
  std::map<std::size_t, int> counts;
  for (const std::size_t index : pick_indexes(fixture, 2)) ++counts[index];
  // Two picks later it is back at 5; over the next whole periods every share is the weight.
  for (const std::size_t index : pick_indexes(fixture, 240)) ++counts[index];
  int total = 0;
  for (const auto& [index, count] : counts) total += count;
  EXPECT_EQ(total, 242);
  EXPECT_NEAR(counts[4], 10, 2);
}

}  // namespace
}  // namespace yoke::balancing
