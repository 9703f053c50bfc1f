#pragma once
// The last results of one host's active health check, for the admin API's stats and the
// dashboard (nginx Plus shows the same as "health checks: last passed / fails / unhealthy").
// One 64-bit word per host so that a reader sees a consistent history in one load: the low
// 8 bits count the results kept (up to kCapacity), the upper 56 bits hold them, newest in
// bit 8, 1 = passed. The checker thread is the one writer (relaxed load + store, as in
// observe/metric_cells.h); the admin thread reads.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace yoke::health {

class CheckHistory {
 public:
  static constexpr std::size_t kCapacity = 56;

  struct Recent {
    std::size_t count = 0;          // results kept, at most kCapacity
    std::uint64_t passed_bits = 0;  // bit i = result i checks ago (0 = newest), 1 = passed
    bool passed(std::size_t ago) const { return ((passed_bits >> ago) & 1U) != 0; }
  };

  // Checker thread only.
  void record(bool passed) {
    const std::uint64_t word = word_.load(std::memory_order_relaxed);
    std::uint64_t count = word & 0xffU;
    if (count < kCapacity) ++count;
    const std::uint64_t results = ((word >> 8) << 1) | (passed ? 1U : 0U);
    word_.store((results << 8) | count, std::memory_order_relaxed);
    // Two monotonic counters rather than a total and the failures, so that each one a reader
    // sees only ever grows (a total minus failures read a moment apart could step back).
    std::atomic<std::uint64_t>& counter = passed ? passed_ : failed_;
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  // Any thread.
  Recent recent() const {
    const std::uint64_t word = word_.load(std::memory_order_relaxed);
    return Recent{static_cast<std::size_t>(word & 0xffU), word >> 8};
  }
  // Every check since start (the history keeps only the last kCapacity).
  std::uint64_t checks() const { return passed() + failed(); }
  std::uint64_t passed() const { return passed_.load(std::memory_order_relaxed); }
  std::uint64_t failed() const { return failed_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> word_{0};
  std::atomic<std::uint64_t> passed_{0};
  std::atomic<std::uint64_t> failed_{0};
};

// The histories of every host of every upstream of one routing snapshot, indexed like
// RouteTable::upstreams() and HostSet::hosts. Sized once; never resized, so references stay
// valid. Shared by the Checker (writer) and the admin endpoints (readers).
class CheckHistories {
 public:
  explicit CheckHistories(const std::vector<std::size_t>& hosts_per_upstream) {
    for (std::size_t count : hosts_per_upstream) {
      upstreams_.push_back(std::make_unique<CheckHistory[]>(count));
      sizes_.push_back(count);
    }
  }
  // Null when upstream or host is out of range.
  CheckHistory* find(std::size_t upstream, std::size_t host) {
    return upstream < sizes_.size() && host < sizes_[upstream] ? &upstreams_[upstream][host]
                                                               : nullptr;
  }
  const CheckHistory* find(std::size_t upstream, std::size_t host) const {
    return upstream < sizes_.size() && host < sizes_[upstream] ? &upstreams_[upstream][host]
                                                               : nullptr;
  }

 private:
  std::vector<std::unique_ptr<CheckHistory[]>> upstreams_;
  std::vector<std::size_t> sizes_;
};

}  // namespace yoke::health
