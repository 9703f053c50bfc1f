// Scenario files: the format, its errors (file:line:column), and every shipped scenario.
#include "scenario.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "runner.h"
#include "test_support.h"

namespace yoke::sim {
namespace {

using testing::scenario_from;

std::string error_of(const std::string& text) {
  try {
    parse_scenarios(text, "bad.scn");
  } catch (const config::ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(Scenario, ReadsEveryDirective) {
  const Scenario scenario = scenario_from(R"(
    title "everything";
    requests 1234; warmup 10%; load 85%; service_mean 2ms;
    service bounded_pareto alpha=1.2 ratio=500;
    arrivals bursty factor=3 burst=50ms calm=150ms;
    nodes 4; shared_info_refresh 20ms;
    keys zipf count=50 exponent=1.2;
    next_upstream error http_5xx; next_upstream_tries 3;
    servers 3 slots=2;
    server slow speed=0.5 weight=2 max_fails=0 fail_timeout=5s max_conns=10;
    server spare backup;
    slowdown s2 factor=3 at=50%;
    pause all duration=30ms every=1s;
    fail slow probability=10% kind=reset latency=0.5ms from=20%;
    remove s1 at=30%; add s1 at=60%;
    policy random two least_conn;
  )");
  EXPECT_EQ(scenario.title, "everything");
  EXPECT_EQ(scenario.requests, 1234);
  EXPECT_DOUBLE_EQ(scenario.warmup, 0.1);
  EXPECT_DOUBLE_EQ(scenario.load, 0.85);
  EXPECT_EQ(scenario.service_mean, 2 * kNanosPerMilli);
  EXPECT_EQ(scenario.service.kind, ServiceKind::kBoundedPareto);
  EXPECT_DOUBLE_EQ(scenario.service.ratio, 500);
  EXPECT_EQ(scenario.arrivals.kind, ArrivalKind::kBursty);
  EXPECT_EQ(scenario.arrivals.calm, 150 * kNanosPerMilli);
  EXPECT_EQ(scenario.nodes, 4);
  EXPECT_EQ(scenario.keys.count, 50u);
  EXPECT_TRUE(scenario.retry.on_http_5xx);
  EXPECT_EQ(scenario.retry.tries, 3);
  ASSERT_EQ(scenario.servers.size(), 5u);
  EXPECT_EQ(scenario.servers[2].name, "s3");
  EXPECT_EQ(scenario.servers[2].slots, 2);
  EXPECT_DOUBLE_EQ(scenario.servers[3].speed, 0.5);
  EXPECT_EQ(scenario.servers[3].fail_timeout, 5 * kNanosPerSecond);
  EXPECT_TRUE(scenario.servers[4].backup);
  EXPECT_EQ(scenario.pauses.size(), 5u);
  EXPECT_EQ(scenario.failures.front().latency, 500 * kNanosPerMicro);
  EXPECT_EQ(scenario.failures.front().kind, FailKind::kReset);
  ASSERT_EQ(scenario.membership.size(), 2u);
  EXPECT_TRUE(scenario.membership[1].add);
  ASSERT_EQ(scenario.policies.size(), 1u);
  EXPECT_EQ(scenario.policies.front().label(), "random two least_conn");
}

TEST(Scenario, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(
      error_of("scenario a {\n  servers 2;\n  load 80;\n  policy round_robin;\n}"),
      "bad.scn:3:8: expected a percentage between 0.1 and 1000 such as \"50%\", found \"80\"");
  EXPECT_EQ(error_of("scenario a {\n  servers 2;\n  slowdown s9 factor=2 at=5%;\n}"),
            "bad.scn:3:12: no server \"s9\" is declared above");
  EXPECT_EQ(error_of("scenario a {\n  servers 2 colour=red;\n}"),
            "bad.scn:2:13: unknown parameter \"colour\" in \"servers\"");
  EXPECT_EQ(error_of("scenario a {\n  servers 2;\n  frobnicate;\n}"),
            "bad.scn:3:3: unknown scenario directive \"frobnicate\"");
  EXPECT_EQ(error_of("scenario a {\n  servers 2;\n}"),
            "bad.scn:1:1: scenario \"a\" lists no policy");
  EXPECT_EQ(error_of("scenario a {\n  servers 1;\n  add s1 at=5%;\n policy x;\n}"),
            "bad.scn:3:3: \"add s1\" must follow a remove of it, later in the run");
  EXPECT_EQ(error_of("scenario a {\n  service_mean 10;\n}"),
            "bad.scn:2:16: expected a positive time such as \"10ms\", \"0.5ms\", \"250us\" or "
            "\"2s\", found \"10\"");
}

TEST(Scenario, UnregisteredPolicyIsAClearError) {
  const Scenario scenario = scenario_from("servers 2;\npolicy no_such_policy two;");
  try {
    resolve_policy(scenario.policies.front());
    FAIL() << "expected an error";
  } catch (const config::ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("test.scn:3:8: policy \"no_such_policy\" is not registered"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("round_robin"), std::string::npos) << message;
    EXPECT_NE(message.find("sim-jsq"), std::string::npos) << message;
    EXPECT_NE(message.find("--policies"), std::string::npos) << message;
  }
}

TEST(Scenario, PolicyArgumentsAreValidatedByThePolicy) {
  const Scenario scenario = scenario_from("servers 2;\npolicy round_robin extra;");
  EXPECT_THROW(resolve_policy(scenario.policies.front()), config::ConfigError);
}

TEST(Scenario, PoliciesFlagFilters) {
  const Scenario scenario = scenario_from(
      "servers 2; policy round_robin; policy no_such_policy; policy sim-jsq; policy sim-jsq "
      "stale;");
  RunOptions options;
  options.policies = {"sim-jsq", "sim-random"};
  const Selection selection = select_policies(scenario, options);
  ASSERT_EQ(selection.run.size(), 2u);
  EXPECT_EQ(selection.run[0].label(), "sim-jsq");
  EXPECT_EQ(selection.run[1].label(), "sim-jsq stale");
  EXPECT_TRUE(selection.skipped.empty());
}

TEST(Scenario, SkipUnregisteredSetsThemAside) {
  const Scenario scenario =
      scenario_from("servers 2; policy round_robin; policy no_such_policy two; policy sim-jsq;");
  RunOptions options;
  options.skip_unregistered = true;
  const Selection selection = select_policies(scenario, options);
  ASSERT_EQ(selection.run.size(), 2u);
  ASSERT_EQ(selection.skipped.size(), 1u);
  EXPECT_EQ(selection.skipped[0].label(), "no_such_policy two");
}

TEST(Scenario, EveryShippedScenarioParses) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(YOKE_SOURCE_DIR "/sim/scenarios")) {
    if (entry.path().extension() != ".scn") continue;
    ++files;
    EXPECT_NO_THROW(load_scenarios(entry.path().string())) << entry.path();
  }
  EXPECT_GE(files, 7);
}

}  // namespace
}  // namespace yoke::sim
