// The simulator against queueing theory, where theory has exact answers. With Poisson arrivals
// and exponential service one server is an M/M/1 queue: at utilisation ρ the mean time in system
// is E[S]/(1-ρ) and the sojourn time is exponential (Kleinrock, "Queueing Systems" vol. 1,
// §3.2); Little's law L = λW ties the time-averaged number in system to it (Little, Operations
// Research 9(3), 1961).
#include <gtest/gtest.h>

#include <cmath>

#include "simulation.h"
#include "test_support.h"

namespace yoke::sim {
namespace {

using testing::run_policy;
using testing::scenario_from;

TEST(Queueing, MM1AtHalfLoadHasMeanSojournOfTwoServiceTimes) {
  const Scenario scenario =
      scenario_from("requests 400000; load 50%; servers 1; policy round_robin;");
  const PolicyResult result = run_policy(scenario, "round_robin", 7);
  EXPECT_NEAR(result.mean_latency, 2.0, 2.0 * 0.05);
  // M/M/1 sojourn is exponential with mean 2: median 2 ln 2, p99 2 ln 100.
  EXPECT_NEAR(result.latency[0], 2 * std::log(2.0), 2 * std::log(2.0) * 0.05);
  EXPECT_NEAR(result.latency[2], 2 * std::log(100.0), 2 * std::log(100.0) * 0.05);
}

TEST(Queueing, LittlesLawHoldsForTheMeasuredLoad) {
  const Scenario scenario =
      scenario_from("requests 400000; load 50%; servers 1; policy round_robin;");
  const PolicyResult result = run_policy(scenario, "round_robin", 11);
  // λ = 0.5 per mean service time, W in mean service times: L = λW (and = ρ/(1-ρ) = 1).
  ASSERT_EQ(result.load.size(), 1u);
  EXPECT_NEAR(result.load[0], 0.5 * result.mean_latency, 0.5 * result.mean_latency * 0.05);
  EXPECT_NEAR(result.load[0], 1.0, 0.05);
}

TEST(Queueing, MD1MeanWaitFollowsPollaczekKhinchine) {
  // M/D/1 at ρ = 0.8: W = E[S] + ρ E[S] / (2 (1 - ρ)) = 1 + 0.8 / 0.4 = 3 service times
  // (Pollaczek–Khinchine mean-value formula).
  const Scenario scenario = scenario_from(
      "requests 400000; load 80%; service deterministic; servers 1; policy round_robin;");
  EXPECT_NEAR(run_policy(scenario, "round_robin", 3).mean_latency, 3.0, 3.0 * 0.05);
}

TEST(Queueing, TwoSlotsAreAnMM2Queue) {
  // M/M/2 at ρ = 0.5 per server: W = E[S] / (1 - ρ²) = 1 / 0.75 (Kleinrock §3.5).
  const Scenario scenario =
      scenario_from("requests 400000; load 50%; servers 1 slots=2; policy round_robin;");
  EXPECT_NEAR(run_policy(scenario, "round_robin", 5).mean_latency, 1 / 0.75, 0.05 / 0.75);
}

TEST(Queueing, CapacityCountsSlotsAndSpeedButNotBackups) {
  const Scenario scenario = scenario_from(
      "service_mean 10ms; servers 2 slots=2; server fast speed=2; server spare backup;"
      "policy round_robin;");
  // (2 + 2 + 2) slot-speeds per 10 ms.
  EXPECT_DOUBLE_EQ(capacity(scenario), 6.0 / 10e6);
}

}  // namespace
}  // namespace yoke::sim
