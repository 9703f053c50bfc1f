// The leaky bucket as nginx's limit_req computes it, shared by threads without losing counts,
// and the table's least-recently-used eviction.
#include "yoke/limits/rate_zone.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace yoke::limits {
namespace {

using std::chrono::milliseconds;

const TimePoint kEpoch = TimePoint{} + std::chrono::hours(1);

RateRule rule(std::uint64_t burst, bool nodelay) {
  return RateRule{burst * 1000, nodelay ? burst * 1000 : 0};
}

TEST(RateZone, FirstRequestPassesThenOnePerInterval) {
  RateZone zone("one", 1 << 20, 1000, kEpoch);  // 1r/s
  EXPECT_TRUE(zone.take("a", kEpoch, rule(0, false)).accepted);
  EXPECT_FALSE(zone.take("a", kEpoch + milliseconds(500), rule(0, false)).accepted);
  EXPECT_TRUE(zone.take("a", kEpoch + milliseconds(1000), rule(0, false)).accepted);
  EXPECT_FALSE(zone.take("a", kEpoch + milliseconds(1999), rule(0, false)).accepted);
  // Another key has its own bucket.
  EXPECT_TRUE(zone.take("b", kEpoch + milliseconds(1999), rule(0, false)).accepted);
}

TEST(RateZone, BurstWithNodelayPassesAtOnce) {
  RateZone zone("burst", 1 << 20, 10000, kEpoch);  // 10r/s
  int accepted = 0;
  for (int i = 0; i < 10; ++i) {
    const RateVerdict verdict = zone.take("a", kEpoch, rule(5, true));
    accepted += verdict.accepted ? 1 : 0;
    EXPECT_EQ(verdict.delay.count(), 0);
  }
  EXPECT_EQ(accepted, 6);  // the first, then five in excess
}

TEST(RateZone, BurstWithoutNodelayDelaysToTheRate) {
  RateZone zone("delay", 1 << 20, 10000, kEpoch);  // 10r/s: one every 100 ms
  EXPECT_EQ(zone.take("a", kEpoch, rule(5, false)).delay.count(), 0);
  EXPECT_EQ(zone.take("a", kEpoch, rule(5, false)).delay.count(), 100);
  EXPECT_EQ(zone.take("a", kEpoch, rule(5, false)).delay.count(), 200);
  // delay=2: the first two in excess pass at once, the third waits one interval.
  RateZone other("delay2", 1 << 20, 10000, kEpoch);
  const RateRule two{5000, 2000};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(other.take("a", kEpoch, two).delay.count(), 0);
  EXPECT_EQ(other.take("a", kEpoch, two).delay.count(), 100);
}

TEST(RateZone, SlowRateInRequestsPerMinute) {
  RateZone zone("minute", 1 << 20, 1000 / 60, kEpoch);  // 1r/m, as nginx rounds it
  EXPECT_TRUE(zone.take("a", kEpoch, rule(0, false)).accepted);
  EXPECT_FALSE(zone.take("a", kEpoch + std::chrono::seconds(59), rule(0, false)).accepted);
  EXPECT_TRUE(zone.take("a", kEpoch + std::chrono::seconds(63), rule(0, false)).accepted);
}

// Two threads share one key at 1,000 requests per second of (fake) time for 10 s against
// rate=100r/s: about 1,000 pass in total, not 1,000 per thread. How far one thread's fake clock
// runs ahead of the other's depends on scheduling, and a request stamped behind the zone's last
// time leaks nothing, so the total varies by a few percent between runs (966 was seen): the band
// is issue 8's 1,000 ± 10 %, which per-thread limits (about 2,000) are far outside.
TEST(RateZone, ThreadsShareOneLimit) {
  RateZone zone("shared", 1 << 20, 100000, kEpoch);
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  threads.reserve(2);
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&zone, &accepted, t] {
      for (int ms = t; ms < 10000; ms += 2) {
        if (zone.take("client", kEpoch + milliseconds(ms), rule(0, false)).accepted) ++accepted;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_NEAR(accepted.load(), 1000, 100);
}

TEST(RateZone, FullBucketEvictsTheLeastRecentlyUsedKey) {
  RateZone zone("tiny", 1, 1000, kEpoch);  // one bucket of eight slots
  ASSERT_EQ(zone.capacity(), KeyedSlots::kWays);
  for (int i = 0; i < 8; ++i) {
    zone.take("k" + std::to_string(i), kEpoch + milliseconds(i), rule(0, false));
  }
  // k0 is the oldest: a ninth key replaces it, so k0 starts afresh (its first request passes
  // again) while k1 still has its state.
  EXPECT_TRUE(zone.take("k8", kEpoch + milliseconds(10), rule(0, false)).accepted);
  EXPECT_FALSE(zone.take("k1", kEpoch + milliseconds(11), rule(0, false)).accepted);
  EXPECT_TRUE(zone.take("k0", kEpoch + milliseconds(12), rule(0, false)).accepted);
}

}  // namespace
}  // namespace yoke::limits
