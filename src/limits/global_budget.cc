#include "yoke/limits/global_budget.h"

#include <algorithm>
#include <limits>

namespace yoke::limits {
namespace {

constexpr std::uint64_t kMaxAttempts = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t kMaxBalance = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kMinBalance = std::numeric_limits<std::int32_t>::min();

}  // namespace

// Hold enough for two periods at the last period's demand: one to spend before the next grant
// arrives and one for a rise in demand. A node whose demand stopped gives its tokens back, so
// another node can spend them. Never more than the bucket holds.
std::int64_t plan_ask(std::uint64_t attempts, std::int64_t balance, std::int64_t capacity) {
  if (attempts == 0) return balance > 0 ? -balance : 0;
  const auto wanted =
      static_cast<std::int64_t>(std::min<std::uint64_t>(attempts * 2, kMaxAttempts));
  const std::int64_t target = std::min(wanted, capacity);
  // A debt (balance < 0, first requests on credit) is repaid before anything is held.
  return std::max<std::int64_t>(0, target - balance);
}

std::int64_t global_capacity(std::uint64_t rate_milli) {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(rate_milli / 10 / 1000));
}

GlobalBudget::GlobalBudget(std::size_t bytes, bool fail_open)
    : mode_(fail_open ? GlobalMode::kLocalOnly : GlobalMode::kRefuseAll),
      fail_open_(fail_open),
      slots_(bytes) {}

bool GlobalBudget::admit(std::uint64_t tag) {
  const GlobalMode mode = mode_.load(std::memory_order_relaxed);
  bool created = false;
  // The key with the smallest word (least demand, least balance) makes room in a full bucket.
  // A new key's first request: on credit in kGlobal (balance −1), else just counted.
  KeyedSlot* slot = slots_.find_or_claim(
      tag, pack(1, mode == GlobalMode::kGlobal ? -1 : 0), &created,
      [](std::uint64_t value) { return value; }, [](std::uint64_t) { return true; });
  if (slot == nullptr || created) return mode != GlobalMode::kRefuseAll;
  std::uint64_t old = slot->value.load(std::memory_order_relaxed);
  while (true) {
    const std::uint64_t attempts = std::min(attempts_of(old) + 1, kMaxAttempts);
    const std::int64_t balance = balance_of(old);
    // Demand is counted in every mode, so the first sync after Redis returns asks enough.
    const bool spend = mode == GlobalMode::kGlobal && balance > 0;
    if (slot->value.compare_exchange_weak(old, pack(attempts, spend ? balance - 1 : balance),
                                          std::memory_order_relaxed)) {
      if (mode == GlobalMode::kGlobal) return spend;
      return mode == GlobalMode::kLocalOnly;
    }
  }
}

GlobalBudget::Synced GlobalBudget::take_demand(KeyedSlot& slot) {
  std::uint64_t old = slot.value.load(std::memory_order_relaxed);
  // An idle key costs a load, not a locked instruction.
  if (attempts_of(old) == 0) return Synced{0, balance_of(old)};
  while (
      !slot.value.compare_exchange_weak(old, pack(0, balance_of(old)), std::memory_order_relaxed)) {
  }
  return Synced{attempts_of(old), balance_of(old)};
}

void GlobalBudget::credit(KeyedSlot& slot, std::int64_t tokens) {
  if (tokens == 0) return;
  std::uint64_t old = slot.value.load(std::memory_order_relaxed);
  while (true) {
    const std::int64_t balance = std::clamp(balance_of(old) + tokens, kMinBalance, kMaxBalance);
    if (slot.value.compare_exchange_weak(old, pack(attempts_of(old), balance),
                                         std::memory_order_relaxed)) {
      return;
    }
  }
}

}  // namespace yoke::limits
