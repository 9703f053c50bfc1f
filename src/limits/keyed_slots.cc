#include "yoke/limits/keyed_slots.h"

#include <algorithm>

#include "yoke/balancing/hash.h"

namespace yoke::limits {

KeyedSlots::KeyedSlots(std::size_t bytes)
    : buckets_(std::max<std::size_t>(1, bytes / (kSlotBytes * kWays))),
      slots_(std::make_unique<KeyedSlot[]>(buckets_ * kWays)) {}

std::uint64_t KeyedSlots::tag_of(std::string_view key) { return balancing::hash_bytes(key) | 1; }

KeyedSlot* KeyedSlots::find(std::uint64_t tag) {
  KeyedSlot* bucket = bucket_of(tag);
  for (std::size_t way = 0; way < kWays; ++way) {
    if (bucket[way].tag.load(std::memory_order_acquire) == tag) return &bucket[way];
  }
  return nullptr;
}

}  // namespace yoke::limits
