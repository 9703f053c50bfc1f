// Check timing: fixed rate, jitter drawn from a seeded generator, delays on a coarse grain.
#include "health/check_schedule.h"

#include <gtest/gtest.h>

#include <set>

namespace yoke::health {
namespace {

TEST(CheckSchedule, WithoutJitterChecksStartOneIntervalApart) {
  CheckSchedule schedule(Milliseconds(1280), Milliseconds(0), 1);  // grain 1280 / 64 = 20 ms
  EXPECT_EQ(schedule.first_delay(), Milliseconds(0));
  // A check that took 300 ms: the next starts 1280 ms after this one started.
  EXPECT_EQ(schedule.next_delay(Milliseconds(300)), Milliseconds(980));
  // Rounded up to the grain.
  EXPECT_EQ(schedule.next_delay(Milliseconds(305)), Milliseconds(980));
  // A check that took longer than the interval: the next starts at once.
  EXPECT_EQ(schedule.next_delay(Milliseconds(2500)), Milliseconds(0));
}

TEST(CheckSchedule, JitterSpreadsChecksWithinItsBoundOnAGrain) {
  CheckSchedule schedule(Milliseconds(1000), Milliseconds(500), 42);
  std::set<Milliseconds::rep> delays;
  for (int i = 0; i < 1000; ++i) {
    const Milliseconds delay = schedule.next_delay(Milliseconds(0));
    EXPECT_GE(delay, Milliseconds(1000));
    EXPECT_LE(delay, Milliseconds(1500 + 23));
    EXPECT_EQ(delay.count() % 23, 0);  // grain: (1000 + 500) / 64 = 23 ms
    delays.insert(delay.count());
  }
  // Spread over the whole range, yet few distinct durations (timer lists).
  EXPECT_GT(delays.size(), 15u);
  EXPECT_LE(delays.size(), 24u);
}

TEST(CheckSchedule, TheSameSeedGivesTheSameDelays) {
  CheckSchedule a(Milliseconds(1000), Milliseconds(800), 7);
  CheckSchedule b(Milliseconds(1000), Milliseconds(800), 7);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(a.next_delay(Milliseconds(5)), b.next_delay(Milliseconds(5)));
  EXPECT_EQ(a.first_delay(), b.first_delay());
}

}  // namespace
}  // namespace yoke::health
