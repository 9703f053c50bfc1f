// Back-off between tries to reach Redis, on a fake clock.
#include "limits/reconnect_backoff.h"

#include <gtest/gtest.h>

namespace yoke::limits {
namespace {

using std::chrono::milliseconds;

TEST(ReconnectBackoff, DoublesUpToTheLastRetryAndResetsOnSuccess) {
  const TimePoint start = TimePoint{} + std::chrono::hours(1);
  ReconnectBackoff backoff;
  EXPECT_TRUE(backoff.due(start));
  backoff.failed(start);
  EXPECT_FALSE(backoff.due(start + milliseconds(99)));
  EXPECT_TRUE(backoff.due(start + milliseconds(100)));
  Milliseconds waits[6];
  for (Milliseconds& wait : waits) {
    backoff.failed(start);
    wait = backoff.wait();
  }
  EXPECT_EQ(waits[0].count(), 200);
  EXPECT_EQ(waits[1].count(), 400);
  EXPECT_EQ(waits[3].count(), 1600);
  EXPECT_EQ(waits[4].count(), 2000);  // capped: Redis back is used within 2 s
  EXPECT_EQ(waits[5].count(), 2000);
  backoff.succeeded();
  EXPECT_TRUE(backoff.due(start));
  backoff.failed(start);
  EXPECT_EQ(backoff.wait().count(), 100);
}

}  // namespace
}  // namespace yoke::limits
