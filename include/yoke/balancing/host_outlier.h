#pragma once
// The shared words of passive outlier ejection (docs/resilience.md, "Outlier ejection"), one set
// per host inside HostRuntime and one count per HostSet inside HostRuntimes.
//
// Unlike the other HostRuntime fields (one writer thread each), these are written by EVERY
// worker, because a failure streak must be counted across workers:
// - the consecutive-failure counters: fetch_add on a failure; a success stores 0 (only when
//   non-zero, so healthy traffic only reads a shared line). Failures and successes on different
//   workers have no order of their own; whichever order the cache line sees is one valid
//   interleaving of them, and a reset that lands just before or after a concurrent increment
//   is the same "streak broken / streak continued" a single thread could have seen;
// - the ejection word: changed only by compare-and-swap, so exactly one worker ejects (or
//   releases) a host for each streak;
// - the upstream's ejected-host count (HostRuntimes): reserved by CAS below the cap before a
//   host is marked, given back after its mark is cleared, so the cap holds at every instant.
// All relaxed: no other data is published through these words (a pick that sees an ejection
// a moment late is as valid as one made a moment earlier).
#include <atomic>
#include <cstdint>

#include "yoke/core/clock.h"

namespace yoke::balancing {

class HostOutlier {
 public:
  // The ejection word: bit 0 "held" (the host counts toward the upstream's ejected hosts),
  // bits 1-15 the ejection multiplier, bits 16-63 the end of the ejection in milliseconds of
  // the steady clock (48 bits: thousands of years).
  struct Ejection {
    bool held = false;
    std::uint32_t multiplier = 0;
    std::int64_t until_ms = 0;
  };
  static constexpr std::uint32_t kMaxMultiplier = 0x7fff;

  static std::uint64_t encode(const Ejection& ejection) {
    return (static_cast<std::uint64_t>(ejection.until_ms) << 16) |
           (static_cast<std::uint64_t>(ejection.multiplier & kMaxMultiplier) << 1) |
           (ejection.held ? 1U : 0U);
  }
  static Ejection decode(std::uint64_t word) {
    return Ejection{(word & 1) != 0, static_cast<std::uint32_t>((word >> 1) & kMaxMultiplier),
                    static_cast<std::int64_t>(word >> 16)};
  }
  static std::int64_t to_ms(TimePoint time) {
    return std::chrono::duration_cast<Milliseconds>(time.time_since_epoch()).count();
  }

  // Any thread: whether new requests must avoid the host now.
  bool ejected(TimePoint now) const {
    const Ejection ejection = decode(ejection_word.load(std::memory_order_relaxed));
    return ejection.held && ejection.until_ms > to_ms(now);
  }
  std::uint64_t ejections_total() const { return ejection_count.load(std::memory_order_relaxed); }

  // Written by workers through health::OutlierDetector only (the rules above).
  std::atomic<std::uint32_t> consecutive_5xx{0};
  std::atomic<std::uint32_t> consecutive_gateway{0};
  std::atomic<std::uint64_t> ejection_word{0};
  std::atomic<std::uint64_t> ejection_count{0};  // incremented by the worker that ejected
};

// Per HostSet: how many hosts hold an ejection now (see above).
struct UpstreamOutliers {
  std::atomic<std::uint32_t> ejected_hosts{0};
};

static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

}  // namespace yoke::balancing
