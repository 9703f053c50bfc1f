// Weighted least connections against nginx's ngx_http_upstream_get_least_conn_peer.
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
      : hosts(weights), policy(testing::make_policy("least_conn", "", hosts)) {}

  // Picks without starting requests (nothing changes the counts): names, '-' for none.
  std::string picks(int count) {
    std::string names;
    for (int i = 0; i < count; ++i) {
      const Host* host = policy->choose(LbContext{}, eligibility);
      names += host == nullptr ? std::string("-") : host->name;
    }
    return names;
  }

  // Picks and starts a request on the chosen host; returns its name.
  std::string start() {
    const Host* host = policy->choose(LbContext{}, eligibility);
    if (host == nullptr) return "-";
    policy->on_request_start(*host, TimePoint{});
    return host->name;
  }

  void end(std::size_t index, bool failed = false) {
    policy->on_request_end(hosts[index], testing::outcome(TimePoint{}, Microseconds(0), failed));
  }

  TestHosts hosts;
  SetEligibility eligibility;
  std::unique_ptr<Policy> policy;
};

TEST(LeastConnPolicy, IsRegisteredAndTakesNoArguments) {
  EXPECT_EQ(testing::validation("least_conn", ""), "ok");
  EXPECT_EQ(testing::validation("least_conn", "x"), "least_conn takes no arguments");
}

TEST(LeastConnPolicy, PicksTheHostWithFewestActiveRequests) {
  Fixture fixture({1, 1, 1});
  fixture.policy->on_request_start(fixture.hosts[0], TimePoint{});
  fixture.policy->on_request_start(fixture.hosts[2], TimePoint{});
  EXPECT_EQ(fixture.picks(3), "bbb");
  fixture.end(0);
  EXPECT_EQ(fixture.picks(2), "ab");  // a and b tie at zero: they alternate
}

// The tie-break is nginx's smooth weighted round robin, not list order.
TEST(LeastConnPolicy, TiesRotateInsteadOfFavouringTheFirstHost) {
  Fixture fixture({1, 1, 1});
  EXPECT_EQ(fixture.picks(6), "abcabc");
}

TEST(LeastConnPolicy, TiesAreBrokenByWeight) {
  Fixture fixture({5, 1, 1});
  EXPECT_EQ(fixture.picks(7), "aabacaa");  // the smooth sequence of nginx commit 52327e0627f4
}

// Requests that never finish (slow requests pinning connections) spread as 3:1 by weight.
TEST(LeastConnPolicy, InFlightRequestsFollowTheWeights) {
  Fixture fixture({3, 1});
  std::map<std::string, int> counts;
  for (int i = 0; i < 400; ++i) ++counts[fixture.start()];
  EXPECT_EQ(counts["a"], 300);
  EXPECT_EQ(counts["b"], 100);
}

TEST(LeastConnPolicy, FollowsRequestsThatEnd) {
  Fixture fixture({1, 1});
  EXPECT_EQ(fixture.start(), "a");
  EXPECT_EQ(fixture.start(), "b");  // 0 < 1
  fixture.end(0);
  EXPECT_EQ(fixture.start(), "a");  // a 0 < b 1
  fixture.end(1);
  EXPECT_EQ(fixture.start(), "b");  // b 0 < a 1
}

TEST(LeastConnPolicy, IneligibleHostsAreSkipped) {
  Fixture fixture({1, 1, 1});
  fixture.eligibility.ineligible = {0};
  fixture.policy->on_request_start(fixture.hosts[1], TimePoint{});
  EXPECT_EQ(fixture.picks(3), "ccc");
  fixture.eligibility.ineligible = {0, 1, 2};
  EXPECT_EQ(fixture.picks(1), "-");
}

TEST(LeastConnPolicy, FailureLowersTheTieBreakWeightUntilItRecovers) {
  Fixture fixture({2, 2});
  fixture.policy->on_request_start(fixture.hosts[0], TimePoint{});
  fixture.end(0, true);  // effective weight 2 - 2/1 = 0
  // Hand-computed from nginx's loop: a earns 0 then 1, b 2 each pick.
  EXPECT_EQ(fixture.picks(6), "bbabab");
}

TEST(LeastConnPolicy, FeedbackForHostsOfAnotherGroupIsIgnored) {
  Fixture fixture({1, 1});
  TestHosts other = TestHosts::equal(2);
  fixture.policy->on_request_start(other[0], TimePoint{});
  fixture.policy->on_request_end(other[1], AttemptOutcome{});
  EXPECT_EQ(fixture.picks(2), "ab");
}

}  // namespace
}  // namespace yoke::balancing
