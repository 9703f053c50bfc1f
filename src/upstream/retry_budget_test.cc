// The retry budget shared by workers: two Locals (two workers) over one RetryBudget, a fake
// clock.
#include "yoke/upstream/retry_budget.h"

#include <gtest/gtest.h>

namespace yoke::upstream {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

balancing::RetryBudgetSettings budget(int percent, int min_per_second) {
  balancing::RetryBudgetSettings settings;
  settings.enabled = true;
  settings.percent = percent;
  settings.min_per_second = min_per_second;
  settings.ttl = seconds(10);
  return settings;
}

TEST(RetryBudgetTest, StartsWithOneSecondOfTheMinimum) {
  const TimePoint start = TimePoint{} + seconds(100);
  RetryBudget retries(budget(20, 3), start);
  RetryBudget::Local worker;
  EXPECT_TRUE(retries.try_withdraw(worker, start));
  EXPECT_TRUE(retries.try_withdraw(worker, start));
  EXPECT_TRUE(retries.try_withdraw(worker, start));
  EXPECT_FALSE(retries.try_withdraw(worker, start));
}

TEST(RetryBudgetTest, RetriesStayWithinPercentOfRequestsAcrossWorkers) {
  TimePoint now = TimePoint{} + seconds(100);
  RetryBudget retries(budget(20, 0), now);
  RetryBudget::Local worker_a;
  RetryBudget::Local worker_b;
  // 1,000 requests a second for 10 s, every one failing, alternating between two workers that
  // each want a retry for each of their requests.
  int granted = 0;
  int requests = 0;
  for (int ms = 0; ms < 10000; ++ms) {
    now += milliseconds(1);
    RetryBudget::Local& worker = ms % 2 == 0 ? worker_a : worker_b;
    retries.on_request(worker, now);
    ++requests;
    granted += retries.try_withdraw(worker, now) ? 1 : 0;
  }
  EXPECT_LE(granted, requests / 5);
  EXPECT_GE(granted, requests / 5 - requests / 100);  // decay costs little at this rate
}

TEST(RetryBudgetTest, OneWorkerSpendsWhatAllWorkersEarned) {
  TimePoint now = TimePoint{} + seconds(100);
  RetryBudget retries(budget(50, 0), now);
  RetryBudget::Local quiet;
  RetryBudget::Local failing;
  for (int i = 0; i < 32; ++i) retries.on_request(quiet, now);  // flushed twice: 16 tokens
  int granted = 0;
  while (retries.try_withdraw(failing, now)) ++granted;
  EXPECT_EQ(granted, 16);
}

TEST(RetryBudgetTest, MinimumRefillsWithoutTraffic) {
  TimePoint now = TimePoint{} + seconds(100);
  RetryBudget retries(budget(20, 3), now);
  RetryBudget::Local worker;
  while (retries.try_withdraw(worker, now)) {
  }
  now += seconds(1);
  int granted = 0;
  while (retries.try_withdraw(worker, now)) ++granted;
  EXPECT_EQ(granted, 3);
  now += seconds(2);
  granted = 0;
  while (retries.try_withdraw(worker, now)) ++granted;
  EXPECT_EQ(granted, 6);
}

TEST(RetryBudgetTest, SavedDepositsFadeWithTtl) {
  TimePoint now = TimePoint{} + seconds(100);
  RetryBudget retries(budget(100, 0), now);
  RetryBudget::Local worker;
  for (int i = 0; i < 1600; ++i) retries.on_request(worker, now);
  EXPECT_NEAR(retries.tokens(now), 1600.0, 1.0);
  now += seconds(10);  // one time constant: e^-1
  EXPECT_NEAR(retries.tokens(now), 1600.0 * 0.3679, 2.0);
  now += seconds(100);
  EXPECT_LT(retries.tokens(now), 1.0);
}

}  // namespace
}  // namespace yoke::upstream
