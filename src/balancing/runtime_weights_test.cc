// The policies that read weights at each pick (PolicyFactory::runtime_weights) follow the admin
// API's weights and the slow_start ramp (Host::effective_weight), under a fake clock.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "balancing/support/policy_testing.h"
#include "yoke/balancing/host_runtime.h"

namespace yoke::balancing {
namespace {

constexpr TimePoint kStart{std::chrono::hours(2)};

struct Fixture {
  Fixture(const std::string& policy_name, std::size_t count)
      : hosts(testing::TestHosts::equal(count)), runtimes(count) {
    for (std::size_t i = 0; i < count; ++i) hosts[i].runtime = &runtimes[i];
    policy = testing::make_policy(policy_name, "", hosts);
  }
  // Picks made at now, each ended before the next (never overlapping).
  std::map<std::string, int> picks(int count, TimePoint now) {
    std::map<std::string, int> counts;
    testing::AllEligible all;
    LbContext context;
    context.now = now;
    for (int i = 0; i < count; ++i) {
      const Host* host = policy->choose(context, all);
      ++counts[host->name];
      policy->on_request_start(*host, now);
      AttemptOutcome outcome;
      outcome.now = now;
      policy->on_request_end(*host, outcome);
    }
    return counts;
  }
  testing::TestHosts hosts;
  HostRuntimes runtimes;
  std::unique_ptr<Policy> policy;
};

class RuntimeWeights : public ::testing::TestWithParam<const char*> {};

TEST_P(RuntimeWeights, AdminWeightSetsTheShareAndNullRestoresIt) {
  Fixture fixture(GetParam(), 3);
  EXPECT_EQ(fixture.picks(300, kStart)["a"], 100);
  fixture.runtimes[0].set_admin_state(false, false, 4, kStart);
  EXPECT_EQ(fixture.picks(600, kStart)["a"], 400);
  fixture.runtimes[0].set_admin_state(false, false, HostRuntime::kNoAdminWeight, kStart);
  EXPECT_EQ(fixture.picks(300, kStart)["a"], 100);
}

TEST_P(RuntimeWeights, SlowStartRampsTheShareLinearly) {
  Fixture fixture(GetParam(), 2);
  fixture.hosts[0].slow_start = Milliseconds(10000);
  fixture.runtimes[0].set_health(HealthState::kDown, kStart);
  fixture.runtimes[0].set_health(HealthState::kUp, kStart);
  // At a quarter of the ramp a weighs 25 against b's 100: a fifth of the picks.
  EXPECT_EQ(fixture.picks(500, kStart + Milliseconds(2500))["a"], 100);
  EXPECT_EQ(fixture.picks(300, kStart + Milliseconds(5000))["a"], 100);  // 50 : 100
  EXPECT_EQ(fixture.picks(200, kStart + Milliseconds(10000))["a"], 100);
  // Right at the start a gets a trickle (1 against 100), not nothing.
  EXPECT_EQ(fixture.picks(101, kStart)["a"], 1);
}

INSTANTIATE_TEST_SUITE_P(Policies, RuntimeWeights,
                         ::testing::Values("round_robin", "least_conn", "agent"));

// Above 32 hosts round_robin walks a precomputed schedule of configured weights; a runtime
// weight change must send it back to scanning, and restoring the weights back to the schedule.
TEST(RuntimeWeights, LargeRoundRobinGroupsFollowRuntimeWeights) {
  Fixture fixture("round_robin", 40);
  EXPECT_EQ(fixture.picks(400, kStart)["a"], 10);
  fixture.runtimes[0].set_admin_state(false, false, 11, kStart);
  EXPECT_EQ(fixture.picks(500, kStart)["a"], 110);
  fixture.runtimes[0].set_admin_state(false, false, HostRuntime::kNoAdminWeight, kStart);
  fixture.runtimes[5].set_weight_percent(300);
  EXPECT_EQ(fixture.picks(420, kStart)["f"], 30);
  fixture.runtimes[5].set_weight_percent(HostRuntime::kFullWeight);
  EXPECT_EQ(fixture.picks(400, kStart)["f"], 10);
}

TEST(RuntimeWeights, PoliciesDeclareWhetherTheyReadThem) {
  for (const char* name : {"round_robin", "least_conn", "agent"}) {
    EXPECT_TRUE(find_policy(name)->runtime_weights) << name;
  }
  for (const char* name : {"hash", "ip_hash", "random", "least_pending", "least_time", "ewma"}) {
    EXPECT_FALSE(find_policy(name)->runtime_weights) << name;
  }
}

}  // namespace
}  // namespace yoke::balancing
