// Least pending requests: raw in-flight counts, ties round robin, weights not used.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing {
namespace {

using testing::SetEligibility;
using testing::TestHosts;

struct Fixture {
  explicit Fixture(const std::vector<int>& weights)
      : hosts(weights), policy(testing::make_policy("least_pending", "", hosts)) {}

  std::string picks(int count) {
    std::string names;
    for (int i = 0; i < count; ++i) {
      const Host* host = policy->choose(LbContext{}, eligibility);
      names += host == nullptr ? std::string("-") : host->name;
    }
    return names;
  }

  std::string start() {
    const Host* host = policy->choose(LbContext{}, eligibility);
    if (host == nullptr) return "-";
    policy->on_request_start(*host, TimePoint{});
    return host->name;
  }

  void end(std::size_t index) { policy->on_request_end(hosts[index], AttemptOutcome{}); }

  TestHosts hosts;
  SetEligibility eligibility;
  std::unique_ptr<Policy> policy;
};

TEST(LeastPendingPolicy, IsRegisteredTakesNoArgumentsAndRejectsWeights) {
  EXPECT_EQ(testing::validation("least_pending", ""), "ok");
  EXPECT_EQ(testing::validation("least_pending", "x"), "least_pending takes no arguments");
  EXPECT_FALSE(find_policy("least_pending")->uses_weight);
}

TEST(LeastPendingPolicy, PicksTheShortestQueue) {
  Fixture fixture({1, 1, 1});
  fixture.policy->on_request_start(fixture.hosts[0], TimePoint{});
  fixture.policy->on_request_start(fixture.hosts[1], TimePoint{});
  fixture.policy->on_request_start(fixture.hosts[1], TimePoint{});
  EXPECT_EQ(fixture.picks(2), "cc");
  fixture.policy->on_request_start(fixture.hosts[2], TimePoint{});
  fixture.policy->on_request_start(fixture.hosts[2], TimePoint{});
  EXPECT_EQ(fixture.picks(2), "aa");
}

TEST(LeastPendingPolicy, TiesRotate) {
  Fixture fixture({1, 1, 1, 1});
  EXPECT_EQ(fixture.picks(8), "abcdabcd");
}

// Unlike least_conn, a weight does not let a host carry more in flight.
TEST(LeastPendingPolicy, WeightsDoNotChangeTheCounts) {
  Fixture fixture({3, 1});
  std::map<std::string, int> counts;
  for (int i = 0; i < 400; ++i) ++counts[fixture.start()];
  EXPECT_EQ(counts["a"], 200);
  EXPECT_EQ(counts["b"], 200);
}

TEST(LeastPendingPolicy, RotationContinuesAfterTheLastPick) {
  Fixture fixture({1, 1, 1});
  EXPECT_EQ(fixture.start(), "a");
  EXPECT_EQ(fixture.start(), "b");
  EXPECT_EQ(fixture.start(), "c");
  fixture.end(0);
  fixture.end(2);
  EXPECT_EQ(fixture.start(), "a");  // a and c tie at 0; the cursor is past c, so it wraps
  EXPECT_EQ(fixture.start(), "c");
}

TEST(LeastPendingPolicy, IneligibleHostsAreSkipped) {
  Fixture fixture({1, 1, 1});
  fixture.eligibility.ineligible = {1};
  EXPECT_EQ(fixture.picks(4), "acac");
  fixture.eligibility.ineligible = {0, 1, 2};
  EXPECT_EQ(fixture.picks(1), "-");
}

}  // namespace
}  // namespace yoke::balancing
