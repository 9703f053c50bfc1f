// The node's side of global rate limits (docs/redis-limits.md): what a sync asks Redis for,
// how workers spend the balance in each mode, and — with a model of the Lua bucket and a fake
// clock — that two nodes batching every 50 ms together stay within 10 % of the limit.
#include "yoke/limits/global_budget.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>

namespace yoke::limits {
namespace {

const std::uint64_t kTag = KeyedSlots::tag_of("client");

TEST(GlobalBudget, PlanAskHoldsTwoPeriodsOfDemandUpToTheCapacity) {
  EXPECT_EQ(plan_ask(10, 0, 100), 20);  // two periods of 10
  EXPECT_EQ(plan_ask(10, 5, 100), 15);  // minus what is held
  EXPECT_EQ(plan_ask(10, 30, 100), 0);  // holds more than it needs: nothing
  EXPECT_EQ(plan_ask(500, 0, 20), 20);  // never more than the bucket holds
  EXPECT_EQ(plan_ask(1, -1, 20), 3);    // a debt is repaid first
  EXPECT_EQ(plan_ask(0, 7, 20), -7);    // no demand: unused tokens go back
  EXPECT_EQ(plan_ask(0, -1, 20), 0);    // a debt alone is not asked for without demand
}

TEST(GlobalBudget, CapacityIsATenthOfASecond) {
  EXPECT_EQ(global_capacity(200000), 20);  // 200 r/s
  EXPECT_EQ(global_capacity(5000), 1);     // 5 r/s: at least one token
  EXPECT_EQ(global_capacity(16), 1);       // 1 r/m
}

TEST(GlobalBudget, PackKeepsNegativeBalances) {
  const std::uint64_t word = GlobalBudget::pack(7, -3);
  EXPECT_EQ(GlobalBudget::attempts_of(word), 7u);
  EXPECT_EQ(GlobalBudget::balance_of(word), -3);
}

// Before the first sync the zone is in its fallback mode.
TEST(GlobalBudget, FallbackModesBeforeAnySync) {
  GlobalBudget open(4096, true);
  EXPECT_EQ(open.mode(), GlobalMode::kLocalOnly);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(open.admit(kTag));
  GlobalBudget closed(4096, false);
  EXPECT_EQ(closed.mode(), GlobalMode::kRefuseAll);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(closed.admit(kTag));
}

TEST(GlobalBudget, GlobalModeSpendsTheBalanceAndCountsDemand) {
  GlobalBudget budget(4096, true);
  budget.set_mode(GlobalMode::kGlobal);
  EXPECT_TRUE(budget.admit(kTag));   // a new key's first request, on credit
  EXPECT_FALSE(budget.admit(kTag));  // nothing granted yet
  KeyedSlot* slot = nullptr;
  budget.for_each_key([&](std::uint64_t tag, KeyedSlot& found) {
    EXPECT_EQ(tag, kTag);
    slot = &found;
  });
  ASSERT_NE(slot, nullptr);
  GlobalBudget::Synced seen = GlobalBudget::take_demand(*slot);
  EXPECT_EQ(seen.attempts, 2u);
  EXPECT_EQ(seen.balance, -1);
  GlobalBudget::credit(*slot, 3);  // a grant of 3 repays the debt and leaves 2
  EXPECT_TRUE(budget.admit(kTag));
  EXPECT_TRUE(budget.admit(kTag));
  EXPECT_FALSE(budget.admit(kTag));
  seen = GlobalBudget::take_demand(*slot);
  EXPECT_EQ(seen.attempts, 3u);
  EXPECT_EQ(seen.balance, 0);
}

// The Lua bucket (global_bucket_script.h) in thousandths of a token, on the test's clock,
// with its sharing rule: half of what is there while another node asked within 100 ms.
struct ModelBucket {
  std::int64_t rate_milli;
  std::int64_t capacity_milli;
  std::int64_t milli;
  std::int64_t at_ms = 0;
  int last_node = -1;
  std::int64_t last_node_ms = 0;

