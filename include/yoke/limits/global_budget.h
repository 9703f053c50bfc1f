#pragma once
// The node's share of a cluster-wide limit_req_zone (`global=redis://…`, docs/redis-limits.md).
// Redis keeps one token bucket per key for the whole cluster; this node holds, per key, the
// tokens Redis last granted it (its *balance*) and counts the requests that asked for one since
// the last synchronisation (its *demand*). Workers only touch these words: one compare-and-swap
// per request, no lock and no I/O; the sync thread (limits/global_sync.h) trades balance and
// demand with Redis in batches, every kSyncPeriod.
//
// Why leases instead of reporting counts afterwards (as Envoy's ratelimit service does per
// request): a node can only spend tokens Redis has already taken out of the shared bucket, so
// the nodes together never exceed the bucket (rate × time + capacity), however many there are.
// The cost is that a node holding tokens it does not need leaves them unused until it gives
// them back (when its demand for a key stops, at the next sync).
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "yoke/core/clock.h"
#include "yoke/limits/keyed_slots.h"

namespace yoke::limits {

// What the workers do with a global zone's requests, set by the sync thread.
enum class GlobalMode : std::uint8_t {
  kGlobal,     // Redis answers: spend the node's balance
  kLocalOnly,  // Redis unreachable, redis_fail=open: only the zone's local limit applies
  kRefuseAll,  // Redis unreachable, redis_fail=closed: every request of the zone is refused
};

// How often a node synchronises with Redis: 20 times per second, so a key's demand reaches
// Redis at most 50 ms late (issue 9: "every 50–100 ms").
constexpr Milliseconds kSyncPeriod{50};

// The per-key ask of one synchronisation, computed from what the node saw since the previous.
// Positive: tokens wanted from the shared bucket; negative: unused tokens given back.
// attempts: requests since the last sync; balance: tokens held now (negative = debt).
// capacity: the shared bucket's size. Pure, for unit tests.
std::int64_t plan_ask(std::uint64_t attempts, std::int64_t balance, std::int64_t capacity);

// The shared bucket's capacity in tokens for a rate (× 1000 per second): 100 ms of the rate,
// at least one token. It bounds what the nodes together can take beyond the rate: 10 %.
std::int64_t global_capacity(std::uint64_t rate_milli);

class GlobalBudget {
 public:
  struct Synced {
    std::uint64_t attempts = 0;  // requests since the previous take_demand
    std::int64_t balance = 0;    // tokens held at that moment
  };

  // bytes: the zone's size (one 16-byte slot per key, as the local table). fail_open chooses
  // the mode while Redis cannot be reached, which is also the mode until the first sync.
  GlobalBudget(std::size_t bytes, bool fail_open);

  // Worker threads: whether this request of the key (its KeyedSlots::tag_of) may pass. In
  // kGlobal a request spends one token of the balance; the first request of a key this node has
  // not seen passes on credit (balance −1), so a new client is not refused for the 50 ms until
  // the first grant; the debt is asked for at the next sync. A full table admits (the local
  // limit still applies).
  bool admit(std::uint64_t tag);

  GlobalMode mode() const { return mode_.load(std::memory_order_relaxed); }
  // Sync thread only.
  void set_mode(GlobalMode mode) { mode_.store(mode, std::memory_order_relaxed); }
  bool fail_open() const { return fail_open_; }

  // Synchronisations of this zone with Redis, by outcome: the sync thread counts, /metrics reads.
  void count_sync(bool ok) {
    (ok ? syncs_ok_ : syncs_failed_).fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t syncs_ok() const { return syncs_ok_.load(std::memory_order_relaxed); }
  std::uint64_t syncs_failed() const { return syncs_failed_.load(std::memory_order_relaxed); }

  // Sync thread: visits every key slot (tag, and the slot to hand to take_demand / credit).
  template <typename Visit>
  void for_each_key(Visit visit) {
    for (std::size_t i = 0; i < slots_.slots(); ++i) {
      KeyedSlot& slot = slots_.at(i);
      const std::uint64_t tag = slot.tag.load(std::memory_order_acquire);
      if (tag != 0) visit(tag, slot);
    }
  }
  // Sync thread: reads and resets the slot's demand, keeping its balance.
  static Synced take_demand(KeyedSlot& slot);
  // Sync thread: adds tokens (negative: takes back tokens given to Redis) to the balance.
  static void credit(KeyedSlot& slot, std::int64_t tokens);

  // Pure packing of a slot's word: demand in the high 32 bits, balance (int32) in the low.
  static std::uint64_t pack(std::uint64_t attempts, std::int64_t balance) {
    return (attempts << 32) | static_cast<std::uint32_t>(static_cast<std::int32_t>(balance));
  }
  static std::uint64_t attempts_of(std::uint64_t word) { return word >> 32; }
  static std::int64_t balance_of(std::uint64_t word) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(word));
  }

 private:
  std::atomic<GlobalMode> mode_;
  bool fail_open_;
  std::atomic<std::uint64_t> syncs_ok_{0};
  std::atomic<std::uint64_t> syncs_failed_{0};
  KeyedSlots slots_;
};

}  // namespace yoke::limits
