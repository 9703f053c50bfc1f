#pragma once
// limit_req_zone: nginx's leaky bucket per key (ngx_http_limit_req_module.c,
// ngx_http_limit_req_lookup), shared by every worker without a lock. Each key keeps how many
// requests it is in excess of the rate (in thousandths, as nginx) and when it was last updated,
// packed into one 64-bit word that a request updates with compare-and-swap — so a client gets
// its rate once in total, however many workers serve it.
#include <cstdint>
#include <string>
#include <string_view>

#include "yoke/core/clock.h"
#include "yoke/limits/keyed_slots.h"

namespace yoke::limits {

// What one limit_req directive allows beyond the zone's rate.
struct RateRule {
  std::uint64_t burst_milli = 0;  // burst × 1000
  // Excess (× 1000) up to which a request is not delayed: `nodelay` = burst, `delay=N` = N.
  std::uint64_t no_delay_milli = 0;
};

struct RateVerdict {
  bool accepted = false;
  Milliseconds delay{0};  // how long an accepted request waits before it is served
};

class RateZone {
 public:
  // Largest burst a rule may have: the excess is kept in kExcessBits bits of thousandths.
  static constexpr std::uint64_t kMaxBurst = 60000;

  // rate_milli: requests per second × 1000 (nginx: `rate=1r/m` is 16).
  RateZone(std::string name, std::size_t bytes, std::uint64_t rate_milli, TimePoint epoch);

  // Counts one request of `key` at now against rule.
  RateVerdict take(std::string_view key, TimePoint now, const RateRule& rule);

  const std::string& name() const { return name_; }
  std::uint64_t rate_milli() const { return rate_milli_; }
  std::size_t capacity() const { return slots_.slots(); }

 private:
  static constexpr int kExcessBits = 26;
  static constexpr std::uint64_t kExcessMask = (std::uint64_t{1} << kExcessBits) - 1;

  static std::uint64_t pack(std::uint64_t millis, std::uint64_t excess) {
    return (millis << kExcessBits) | excess;
  }
  std::uint64_t millis(TimePoint now) const;

  std::string name_;
  std::uint64_t rate_milli_;
  TimePoint epoch_;
  KeyedSlots slots_;
};

}  // namespace yoke::limits
