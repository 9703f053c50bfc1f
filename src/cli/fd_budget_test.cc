#include "fd_budget.h"

#include <gtest/gtest.h>

namespace yoke::cli {
namespace {

TEST(FdBudget, RaisesTheSoftLimitTowardsTheHardOne) {
  const FdBudget budget = plan_fd_budget(1024, 1048576, 2, 16384, 3, true);
  EXPECT_EQ(budget.soft_limit, 2u * 16384 * 2 + kFdReserve + 6);
  EXPECT_EQ(budget.worker_connections, 16384);
  EXPECT_TRUE(budget.warning.empty());
}

TEST(FdBudget, ClampsWorkerConnectionsUnderALowHardLimit) {
  // This machine's kind: hard limit 20000, 2 workers, the default 16384 connections.
  const FdBudget budget = plan_fd_budget(1024, 20000, 2, 16384, 1, false);
  EXPECT_EQ(budget.soft_limit, 20000u);
  EXPECT_EQ(budget.worker_connections, static_cast<int>((20000 - kFdReserve - 2) / 4));
  // Every worker full, each client with an upstream connection, still fits.
  EXPECT_LE(2u * budget.worker_connections * 2 + kFdReserve + 2, budget.soft_limit);
  EXPECT_NE(budget.warning.find("RLIMIT_NOFILE allows 20000"), std::string::npos);
}

// The default worker_connections clamped is a notice (it happened on every start here); a
// value the operator wrote and Yoke could not honour is a warning.
TEST(FdBudget, WarnsOnlyWhenAnExplicitSettingWasClamped) {
  const FdBudget by_default = plan_fd_budget(1024, 20000, 2, 16384, 1, false);
  EXPECT_FALSE(by_default.warning.empty());
  EXPECT_EQ(by_default.level, observe::LogLevel::kNotice);
  const FdBudget written = plan_fd_budget(1024, 20000, 2, 16384, 1, true);
  EXPECT_EQ(written.warning.substr(0, 40), by_default.warning.substr(0, 40));
  EXPECT_EQ(written.level, observe::LogLevel::kWarn);
  // Nothing clamped: nothing to say, whoever set it.
  EXPECT_TRUE(plan_fd_budget(1024, 1048576, 2, 1000, 1, true).warning.empty());
}

TEST(FdBudget, NeverLowersALargeSoftLimitOrGoesBelowOne) {
  EXPECT_EQ(plan_fd_budget(500000, 500000, 1, 10, 1, true).soft_limit, 500000u);
  EXPECT_EQ(plan_fd_budget(100, 100, 4, 1000, 1, true).worker_connections, 1);
}

}  // namespace
}  // namespace yoke::cli
