// Outlier ejection across workers: two detectors (as two workers' balancers hold) over one
// HostSet's shared words, a fake clock, Envoy's consecutive-error rules.
#include "yoke/health/outlier_detector.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "yoke/upstream/upstream_balancer.h"

namespace yoke::health {
namespace {

using balancing::AttemptOutcome;
using balancing::Host;
using balancing::HostSet;
using std::chrono::seconds;

class OutlierDetectorTest : public ::testing::Test {
 protected:
  void build(int hosts, const balancing::OutlierSettings& settings) {
    auto set = std::make_shared<HostSet>();
    set->upstream = "app";
    set->resilience.outlier = settings;
    for (int i = 0; i < hosts; ++i) {
      Host host;
      host.index = set->hosts.size();
      host.name = "h" + std::to_string(i);
      set->hosts.push_back(host);
    }
    balancing::attach_runtime(*set);
    set_ = set;
    worker_a_ = std::make_unique<OutlierDetector>(*set_);
    worker_b_ = std::make_unique<OutlierDetector>(*set_);
  }
  static balancing::OutlierSettings settings(int consecutive_5xx) {
    balancing::OutlierSettings settings;
    settings.enabled = true;
    settings.consecutive_5xx = consecutive_5xx;
    settings.base_ejection_time = seconds(30);
    settings.max_ejection_time = seconds(300);
    settings.interval = seconds(10);
    return settings;
  }
  AttemptOutcome outcome(int status, bool failed = false) const {
    AttemptOutcome result;
    result.status = status;
    result.failed = failed;
    result.now = now_;
    return result;
  }
  const Host& host(std::size_t index) const { return set_->hosts[index]; }
  // Failures alternate between the two workers; true if any of them ejected.
  bool fail_alternating(std::size_t index, int count, int status = 500) {
    bool ejected = false;
    for (int i = 0; i < count; ++i) {
      OutlierDetector& worker = i % 2 == 0 ? *worker_a_ : *worker_b_;
      ejected = worker.record(host(index), outcome(status)) || ejected;
    }
    return ejected;
  }

