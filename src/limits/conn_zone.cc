#include "yoke/limits/conn_zone.h"

#include <utility>

namespace yoke::limits {

ConnZone::ConnZone(std::string name, std::size_t bytes) : name_(std::move(name)), slots_(bytes) {}

KeyedSlot* ConnZone::acquire(std::string_view key, std::uint64_t limit) {
  const std::uint64_t tag = KeyedSlots::tag_of(key);
  for (int attempt = 0; attempt < 4; ++attempt) {
    bool created = false;
    // Only idle keys (count 0) may make room; any of them will do.
    KeyedSlot* slot = slots_.find_or_claim(
        tag, 0, &created, [](std::uint64_t) { return 0; },
        [](std::uint64_t count) { return count == 0; });
    if (slot == nullptr) return nullptr;
    std::uint64_t count = slot->value.load(std::memory_order_relaxed);
    do {
      if (count >= limit) return nullptr;
    } while (!slot->value.compare_exchange_weak(count, count + 1, std::memory_order_acq_rel));
    // An idle slot may have been given to another key between the lookup and the increment:
    // then the count just taken is that key's; give it back and look again.
    if (slot->tag.load(std::memory_order_acquire) == tag) return slot;
    release(slot);
  }
  return nullptr;
}

void ConnZone::release(KeyedSlot* slot) { slot->value.fetch_sub(1, std::memory_order_acq_rel); }

std::uint64_t ConnZone::count(std::string_view key) {
  const KeyedSlot* slot = slots_.find(KeyedSlots::tag_of(key));
  return slot == nullptr ? 0 : slot->value.load(std::memory_order_relaxed);
}

}  // namespace yoke::limits
