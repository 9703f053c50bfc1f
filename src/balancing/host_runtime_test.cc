#include "yoke/balancing/host_runtime.h"

#include <gtest/gtest.h>

#include "yoke/balancing/host_set.h"

namespace yoke::balancing {
namespace {

constexpr TimePoint kStart{std::chrono::hours(1)};

TEST(HostRuntime, EachWriterOwnsItsGateBit) {
  HostRuntime runtime;
  EXPECT_FALSE(runtime.gate().closed);
  // The admin API closes the gate; the checker's updates keep the admin bit.
  runtime.set_admin_state(false, true, HostRuntime::kNoAdminWeight, kStart);
  EXPECT_TRUE(runtime.gate().closed);
  runtime.set_health(HealthState::kUp, kStart);
  runtime.set_agent_maxconn(7);
  EXPECT_TRUE(runtime.gate().closed);
  EXPECT_EQ(runtime.gate().maxconn, 7);
  EXPECT_EQ(runtime.closed_bits(), HostRuntime::kClosedByAdmin);
  // The checker closes too; reopening by the admin API leaves the checker's bit.
  runtime.set_health(HealthState::kDown, kStart);
  EXPECT_EQ(runtime.closed_bits(), HostRuntime::kClosedByAdmin | HostRuntime::kClosedByChecker);
  runtime.set_admin_state(false, false, HostRuntime::kNoAdminWeight, kStart);
  EXPECT_TRUE(runtime.gate().closed);
  EXPECT_EQ(runtime.closed_bits(), HostRuntime::kClosedByChecker);
  EXPECT_EQ(runtime.gate().maxconn, 7);
  runtime.set_health(HealthState::kUp, kStart);
  EXPECT_FALSE(runtime.gate().closed);
}

TEST(HostRuntime, AdminDownDrainAndZeroWeightClose) {
  HostRuntime runtime;
  runtime.set_admin_state(true, false, HostRuntime::kNoAdminWeight, kStart);
  EXPECT_TRUE(runtime.gate().closed);
  runtime.set_admin_state(false, false, 0, kStart);
  EXPECT_TRUE(runtime.gate().closed);
  runtime.set_admin_state(false, false, 3, kStart);
  EXPECT_FALSE(runtime.gate().closed);
  EXPECT_EQ(runtime.admin_weight(), 3);
}

TEST(HostRuntime, ReweightedCountsEveryWritersChanges) {
  HostRuntimes set(3);
  EXPECT_FALSE(set[0].set_reweighted());
  set[1].set_admin_state(false, false, 5, kStart);
  EXPECT_TRUE(set[0].set_reweighted());
  set[2].set_weight_percent(50);
  set[1].set_admin_state(false, false, HostRuntime::kNoAdminWeight, kStart);
  EXPECT_TRUE(set[0].set_reweighted());
  set[2].set_weight_percent(HostRuntime::kFullWeight);
  EXPECT_FALSE(set[2].set_reweighted());
  // Writing the same value twice counts once.
  set[0].set_admin_state(false, false, 4, kStart);
  set[0].set_admin_state(false, false, 4, kStart);
  set[0].set_admin_state(false, false, HostRuntime::kNoAdminWeight, kStart);
  EXPECT_FALSE(set[1].set_reweighted());
}

Host host_with(const HostRuntime& runtime, int weight, Milliseconds slow_start) {
  Host host;
  host.weight = weight;
  host.slow_start = slow_start;
  host.runtime = &runtime;
  return host;
}

TEST(HostRuntime, EffectiveWeightCombinesAdminAgentAndConfig) {
  HostRuntime runtime;
  const Host host = host_with(runtime, 4, Milliseconds(0));
  EXPECT_EQ(host.effective_weight(kStart), 400);
  runtime.set_weight_percent(50);
  EXPECT_EQ(host.effective_weight(kStart), 200);
  runtime.set_admin_state(false, false, 10, kStart);
  EXPECT_EQ(host.effective_weight(kStart), 500);
  runtime.set_admin_state(false, false, HostRuntime::kNoAdminWeight, kStart);
  EXPECT_EQ(host.effective_weight(kStart), 200);
}

TEST(HostRuntime, SlowStartRampsLinearlyAfterHealthRecovers) {
  HostRuntime runtime;
  const Host host = host_with(runtime, 2, Milliseconds(30000));
  // Never down: full weight at once.
  EXPECT_EQ(host.effective_weight(kStart), 200);
  runtime.set_health(HealthState::kDown, kStart);
  runtime.set_health(HealthState::kUp, kStart);
  EXPECT_EQ(host.effective_weight(kStart), 1);  // back, but barely weighted
  EXPECT_EQ(host.effective_weight(kStart + Milliseconds(7500)), 50);
  EXPECT_EQ(host.effective_weight(kStart + Milliseconds(15000)), 100);
  EXPECT_EQ(host.effective_weight(kStart + Milliseconds(29999)), 199);
  EXPECT_EQ(host.effective_weight(kStart + Milliseconds(30000)), 200);
  EXPECT_EQ(host.effective_weight(kStart + std::chrono::hours(5)), 200);
  // A worker's cached time a moment before the recovery still gives a positive weight.
  EXPECT_EQ(host.effective_weight(kStart - Milliseconds(5)), 1);
}

TEST(HostRuntime, SlowStartRampsAfterAdminReopensNotAfterMandatoryFirstPass) {
  HostRuntime runtime;
  const Host host = host_with(runtime, 1, Milliseconds(10000));
  runtime.set_health(HealthState::kChecking, kStart);
  runtime.set_health(HealthState::kUp, kStart);
  EXPECT_EQ(host.effective_weight(kStart), 100);
  const TimePoint drained = kStart + Milliseconds(1000);
  runtime.set_admin_state(false, true, HostRuntime::kNoAdminWeight, drained);
  // Changing the weight while drained does not reopen; un-draining does.
  runtime.set_admin_state(false, true, 3, drained + Milliseconds(100));
  const TimePoint reopened = drained + Milliseconds(2000);
  runtime.set_admin_state(false, false, 3, reopened);
  EXPECT_EQ(host.effective_weight(reopened + Milliseconds(5000)), 150);
  // A change that keeps the host open does not restart the ramp.
  runtime.set_admin_state(false, false, 3, reopened + Milliseconds(6000));
  EXPECT_EQ(host.effective_weight(reopened + Milliseconds(6000)), 180);
}

}  // namespace
}  // namespace yoke::balancing
