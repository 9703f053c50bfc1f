#include "yoke/limits/rate_zone.h"

#include <utility>

namespace yoke::limits {

RateZone::RateZone(std::string name, std::size_t bytes, std::uint64_t rate_milli, TimePoint epoch)
    : name_(std::move(name)), rate_milli_(rate_milli), epoch_(epoch), slots_(bytes) {}

std::uint64_t RateZone::millis(TimePoint now) const {
  if (now <= epoch_) return 0;
  return static_cast<std::uint64_t>(std::chrono::duration_cast<Milliseconds>(now - epoch_).count());
}

RateVerdict RateZone::take(std::string_view key, TimePoint now, const RateRule& rule) {
  const std::uint64_t at = millis(now);
  bool created = false;
  // The least recently updated key of a full bucket makes room (its time is the high bits).
  KeyedSlot* slot = slots_.find_or_claim(
      KeyedSlots::tag_of(key), pack(at, 0), &created, [](std::uint64_t value) { return value; },
      [](std::uint64_t) { return true; });
  RateVerdict verdict;
  if (slot == nullptr) return verdict;  // never: every slot of a rate zone may be evicted
  // nginx: a new key starts with no excess and its first request passes.
  if (created) {
    verdict.accepted = true;
    return verdict;
  }
  std::uint64_t old = slot->value.load(std::memory_order_relaxed);
  while (true) {
    const std::uint64_t last = old >> kExcessBits;
    const std::uint64_t elapsed = at > last ? at - last : 0;
    const auto drained = static_cast<std::int64_t>(rate_milli_ * elapsed / 1000);
    std::int64_t excess = static_cast<std::int64_t>(old & kExcessMask) - drained + 1000;
    if (excess < 0) excess = 0;
    const auto excess_now = static_cast<std::uint64_t>(excess);
    // Over the burst: refused, and (as nginx) the key's state is left as it was.
    if (excess_now > rule.burst_milli) return verdict;
    if (slot->value.compare_exchange_weak(old, pack(std::max(at, last), excess_now),
                                          std::memory_order_relaxed)) {
      verdict.accepted = true;
      if (excess_now > rule.no_delay_milli) {
        verdict.delay = Milliseconds((excess_now - rule.no_delay_milli) * 1000 / rate_milli_);
      }
      return verdict;
    }
  }
}

}  // namespace yoke::limits
