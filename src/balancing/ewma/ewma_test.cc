// ewma on a fake clock with a fixed seed: prefers the faster host, leaves a host that becomes
// slow within seconds, does not mistake a stalled host for a cheap one nor a fast-failing host
// for a fast one.
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

TEST(EwmaPolicy, Arguments) {
  EXPECT_EQ(testing::validation("ewma", ""), "ok");
  EXPECT_EQ(testing::validation("ewma", "decay=5s penalty=250ms"), "ok");
  EXPECT_EQ(testing::validation("ewma", "decay=0"),
            "invalid \"decay=0\" in ewma: expected a time above zero, e.g. decay=10s");
  EXPECT_EQ(testing::validation("ewma", "penalty=x"),
            "invalid \"penalty=x\" in ewma: expected a time above zero, e.g. penalty=1s");
  EXPECT_EQ(testing::validation("ewma", "decay=1s decay=2s"),
            "invalid parameter \"decay=2s\" in ewma: expected \"decay=TIME\" or "
            "\"penalty=TIME\", each at most once");
}

// Host 0 answers in `slow_ms` from `from` on, the others always in 2 ms.
ClosedLoop::Service slow_from(Microseconds from, std::int64_t slow_us) {
  return [from, slow_us](std::size_t host, Microseconds at) -> std::int64_t {
    return host == 0 && at >= from ? slow_us : 2000;
  };
}

TEST(EwmaPolicy, MovesTrafficAwayFromAHostThatBecomesSlow) {
  seed_policy_random(11);
  TestHosts hosts = TestHosts::equal(4);
  auto policy = testing::make_policy("ewma", "", hosts);
  ClosedLoop loop(*policy, hosts, slow_from(seconds(10), 100000));
  const auto picks = loop.run(8, seconds(20));
  EXPECT_NEAR(testing::share(picks, 0, seconds(5), seconds(10)), 0.25, 0.05);
  EXPECT_LT(testing::share(picks, 0, seconds(11), seconds(20)), 0.02);
}

// From 10 s on host 0 never answers. Without the age of its oldest request, its estimate would
// decay toward zero while it holds requests, and it would swallow every client.
TEST(EwmaPolicy, AStalledHostDoesNotLookCheap) {
  seed_policy_random(12);
  TestHosts hosts = TestHosts::equal(4);
  auto policy = testing::make_policy("ewma", "", hosts);
  ClosedLoop loop(*policy, hosts, slow_from(seconds(10), -1));
  const auto picks = loop.run(8, seconds(60));
  int stuck = 0;
  for (const auto& pick : picks) stuck += pick.host == 0 && pick.at >= seconds(10) ? 1 : 0;
  EXPECT_LE(stuck, 3);
  // The other clients keep being served to the end.
  EXPECT_GT(testing::share(picks, 1, seconds(50), seconds(60)), 0.2);
}

// Host 0 answers every request with an error after 0.5 ms (a failed attempt, or a 500 passed to
// the client); the others succeed in 10 ms.
TEST(EwmaPolicy, AFastFailingHostDoesNotLookFast) {
  for (const auto end : {ClosedLoop::End::kFailed, ClosedLoop::End::kServerError}) {
    for (const char* words : {"", "penalty=100ms"}) {
      seed_policy_random(13);
      TestHosts hosts = TestHosts::equal(4);
      auto policy = testing::make_policy("ewma", words, hosts);
      ClosedLoop loop(
          *policy, hosts,
          [](std::size_t host, Microseconds) -> std::int64_t { return host == 0 ? 500 : 10000; },
          [end](std::size_t host, Microseconds) {
            return host == 0 ? end : ClosedLoop::End::kAnswered;
          });
      const auto picks = loop.run(8, seconds(30));
      EXPECT_LT(testing::share(picks, 0, seconds(1), seconds(30)), 0.05) << words;
    }
  }
}

TEST(EwmaPolicy, PinnedRequestsFollowTheWeights) {
  seed_policy_random(14);
  TestHosts hosts({3, 1});
  auto policy = testing::make_policy("ewma", "", hosts);
  testing::AllEligible all;
  std::map<std::size_t, int> counts;
  LbContext context;
  context.now = ClosedLoop::origin();
  for (int i = 0; i < 400; ++i) {
    const Host* host = policy->choose(context, all);
    policy->on_request_start(*host, context.now);
    ++counts[host->index];
  }
  EXPECT_NEAR(counts[0], 300, 3);
}

TEST(EwmaPolicy, AFixedSeedGivesTheSameSequence) {
  TestHosts hosts = TestHosts::equal(10);
  testing::AllEligible all;
  auto sequence = [&] {
    seed_policy_random(99);
    auto policy = testing::make_policy("ewma", "", hosts);
    std::string names;
    for (int i = 0; i < 50; ++i) names += policy->choose(LbContext{}, all)->name;
    return names;
  };
  EXPECT_EQ(sequence(), sequence());
}

}  // namespace
}  // namespace yoke::balancing