  std::int64_t exchange(std::int64_t now_ms, std::int64_t ask, int node) {
    milli = std::min(capacity_milli, milli + (now_ms - at_ms) * rate_milli / 1000);
    at_ms = now_ms;
    if (ask <= 0) {
      milli = std::min(capacity_milli, milli - ask * 1000);
      return 0;
    }
    std::int64_t available = milli / 1000;
    if (last_node >= 0 && last_node != node && now_ms - last_node_ms < 100) {
      available = (available + 1) / 2;
    }
    const std::int64_t granted = std::min(ask, available);
    milli -= granted * 1000;
    last_node = node;
    last_node_ms = now_ms;
    return granted;
  }
};

// One node's sync round for its one key, as GlobalSync::collect / settle do it.
void sync_node(GlobalBudget& budget, ModelBucket& bucket, std::int64_t now_ms,
               std::int64_t capacity, int node = 0) {
  budget.for_each_key([&](std::uint64_t, KeyedSlot& slot) {
    const GlobalBudget::Synced seen = GlobalBudget::take_demand(slot);
    const std::int64_t ask = plan_ask(seen.attempts, seen.balance, capacity);
    if (ask < 0) GlobalBudget::credit(slot, ask);
    const std::int64_t granted = bucket.exchange(now_ms, ask, node);
    if (ask > 0) GlobalBudget::credit(slot, granted);
  });
  budget.set_mode(GlobalMode::kGlobal);
}

// Issue 9's scenario in fake time: two nodes, a global 200 r/s, a client sending 500 r/s to
// each (at random instants) for 10 s, each node syncing every 50 ms at its own phase. Accepted
// in total: 2,000 ± 10 %, and the nodes share it: neither gets less than a quarter, even with
// syncs 45 ms apart (without the bucket's sharing rule that split is about 90/10).
void two_nodes(std::int64_t second_phase) {
  const std::uint64_t rate_milli = 200000;
  const std::int64_t capacity = global_capacity(rate_milli);
  ModelBucket bucket{static_cast<std::int64_t>(rate_milli), capacity * 1000, capacity * 1000};
  GlobalBudget nodes[2] = {GlobalBudget(4096, true), GlobalBudget(4096, true)};
  const std::int64_t phase[2] = {0, second_phase};
  std::mt19937 random(9);
  std::uniform_int_distribution<int> node_of(0, 1);
  int accepted[2] = {0, 0};
  for (std::int64_t ms = 0; ms < 10000; ++ms) {
    for (int n = 0; n < 2; ++n) {
      if (ms % kSyncPeriod.count() == phase[n]) sync_node(nodes[n], bucket, ms, capacity, n);
    }
    const int n = node_of(random);  // one request per millisecond: 1,000 r/s in all
    if (nodes[n].admit(kTag)) ++accepted[n];
  }
  const int total = accepted[0] + accepted[1];
  EXPECT_NEAR(total, 2000, 200) << "phase " << second_phase << ": " << accepted[0] << " + "
                                << accepted[1];
  EXPECT_GT(std::min(accepted[0], accepted[1]), 500)
      << "phase " << second_phase << ": " << accepted[0] << " + " << accepted[1];
}

TEST(GlobalBudget, TwoNodesStayWithinTenPercentOfTheLimit) {
  two_nodes(25);
  two_nodes(5);
  two_nodes(45);
}

// One node alone gets the whole rate: the sharing rule never halves its grants.
TEST(GlobalBudget, OneNodeGetsTheWholeRate) {
  const std::uint64_t rate_milli = 200000;
  const std::int64_t capacity = global_capacity(rate_milli);
  ModelBucket bucket{static_cast<std::int64_t>(rate_milli), capacity * 1000, capacity * 1000};
  GlobalBudget node(4096, true);
  int accepted = 0;
  for (std::int64_t ms = 0; ms < 10000; ++ms) {
    if (ms % kSyncPeriod.count() == 0) sync_node(node, bucket, ms, capacity);
    if (node.admit(kTag)) ++accepted;  // 1,000 r/s
  }
  EXPECT_NEAR(accepted, 2000, 200);
}

// A node whose traffic stopped gives its tokens back, so the other can spend them.
TEST(GlobalBudget, IdleNodeGivesTokensBack) {
  const std::uint64_t rate_milli = 100000;  // 100 r/s, capacity 10
  const std::int64_t capacity = global_capacity(rate_milli);
  ModelBucket bucket{static_cast<std::int64_t>(rate_milli), capacity * 1000, capacity * 1000};
  GlobalBudget node(4096, true);
  node.set_mode(GlobalMode::kGlobal);
  for (int i = 0; i < 5; ++i) node.admit(kTag);
  sync_node(node, bucket, 0, capacity);  // asks 2 × 5 + the debt of 1: gets the bucket's 10
  EXPECT_EQ(bucket.milli, 0);
  sync_node(node, bucket, 0, capacity);  // no demand since: the 9 left after the debt go back
  EXPECT_EQ(bucket.milli, 9000);
  EXPECT_FALSE(node.admit(kTag));
}

}  // namespace
}  // namespace yoke::limits
