// The agent policy: weighted least connections over the agents' effective weights.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing {
namespace {

using testing::SetEligibility;
using testing::TestHosts;

struct Fixture {
  explicit Fixture(const std::vector<int>& weights) : hosts(weights), runtimes(weights.size()) {
    for (std::size_t i = 0; i < hosts.size(); ++i) hosts[i].runtime = &runtimes[i];
    policy = testing::make_policy("agent", "", hosts);
  }

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

  void end(std::size_t index) {
    policy->on_request_end(hosts[index], testing::outcome(TimePoint{}, Microseconds(0)));
  }

  TestHosts hosts;
  HostRuntimes runtimes;
  SetEligibility eligibility;
  std::unique_ptr<Policy> policy;
};

TEST(AgentPolicy, IsRegisteredAndTakesNoArguments) {
  EXPECT_EQ(testing::validation("agent", ""), "ok");
  EXPECT_EQ(testing::validation("agent", "x"),
            "agent takes no arguments (agents are set per server: agent_port=N)");
}

TEST(AgentPolicy, WithoutAgentsItIsWeightedLeastConnections) {
  Fixture fixture({3, 1});
  std::map<std::string, int> counts;
  for (int i = 0; i < 400; ++i) ++counts[fixture.start()];
  EXPECT_EQ(counts["a"], 300);
  EXPECT_EQ(counts["b"], 100);
}

TEST(AgentPolicy, TiesRotate) {
  Fixture fixture({1, 1, 1});
  EXPECT_EQ(fixture.picks(6), "abcabc");
}

// Requests that never overlap (every pick a tie at zero): the agents' weights still decide.
TEST(AgentPolicy, AnAgentsPercentageScalesItsShareOfTies) {
  Fixture fixture({1, 1});
  fixture.runtimes[1].set_weight_percent(50);
  EXPECT_EQ(fixture.picks(6), "abaaba");
  fixture.runtimes[1].set_weight_percent(100);
  fixture.runtimes[0].set_weight_percent(25);
  std::map<char, int> counts;
  for (char name : fixture.picks(500)) ++counts[name];
  EXPECT_EQ(counts['a'], 100);
  EXPECT_EQ(counts['b'], 400);
}

// Long requests pile up in proportion to the effective weights.
TEST(AgentPolicy, InFlightRequestsFollowEffectiveWeights) {
  Fixture fixture({2, 2, 2});
  fixture.runtimes[0].set_weight_percent(150);
  fixture.runtimes[2].set_weight_percent(50);
  std::map<std::string, int> counts;
  for (int i = 0; i < 600; ++i) ++counts[fixture.start()];
  EXPECT_EQ(counts["a"], 300);
  EXPECT_EQ(counts["b"], 200);
  EXPECT_EQ(counts["c"], 100);
}

TEST(AgentPolicy, FewestActivePerEffectiveWeightWins) {
  Fixture fixture({1, 1});
  fixture.runtimes[1].set_weight_percent(25);
  fixture.policy->on_request_start(fixture.hosts[0], TimePoint{});
  fixture.policy->on_request_start(fixture.hosts[0], TimePoint{});
  fixture.policy->on_request_start(fixture.hosts[1], TimePoint{});
  EXPECT_EQ(fixture.picks(3), "aaa");  // 2 / 100 % against 1 / 25 %
  fixture.end(1);
  EXPECT_EQ(fixture.picks(1), "b");  // 0 active
}

TEST(AgentPolicy, OnlyEligibleHostsAreReturned) {
  Fixture fixture({1, 1});
  fixture.eligibility.ineligible = {0};
  EXPECT_EQ(fixture.picks(3), "bbb");
  fixture.eligibility.ineligible = {0, 1};
  EXPECT_EQ(fixture.picks(1), "-");
}

}  // namespace
}  // namespace yoke::balancing
