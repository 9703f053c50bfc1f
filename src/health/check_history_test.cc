// The history word keeps the newest kCapacity results in order and counts every check.
#include "yoke/health/check_history.h"

#include <gtest/gtest.h>

namespace yoke::health {
namespace {

TEST(CheckHistory, KeepsResultsNewestFirst) {
  CheckHistory history;
  EXPECT_EQ(history.recent().count, 0U);
  history.record(true);
  history.record(false);
  history.record(true);
  CheckHistory::Recent recent = history.recent();
  ASSERT_EQ(recent.count, 3U);
  EXPECT_TRUE(recent.passed(0));
  EXPECT_FALSE(recent.passed(1));
  EXPECT_TRUE(recent.passed(2));
  EXPECT_EQ(history.checks(), 3U);
  EXPECT_EQ(history.failed(), 1U);
}

TEST(CheckHistory, ForgetsBeyondCapacity) {
  CheckHistory history;
  history.record(false);  // pushed out by the passes below
  for (std::size_t i = 0; i < CheckHistory::kCapacity; ++i) history.record(true);
  CheckHistory::Recent recent = history.recent();
  EXPECT_EQ(recent.count, CheckHistory::kCapacity);
  for (std::size_t i = 0; i < recent.count; ++i) EXPECT_TRUE(recent.passed(i)) << i;
  EXPECT_EQ(history.checks(), CheckHistory::kCapacity + 1);
  history.record(false);
  EXPECT_FALSE(history.recent().passed(0));
  EXPECT_TRUE(history.recent().passed(CheckHistory::kCapacity - 1));
}

TEST(CheckHistories, FindsByUpstreamAndHost) {
  CheckHistories histories({2, 1});
  ASSERT_NE(histories.find(0, 1), nullptr);
  ASSERT_NE(histories.find(1, 0), nullptr);
  EXPECT_EQ(histories.find(1, 1), nullptr);
  EXPECT_EQ(histories.find(2, 0), nullptr);
  histories.find(1, 0)->record(true);
  EXPECT_EQ(histories.find(1, 0)->checks(), 1U);
  EXPECT_EQ(histories.find(0, 0)->checks(), 0U);
}

}  // namespace
}  // namespace yoke::health
