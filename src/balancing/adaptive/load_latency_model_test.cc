// The latency model learns a queue's line, falls back to the single-queue slope when loads do not
// vary, forgets with time, and follows a host that slows down.
#include "balancing/adaptive/load_latency_model.h"

#include <gtest/gtest.h>

#include "balancing/adaptive/dispatch_loads.h"

namespace yoke::balancing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kStart = TimePoint{} + std::chrono::hours(1);

TEST(LoadLatencyModel, LearnsTheLineOfAQueue) {
  LoadLatencyModel model(seconds(3));
  // A FIFO server with a 10 ms service time: sent behind `load` others, answered in (load+1)·10.
  for (int i = 0; i < 300; ++i) model.add(i % 5, (i % 5 + 1) * 10000.0, kStart + milliseconds(i));
  EXPECT_NEAR(model.predict(0), 10000, 200);
  EXPECT_NEAR(model.predict(4), 50000, 200);
  EXPECT_NEAR(model.predict(9), 100000, 500);  // extrapolated along the line
  EXPECT_NEAR(model.unit_latency(), 10000, 1);
}

TEST(LoadLatencyModel, SeveralSlotsStayFlat) {
  LoadLatencyModel model(seconds(3));
  for (int i = 0; i < 300; ++i) model.add(i % 4, 20000.0, kStart + milliseconds(i));
  EXPECT_NEAR(model.predict(0), 20000, 100);
  EXPECT_NEAR(model.predict(3), 20000, 100);
}

TEST(LoadLatencyModel, WithoutSpreadInLoadAssumesOneQueue) {
  LoadLatencyModel model(seconds(3));
  for (int i = 0; i < 100; ++i) model.add(0, 8000.0, kStart + milliseconds(i));
  EXPECT_NEAR(model.predict(0), 8000, 1);
  EXPECT_NEAR(model.predict(2), 24000, 100);
}

TEST(LoadLatencyModel, EvidenceDecaysWithTime) {
  LoadLatencyModel model(seconds(1));
  EXPECT_EQ(model.evidence(kStart), 0);
  model.add(0, 1000, kStart);
  model.add(0, 1000, kStart);
  EXPECT_NEAR(model.evidence(kStart), 2.0, 1e-9);
  EXPECT_NEAR(model.evidence(kStart + seconds(1)), 2.0 / 2.718281828, 1e-6);
  // Known while at least half a sample's worth is left: until ln(2 / 0.5) = 1.386 s.
  EXPECT_TRUE(model.known(kStart + std::chrono::milliseconds(1380)));
  EXPECT_FALSE(model.known(kStart + std::chrono::milliseconds(1390)));
}

TEST(LoadLatencyModel, FollowsAHostThatSlowsDown) {
  LoadLatencyModel model(seconds(3));
  TimePoint now = kStart;
  for (int i = 0; i < 1000; ++i, now += milliseconds(10)) model.add(0, 10000, now);
  for (int i = 0; i < 600; ++i, now += milliseconds(10)) model.add(0, 30000, now);  // 6 s later
  EXPECT_GT(model.predict(0), 25000);
}

TEST(DispatchLoads, PairsAnswersWithTheLoadsTheyWereSentAt) {
  DispatchLoads loads;
  loads.sent(0);
  loads.sent(1);
  loads.sent(2);
  EXPECT_EQ(loads.answered(), 0);
  loads.sent(2);
  EXPECT_EQ(loads.answered(), 1);
  EXPECT_EQ(loads.answered(), 2);
  EXPECT_EQ(loads.answered(), 2);
  EXPECT_EQ(loads.answered(), DispatchLoads::kUnknown);  // more answers than requests
}

TEST(DispatchLoads, BeyondItsCapacityForgetsTheNewestUntilTheyAreAnswered) {
  DispatchLoads loads;
  const int many = static_cast<int>(DispatchLoads::kCapacity) + 3;
  for (int i = 0; i < many; ++i) loads.sent(i);
  for (int i = 0; i < static_cast<int>(DispatchLoads::kCapacity); ++i) {
    EXPECT_EQ(loads.answered(), i);
  }
  loads.sent(7);  // behind three unremembered requests: not remembered either
  for (int i = 0; i < 4; ++i) EXPECT_EQ(loads.answered(), DispatchLoads::kUnknown);
  loads.sent(5);
  EXPECT_EQ(loads.answered(), 5);
}

}  // namespace
}  // namespace yoke::balancing
