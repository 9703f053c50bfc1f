// Whole runs: determinism, shares, and the effects each timeline event must have.
#include "simulation.h"

#include <gtest/gtest.h>

#include <sstream>

#include "report.h"
#include "test_support.h"

namespace yoke::sim {
namespace {

using testing::run_policy;
using testing::scenario_from;

std::string report_of(const Scenario& scenario, std::uint64_t seed) {
  RunOptions options;
  options.seed = seed;
  std::ostringstream out;
  print_report(out, run_scenario(scenario, options), seed);
  return out.str();
}

const char* const kBusyScenario =
    "requests 20000; load 80%; service lognormal sigma=1; arrivals bursty; nodes 3;"
    "shared_info_refresh 5ms; keys zipf count=100; next_upstream error http_5xx;"
    "servers 5; slowdown s2 factor=3 at=30%; pause s3 duration=50ms every=500ms;"
    "fail s4 probability=20% latency=1ms; remove s5 at=40%; add s5 at=70%;"
    "policy round_robin; policy sim-random; policy sim-jsq; policy sim-jsq stale;"
    "policy ewma; policy random two least_conn; policy adaptive;";

TEST(Simulation, SameSeedGivesByteIdenticalReports) {
  const Scenario scenario = scenario_from(kBusyScenario);
  EXPECT_EQ(report_of(scenario, 9), report_of(scenario, 9));
}

TEST(Simulation, DifferentSeedsGiveDifferentRuns) {
  const Scenario scenario = scenario_from(kBusyScenario);
  EXPECT_NE(report_of(scenario, 9), report_of(scenario, 10));
}

TEST(Simulation, RoundRobinGivesEqualShares) {
  const PolicyResult result = run_policy(
      scenario_from("requests 40000; load 80%; servers 4; policy round_robin;"), "round_robin");
  ASSERT_EQ(result.share.size(), 4u);
  for (const double share : result.share) EXPECT_NEAR(share, 0.25, 1e-4);
  EXPECT_EQ(result.error_rate, 0);
  EXPECT_EQ(result.retry_rate, 0);
}

TEST(Simulation, RoundRobinOnEveryNodeStillGivesEqualShares) {
  const PolicyResult result =
      run_policy(scenario_from("requests 40000; load 80%; nodes 4; servers 4; policy round_robin;"),
                 "round_robin");
  for (const double share : result.share) EXPECT_NEAR(share, 0.25, 1e-3);
}

TEST(Simulation, SlowServerHurtsRoundRobinMoreThanJoinShortestQueue) {
  const Scenario scenario = scenario_from(
      "requests 100000; load 80%; servers 9; server slow speed=0.3333; policy round_robin;");
  const PolicyResult round_robin = run_policy(scenario, "round_robin");
  const PolicyResult jsq = run_policy(scenario, "sim-jsq");
  EXPECT_GT(round_robin.latency[2], 2 * jsq.latency[2]);
  // JSQ sends the slow server less than its round-robin tenth.
  EXPECT_LT(jsq.share[9], 0.07);
  EXPECT_NEAR(round_robin.share[9], 0.1, 1e-3);
}

TEST(Simulation, FastFailuresReachTheClientWithoutRetries) {
  const Scenario scenario = scenario_from(
      "requests 40000; load 50%; servers 4 max_fails=0; fail s1 probability=100%;"
      "policy round_robin;");
  const PolicyResult result = run_policy(scenario, "round_robin");
  EXPECT_NEAR(result.error_rate, 0.25, 1e-3);
  EXPECT_EQ(result.retry_rate, 0);
}

TEST(Simulation, Http5xxRetriesHideFastFailures) {
  const Scenario scenario = scenario_from(
      "requests 40000; load 50%; next_upstream error http_5xx; servers 4 max_fails=0;"
      "fail s1 probability=100%; policy round_robin;");
  const PolicyResult result = run_policy(scenario, "round_robin");
  EXPECT_EQ(result.error_rate, 0);
  EXPECT_GT(result.retry_rate, 0.2);
}

TEST(Simulation, ResetsCountAsFailuresAndPassiveHealthEjectsTheServer) {
  // max_fails=1 fail_timeout=10s (nginx defaults): after one reset, s1 is skipped for 10 s, so
  // it gets far less than a quarter of the attempts.
  const Scenario scenario = scenario_from(
      "requests 40000; load 50%; servers 4; fail s1 probability=100% kind=reset;"
      "policy round_robin;");
  const PolicyResult result = run_policy(scenario, "round_robin");
  EXPECT_EQ(result.error_rate, 0);  // "error" is retried by default, as in nginx
  EXPECT_LT(result.share[0], 0.05);
}

TEST(Simulation, RemovedServerGetsNoTrafficWhileOut) {
  // s1 is in for 5–30% and 60–100% of the run (the first 5% are warm-up): with round robin its
  // share is a quarter of 0.65 / 0.95 of the measured requests.
  const Scenario scenario = scenario_from(
      "requests 80000; load 50%; servers 4; remove s1 at=30%; add s1 at=60%; policy round_robin;");
  const PolicyResult result = run_policy(scenario, "round_robin");
  EXPECT_NEAR(result.share[0], 0.25 * 0.65 / 0.95, 0.01);
}

TEST(Simulation, PausesDelayRequests) {
  const std::string base = "requests 40000; load 50%; servers 4; policy round_robin;";
  const PolicyResult calm = run_policy(scenario_from(base), "round_robin");
  const PolicyResult paused =
      run_policy(scenario_from(base + "pause all duration=100ms every=1s;"), "round_robin");
  // A tenth of the time a server is paused for 10 mean service times; round robin keeps sending
  // to it, so about a tenth of requests wait up to 10 more: the p99 grows by several units.
  EXPECT_GT(paused.latency[2], calm.latency[2] + 5) << calm.latency[2] << " " << paused.latency[2];
  EXPECT_EQ(paused.error_rate, 0);
}

TEST(Simulation, MidRunSlowdownShiftsJsqTrafficAway) {
  const Scenario scenario = scenario_from(
      "requests 80000; load 70%; servers 4; slowdown s1 factor=4 at=50%; policy sim-jsq;");
  const PolicyResult result = run_policy(scenario, "sim-jsq");
  EXPECT_LT(result.share[0], 0.22);
}

TEST(Simulation, StaleSharedInformationMakesJsqHerd) {
  const Scenario scenario = scenario_from(
      "requests 80000; load 80%; nodes 4; shared_info_refresh 50ms; servers 10;"
      "policy sim-jsq;");
  const PolicyResult exact = run_policy(scenario, "sim-jsq");
  const PolicyResult stale = run_policy(scenario, "sim-jsq stale");
  EXPECT_GT(stale.latency[2], 1.5 * exact.latency[2]);
}

TEST(Simulation, EveryPolicyFacesTheSameWorkload) {
  // One server: every policy must pick it, so all results are identical.
  const Scenario scenario =
      scenario_from("requests 20000; load 60%; servers 1; policy round_robin;");
  const PolicyResult round_robin = run_policy(scenario, "round_robin");
  const PolicyResult random = run_policy(scenario, "sim-random");
  EXPECT_EQ(round_robin.latency, random.latency);
  EXPECT_EQ(round_robin.mean_latency, random.mean_latency);
}

}  // namespace
}  // namespace yoke::sim