  std::shared_ptr<HostSet> set_;
  std::unique_ptr<OutlierDetector> worker_a_;
  std::unique_ptr<OutlierDetector> worker_b_;
  TimePoint now_ = TimePoint{} + seconds(1000);
};

TEST_F(OutlierDetectorTest, ClassifiesOutcomesAsEnvoyDoes) {
  EXPECT_EQ(classify(outcome(200)), OutlierEvent::kSuccess);
  EXPECT_EQ(classify(outcome(404)), OutlierEvent::kSuccess);
  EXPECT_EQ(classify(outcome(500)), OutlierEvent::kServerError);
  EXPECT_EQ(classify(outcome(503)), OutlierEvent::kGatewayFailure);
  EXPECT_EQ(classify(outcome(0, true)), OutlierEvent::kGatewayFailure);  // connect, timeout
  EXPECT_EQ(classify(outcome(200, true)), OutlierEvent::kServerError);   // broke after head
  AttemptOutcome aborted = outcome(0);
  aborted.aborted = true;
  EXPECT_EQ(classify(aborted), OutlierEvent::kIgnored);
}

TEST_F(OutlierDetectorTest, StreakCountedAcrossWorkersEjects) {
  build(4, settings(5));
  EXPECT_FALSE(fail_alternating(0, 4));
  EXPECT_TRUE(worker_a_->admits(host(0), now_));
  EXPECT_TRUE(fail_alternating(0, 1));  // the fifth, on worker A after B's fourth
  EXPECT_FALSE(worker_a_->admits(host(0), now_));
  EXPECT_FALSE(worker_b_->admits(host(0), now_));
  EXPECT_EQ((*set_->runtime)[0].outlier.ejections_total(), 1U);
  EXPECT_TRUE(worker_b_->admits(host(1), now_));
}

TEST_F(OutlierDetectorTest, SuccessOnAnyWorkerBreaksTheStreak) {
  build(4, settings(3));
  EXPECT_FALSE(fail_alternating(0, 2));
  worker_b_->record(host(0), outcome(200));
  EXPECT_FALSE(fail_alternating(0, 2));
  EXPECT_TRUE(worker_a_->admits(host(0), now_));
  EXPECT_TRUE(fail_alternating(0, 1));
}

TEST_F(OutlierDetectorTest, ReturnsAfterBackOffThatGrowsOnRepeat) {
  build(4, settings(2));
  ASSERT_TRUE(fail_alternating(0, 2));
  now_ += seconds(29);
  EXPECT_FALSE(worker_a_->admits(host(0), now_));
  now_ += seconds(1);  // base_ejection_time × 1
  EXPECT_TRUE(worker_a_->admits(host(0), now_));
  EXPECT_EQ(set_->runtime->outliers.ejected_hosts.load(), 0U);  // released by that pick

  ASSERT_TRUE(fail_alternating(0, 2));  // again at once: × 2
  now_ += seconds(59);
  EXPECT_FALSE(worker_b_->admits(host(0), now_));
  now_ += seconds(1);
  EXPECT_TRUE(worker_b_->admits(host(0), now_));
}

TEST_F(OutlierDetectorTest, MultiplierDecaysOneStepPerIntervalBack) {
  build(4, settings(1));
  ASSERT_TRUE(fail_alternating(0, 1));  // × 1: 30 s
  now_ += seconds(30);
  ASSERT_TRUE(fail_alternating(0, 1));  // × 2: 60 s
  now_ += seconds(60 + 10);             // back for one interval: multiplier 2 → 1
  ASSERT_TRUE(fail_alternating(0, 1));  // × 2 again, not × 3
  now_ += seconds(59);
  EXPECT_FALSE(worker_a_->admits(host(0), now_));
  now_ += seconds(1);
  EXPECT_TRUE(worker_a_->admits(host(0), now_));
}

TEST_F(OutlierDetectorTest, EjectionTimeIsCappedAtMax) {
  balancing::OutlierSettings capped = settings(1);
  capped.max_ejection_time = seconds(45);
  build(4, capped);
  ASSERT_TRUE(fail_alternating(0, 1));
  now_ += seconds(30);
  ASSERT_TRUE(fail_alternating(0, 1));  // 60 s, capped at 45 s
  now_ += seconds(45);
  EXPECT_TRUE(worker_a_->admits(host(0), now_));
}

TEST_F(OutlierDetectorTest, NeverEjectsMoreThanMaxPercent) {
  build(4, settings(1));  // 50 % of 4: two hosts
  EXPECT_TRUE(fail_alternating(0, 1));
  EXPECT_TRUE(fail_alternating(1, 1));
  EXPECT_FALSE(fail_alternating(2, 3));
  EXPECT_TRUE(worker_a_->admits(host(2), now_));
  EXPECT_EQ(set_->runtime->outliers.ejected_hosts.load(), 2U);
  // Once the first two are back (released by the sweep), the third may go.
  now_ += seconds(30);
  EXPECT_TRUE(fail_alternating(2, 1));
  EXPECT_EQ(set_->runtime->outliers.ejected_hosts.load(), 1U);
}

TEST_F(OutlierDetectorTest, CapIsAtLeastOneAndNeverEveryHost) {
  EXPECT_EQ(OutlierDetector::max_ejected(1, 100), 0U);
  EXPECT_EQ(OutlierDetector::max_ejected(2, 100), 1U);
  EXPECT_EQ(OutlierDetector::max_ejected(10, 5), 1U);
  EXPECT_EQ(OutlierDetector::max_ejected(10, 50), 5U);
  EXPECT_EQ(OutlierDetector::max_ejected(3, 100), 2U);
}

TEST_F(OutlierDetectorTest, GatewayFailuresHaveTheirOwnStreak) {
  balancing::OutlierSettings gateway = settings(0);
  gateway.consecutive_gateway_failure = 3;
  build(4, gateway);
  EXPECT_FALSE(fail_alternating(0, 5, 500));  // plain 500s are not gateway failures
  EXPECT_FALSE(fail_alternating(0, 2, 503));
  worker_a_->record(host(0), outcome(500));  // a 500 breaks the gateway streak
  EXPECT_FALSE(fail_alternating(0, 2, 502));
  EXPECT_TRUE(worker_b_->record(host(0), outcome(0, true)));  // a refused connect: third
}

TEST_F(OutlierDetectorTest, AbortedAttemptsCountNothing) {
  build(4, settings(2));
  EXPECT_FALSE(fail_alternating(0, 1));
  AttemptOutcome aborted = outcome(0);
  aborted.aborted = true;
  worker_a_->record(host(0), aborted);
  EXPECT_TRUE(fail_alternating(0, 1));
}

TEST_F(OutlierDetectorTest, BalancerSkipsEjectedHosts) {
  auto set = std::make_shared<HostSet>();
  set->upstream = "app";
  set->resilience.outlier = settings(2);
  for (int i = 0; i < 3; ++i) {
    Host host;
    host.index = i;
    host.name = "h" + std::to_string(i);
    host.max_fails = 0;  // passive max_fails off: only ejection takes it out
    set->hosts.push_back(host);
  }
  balancing::attach_runtime(*set);
  upstream::UpstreamBalancer worker_a(set, *balancing::find_policy("round_robin"), {});
  upstream::UpstreamBalancer worker_b(set, *balancing::find_policy("round_robin"), {});
  balancing::LbContext context;
  context.now = now_;
  const Host& bad = set->hosts[1];
  for (auto* worker : {&worker_a, &worker_b}) {
    worker->on_request_start(bad, now_);
    worker->on_request_end(bad, outcome(500));
  }
  int picked_bad = 0;
  for (int i = 0; i < 30; ++i) {
    upstream::UpstreamBalancer& worker = i % 2 == 0 ? worker_a : worker_b;
    const Host* chosen = worker.choose(context, upstream::TriedHosts(3));
    ASSERT_NE(chosen, nullptr);
    picked_bad += chosen == &bad ? 1 : 0;
  }
  EXPECT_EQ(picked_bad, 0);
  context.now = now_ + seconds(30);
  for (int i = 0; i < 30; ++i) {
    picked_bad += worker_a.choose(context, upstream::TriedHosts(3)) == &bad ? 1 : 0;
  }
  EXPECT_EQ(picked_bad, 10);
}

}  // namespace
}  // namespace yoke::health
