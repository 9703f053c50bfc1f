// least_time on a fake clock: the lower average × (in flight + 1) per weight wins, header and
// last_byte time different things, inflight makes a stalled host expensive, ties rotate, and a
// host that becomes slow loses its traffic within seconds.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "balancing/support/closed_loop_testing.h"

namespace yoke::balancing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ClosedLoop;
using testing::TestHosts;

const TimePoint kStart = ClosedLoop::origin();

struct Fixture {
  Fixture(const std::string& words, const std::vector<int>& weights)
      : hosts(weights), policy(testing::make_policy("least_time", words, hosts)) {}

  std::string pick(TimePoint now = kStart) {
    LbContext context;
    context.now = now;
    const Host* host = policy->choose(context, all);
    return host == nullptr ? "-" : host->name;
  }

  // One answered request on host index: header after `head`, last byte after `last`.
  void answer(std::size_t index, Microseconds head, Microseconds last, TimePoint at = kStart) {
    policy->on_request_start(hosts[index], at - last);
    AttemptOutcome outcome = testing::outcome(at, last);
    outcome.header_latency = head;
    policy->on_request_end(hosts[index], outcome);
  }

  TestHosts hosts;
  testing::AllEligible all;
  std::unique_ptr<Policy> policy;
};

TEST(LeastTimePolicy, Arguments) {
  EXPECT_EQ(testing::validation("least_time", "header"), "ok");
  EXPECT_EQ(testing::validation("least_time", "last_byte inflight"), "ok");
  const std::string expected =
      "least_time takes \"header\" or \"last_byte\", then optionally \"inflight\" (e.g. "
      "\"least_time header inflight;\")";
  for (const char* words : {"", "first_byte", "header header", "inflight", "header x"}) {
    EXPECT_EQ(testing::validation("least_time", words), expected) << words;
  }
}

TEST(LeastTimePolicy, FasterHostWinsUntilItIsBusyEnough) {
  Fixture fixture("header", {1, 1});
  fixture.answer(0, milliseconds(10), milliseconds(10));
  fixture.answer(1, milliseconds(50), milliseconds(50));
  EXPECT_EQ(fixture.pick(), "a");
  // a: 10 ms × (4 + 1) = 50 ms against b's 50 ms × 1: still a tie-free win for b at 5.
  for (int i = 0; i < 5; ++i) fixture.policy->on_request_start(fixture.hosts[0], kStart);
  EXPECT_EQ(fixture.pick(), "b");
}

TEST(LeastTimePolicy, HeaderAndLastByteTimeDifferentThings) {
  for (const char* phase : {"header", "last_byte"}) {
    Fixture fixture(phase, {1, 1});
    fixture.answer(0, milliseconds(5), milliseconds(200));  // quick head, long body
    fixture.answer(1, milliseconds(40), milliseconds(50));
    EXPECT_EQ(fixture.pick(), std::string(phase) == "header" ? "a" : "b") << phase;
  }
}

TEST(LeastTimePolicy, InflightMakesAStalledHostExpensive) {
  for (const char* words : {"header", "header inflight"}) {
    Fixture fixture(words, {1, 1});
    fixture.answer(0, milliseconds(1), milliseconds(1));
    fixture.answer(1, milliseconds(20), milliseconds(20));
    fixture.policy->on_request_start(fixture.hosts[0], kStart);  // never answers
    const bool inflight = std::string(words) == "header inflight";
    EXPECT_EQ(fixture.pick(kStart + seconds(5)), inflight ? "b" : "a") << words;
  }
}

TEST(LeastTimePolicy, TiesRotate) {
  Fixture fixture("header", {1, 1, 1});
  std::string names;
  for (int i = 0; i < 4; ++i) names += fixture.pick();
  EXPECT_EQ(names, "abca");
}

// Requests that stay in flight spread by weight (before any answer, every estimate is equal).
TEST(LeastTimePolicy, InFlightRequestsFollowTheWeights) {
  Fixture fixture("last_byte", {5, 1, 1});
  std::map<std::string, int> counts;
  for (int i = 0; i < 70; ++i) {
    const std::string name = fixture.pick();
    fixture.policy->on_request_start(fixture.hosts[static_cast<std::size_t>(name[0] - 'a')],
                                     kStart);
    ++counts[name];
  }
  EXPECT_EQ(counts["a"], 50);
  EXPECT_EQ(counts["b"], 10);
  EXPECT_EQ(counts["c"], 10);
}

TEST(LeastTimePolicy, AHostWithoutSamplesIsTakenAsTheMeanOfTheOthers) {
  Fixture fixture("header", {1, 1, 1});
  fixture.answer(0, milliseconds(10), milliseconds(10));
  fixture.answer(1, milliseconds(30), milliseconds(30));
  // c counts as 20 ms: with one request in flight (40 ms) it loses to a (10 ms).
  fixture.policy->on_request_start(fixture.hosts[2], kStart);
  EXPECT_EQ(fixture.pick(), "a");
}

TEST(LeastTimePolicy, MovesTrafficAwayFromAHostThatBecomesSlow) {
  for (const char* words : {"header", "last_byte", "header inflight"}) {
    TestHosts hosts = TestHosts::equal(4);
    auto policy = testing::make_policy("least_time", words, hosts);
    // Every host answers in 2 ms; from 10 s on host 0 takes 100 ms.
    ClosedLoop loop(*policy, hosts, [](std::size_t host, Microseconds at) -> std::int64_t {
      return host == 0 && at >= seconds(10) ? 100000 : 2000;
    });
    const auto picks = loop.run(8, seconds(20));
    EXPECT_NEAR(testing::share(picks, 0, seconds(5), seconds(10)), 0.25, 0.05) << words;
    EXPECT_LT(testing::share(picks, 0, seconds(12), seconds(20)), 0.02) << words;
  }
}

}  // namespace
}  // namespace yoke::balancing
