// adaptive on a fake clock with a fixed seed: arguments, leaves a host that becomes slow within
// seconds, does not mistake a stalled host for a cheap one nor a
// fast-failing host for a fast one, tries a shunned host again, and picks only eligible hosts.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "balancing/support/closed_loop_testing.h"
#include "yoke/balancing/random.h"

namespace yoke::balancing {
namespace {

using std::chrono::seconds;
using testing::ClosedLoop;
using testing::TestHosts;

TEST(AdaptivePolicy, Arguments) {
  EXPECT_EQ(testing::validation("adaptive", ""), "ok");
  EXPECT_EQ(testing::validation("adaptive", "decay=5s penalty=250ms hot=0.8 candidates=8"), "ok");
  const std::string expected =
      "\" in adaptive: expected \"decay=TIME\", \"penalty=TIME\", \"hot=QUANTILE\" (above 0, at "
      "most 1) or \"candidates=N\" (2 to 1000), each at most once";
  for (const char* bad : {"decay=0", "penalty=x", "hot=0", "hot=1.5", "candidates=1",
                          "candidates=2x", "fast", "decay=1s"}) {
    const std::string words = std::string(bad) == "decay=1s" ? "decay=1s decay=1s" : bad;
    EXPECT_EQ(testing::validation("adaptive", words),
              "invalid parameter \"" + std::string(bad) + expected)
        << words;
  }
}

// Host 0 answers in `slow_us` from `from` on, the others always in 2 ms.
ClosedLoop::Service slow_from(Microseconds from, std::int64_t slow_us) {
  return [from, slow_us](std::size_t host, Microseconds at) -> std::int64_t {
    return host == 0 && at >= from ? slow_us : 2000;
  };
}

TEST(AdaptivePolicy, MovesTrafficAwayFromAHostThatBecomesSlow) {
  seed_policy_random(21);
  TestHosts hosts = TestHosts::equal(4);
  auto policy = testing::make_policy("adaptive", "", hosts);
  ClosedLoop loop(*policy, hosts, slow_from(seconds(10), 100000));
  const auto picks = loop.run(8, seconds(20));
  EXPECT_NEAR(testing::share(picks, 0, seconds(5), seconds(10)), 0.25, 0.05);
  EXPECT_LT(testing::share(picks, 0, seconds(11), seconds(20)), 0.02);
}

TEST(AdaptivePolicy, AStalledHostDoesNotLookCheap) {
  seed_policy_random(22);
  TestHosts hosts = TestHosts::equal(4);
  auto policy = testing::make_policy("adaptive", "", hosts);
  ClosedLoop loop(*policy, hosts, slow_from(seconds(10), -1));
  const auto picks = loop.run(8, seconds(60));
  int stuck = 0;
  for (const auto& pick : picks) stuck += pick.host == 0 && pick.at >= seconds(10) ? 1 : 0;
  EXPECT_LE(stuck, 3);
  EXPECT_GT(testing::share(picks, 1, seconds(50), seconds(60)), 0.2);
}

TEST(AdaptivePolicy, AFastFailingHostDoesNotLookFast) {
  for (const auto end : {ClosedLoop::End::kFailed, ClosedLoop::End::kServerError}) {
    seed_policy_random(23);
    TestHosts hosts = TestHosts::equal(4);
    auto policy = testing::make_policy("adaptive", "", hosts);
    ClosedLoop loop(
        *policy, hosts,
        [](std::size_t host, Microseconds) -> std::int64_t { return host == 0 ? 500 : 10000; },
        [end](std::size_t host, Microseconds) {
          return host == 0 ? end : ClosedLoop::End::kAnswered;
        });
    const auto picks = loop.run(8, seconds(30));
    EXPECT_LT(testing::share(picks, 0, seconds(1), seconds(30)), 0.01);
  }
}

// Host 0 is slow for 10 s, then as fast as the others: once its old samples have decayed it is
// tried again, learnt to be fast and given traffic back. (Not a full quarter here: this closed
// loop answers in 2 ms whatever the load, and host 0, only ever sent requests at load 0 since,
// keeps the model's one-queue assumption that a second request would wait behind the first.)
TEST(AdaptivePolicy, ShunnedHostIsTriedAgainAndWinsBackItsShare) {
  seed_policy_random(24);
  TestHosts hosts = TestHosts::equal(4);
  auto policy = testing::make_policy("adaptive", "", hosts);
  ClosedLoop loop(*policy, hosts, [](std::size_t host, Microseconds at) -> std::int64_t {
    return host == 0 && at < seconds(10) ? 50000 : 2000;
  });
  const auto picks = loop.run(8, seconds(60));
  EXPECT_LT(testing::share(picks, 0, seconds(5), seconds(10)), 0.05);
  EXPECT_GT(testing::share(picks, 0, seconds(30), seconds(60)), 0.08);
}

TEST(AdaptivePolicy, PicksOnlyEligibleHostsAndNothingWhenNoneIs) {
  for (const std::size_t count : {std::size_t{5}, std::size_t{100}}) {  // whole group and draws
    seed_policy_random(26);
    TestHosts hosts = TestHosts::equal(count);
    auto policy = testing::make_policy("adaptive", "", hosts);
    testing::SetEligibility eligibility;
    for (std::size_t i = 0; i < count; ++i) {
      if (i != 3) eligibility.ineligible.insert(i);
    }
    LbContext context;
    for (int i = 0; i < 50; ++i) EXPECT_EQ(policy->choose(context, eligibility)->index, 3u);
    eligibility.ineligible.insert(3);
    EXPECT_EQ(policy->choose(context, eligibility), nullptr);
  }
}

TEST(AdaptivePolicy, WithoutFeedbackSpreadsLikeLeastConn) {
  seed_policy_random(27);
  TestHosts hosts = TestHosts::equal(4);
  auto policy = testing::make_policy("adaptive", "", hosts);
  testing::AllEligible all;
  std::map<std::size_t, int> counts;
  LbContext context;
  context.now = ClosedLoop::origin();
  for (int i = 0; i < 400; ++i) {
    const Host* host = policy->choose(context, all);
    policy->on_request_start(*host, context.now);
    ++counts[host->index];
  }
  // Within one of least_conn's exact 100 each: with ~100 in flight, loads one apart are within
  // the 5% the policy counts as equal, so either may be picked.
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(counts[i], 100, 2) << i;
}

TEST(AdaptivePolicy, AFixedSeedGivesTheSameSequence) {
  TestHosts hosts = TestHosts::equal(100);
  testing::AllEligible all;
  auto sequence = [&] {
    seed_policy_random(99);
    auto policy = testing::make_policy("adaptive", "", hosts);
    std::string names;
    for (int i = 0; i < 50; ++i) names += policy->choose(LbContext{}, all)->name;
    return names;
  };
  EXPECT_EQ(sequence(), sequence());
}

}  // namespace
}  // namespace yoke::balancing
