#include "min_rate.h"

#include <gtest/gtest.h>

namespace yoke::proxy {
namespace {

config::MinRate rate(std::uint64_t per_second, int after_ms) {
  config::MinRate value;
  value.bytes_per_second = per_second;
  value.after = Milliseconds{after_ms};
  return value;
}

TEST(MinRateWatch, ATricklingClientFallsBehindOnceTheGraceIsOver) {
  MinRateWatch watch;
  const TimePoint start{};
  watch.start(rate(1024, 5000), start);
  // One byte every 3 s: fine during the 5 s grace, behind at the first read after it.
  EXPECT_TRUE(watch.keeps_up(1, start + Milliseconds{3000}));
  EXPECT_FALSE(watch.keeps_up(1, start + Milliseconds{6000}));
}

TEST(MinRateWatch, AClientAtTheRateKeepsUp) {
  MinRateWatch watch;
  const TimePoint start{};
  watch.start(rate(1000, 1000), start);
  for (int second = 1; second <= 60; ++second) {
    EXPECT_TRUE(watch.keeps_up(1000, start + Milliseconds{second * 1000})) << second;
  }
  // A burst early pays for a pause later: the rate is an average since the start.
  MinRateWatch bursty;
  bursty.start(rate(1000, 1000), start);
  EXPECT_TRUE(bursty.keeps_up(30000, start + Milliseconds{100}));
  EXPECT_TRUE(bursty.keeps_up(1, start + Milliseconds{31000}));
  EXPECT_FALSE(bursty.keeps_up(1, start + Milliseconds{31100}));
}

TEST(MinRateWatch, OffAndStoppedWatchesAcceptEverything) {
  MinRateWatch watch;
  const TimePoint start{};
  watch.start(rate(0, 0), start);
  EXPECT_FALSE(watch.active());
  EXPECT_TRUE(watch.keeps_up(0, start + Milliseconds{100000}));
  watch.start(rate(100, 0), start);
  EXPECT_TRUE(watch.active());
  watch.stop();
  EXPECT_TRUE(watch.keeps_up(0, start + Milliseconds{100000}));
}

}  // namespace
}  // namespace yoke::proxy
