#pragma once
// A fixed table of per-key slots shared by every worker, without locks: what limit_req and
// limit_conn keep per key (nginx keeps the same in a shared-memory zone under a mutex).
//
// The table is SIZE bytes of 16-byte slots, grouped in buckets of 8 (two cache lines). A key is
// known by its 64-bit XXH3 hash (the tag, never 0); the bucket is chosen by the hash. Finding a
// key reads at most 8 tags. A new key takes an empty slot of its bucket, else the slot the
// caller's `evictable` ranks oldest — least recently used within the bucket, the approximation
// of nginx's LRU queue that needs no shared list. Claiming a slot is one compare-and-swap on its
// tag; what a slot holds is one atomic word the caller updates with compare-and-swap.
//
// Two distinct keys with the same 64-bit hash share a slot (probability about n²/2^65 for n
// keys: ~3·10^-8 for a million keys). When two workers claim slots in a full bucket at the same
// instant, a key may start from the value its slot's previous key left — the zone is full then,
// and nginx would refuse the request outright.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace yoke::limits {

struct KeyedSlot {
  std::atomic<std::uint64_t> tag{0};    // the key's hash | 1; 0 = empty
  std::atomic<std::uint64_t> value{0};  // the limit's state for the key
};

class KeyedSlots {
 public:
  static constexpr std::size_t kWays = 8;
  static constexpr std::size_t kSlotBytes = sizeof(KeyedSlot);

  // A table of about `bytes` (at least one bucket).
  explicit KeyedSlots(std::size_t bytes);

  static std::uint64_t tag_of(std::string_view key);

  // The slot holding tag, or nullptr.
  KeyedSlot* find(std::uint64_t tag);

  // The slot holding tag; when there is none, claims one of its bucket and stores `initial` in
  // it (*created is then true). Victims: an empty slot first, else the one with the lowest
  // rank(value) among those evictable(value) accepts; nullptr when none may be evicted.
  template <typename Rank, typename Evictable>
  KeyedSlot* find_or_claim(std::uint64_t tag, std::uint64_t initial, bool* created, Rank rank,
                           Evictable evictable) {
    *created = false;
    KeyedSlot* bucket = bucket_of(tag);
    for (std::size_t way = 0; way < kWays; ++way) {
      if (bucket[way].tag.load(std::memory_order_acquire) == tag) return &bucket[way];
    }
    for (int attempt = 0; attempt < 4; ++attempt) {
      KeyedSlot* victim = nullptr;
      std::uint64_t victim_tag = 0;
      for (std::size_t way = 0; way < kWays; ++way) {
        const std::uint64_t seen = bucket[way].tag.load(std::memory_order_acquire);
        if (seen == tag) return &bucket[way];  // another worker just claimed it for us
        const std::uint64_t value = bucket[way].value.load(std::memory_order_relaxed);
        if (seen == 0) {
          victim = &bucket[way];
          victim_tag = 0;
          break;
        }
        if (!evictable(value)) continue;
        if (victim == nullptr ||
            rank(value) < rank(victim->value.load(std::memory_order_relaxed))) {
          victim = &bucket[way];
          victim_tag = seen;
        }
      }
      if (victim == nullptr) return nullptr;
      if (victim->tag.compare_exchange_strong(victim_tag, tag, std::memory_order_acq_rel)) {
        victim->value.store(initial, std::memory_order_release);
        *created = true;
        return victim;
      }
    }
    return nullptr;  // lost every race for this bucket: treat as full
  }

  std::size_t slots() const { return buckets_ * kWays; }
  // Slot `index` (below slots()), for a thread that walks the whole table.
  KeyedSlot& at(std::size_t index) { return slots_[index]; }

 private:
  KeyedSlot* bucket_of(std::uint64_t tag) {
    return &slots_[static_cast<std::size_t>((tag >> 1) % buckets_) * kWays];
  }

  std::size_t buckets_;
  std::unique_ptr<KeyedSlot[]> slots_;
};

}  // namespace yoke::limits
