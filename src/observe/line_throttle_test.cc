#include "yoke/observe/line_throttle.h"

#include <gtest/gtest.h>

namespace yoke::observe {
namespace {

TEST(LineThrottle, OneLineASecondAndCountsTheRest) {
  LineThrottle throttle;
  const TimePoint start = TimePoint{} + std::chrono::seconds(100);
  EXPECT_TRUE(throttle.admit(start));
  EXPECT_EQ(throttle.take_held_back_note(), "");
  EXPECT_FALSE(throttle.admit(start + std::chrono::milliseconds(10)));
  EXPECT_FALSE(throttle.admit(start + std::chrono::milliseconds(999)));
  EXPECT_TRUE(throttle.admit(start + std::chrono::seconds(1)));
  EXPECT_EQ(throttle.take_held_back_note(), " (and 2 more since the last line)");
  EXPECT_EQ(throttle.take_held_back_note(), "");
}

TEST(LineThrottle, TheFirstLinePassesWhateverTheClock) {
  LineThrottle throttle;
  EXPECT_TRUE(throttle.admit(TimePoint{}));
}

}  // namespace
}  // namespace yoke::observe
