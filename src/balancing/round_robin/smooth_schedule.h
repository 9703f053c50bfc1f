#pragma once
// One period of nginx's smooth weighted round robin, precomputed. From the all-zero state, with
// every peer usable and at full weight, nginx's sequence repeats every W = Σ weights picks, each
// peer appearing exactly its weight times (so every current_weight is back at zero after W
// picks). Walking this table is that same sequence at O(1) a pick instead of a pass over every
// peer. Built once per upstream snapshot on the main thread and shared read-only by the
// workers' policies (SharedPolicyState).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "yoke/balancing/policy.h"

namespace yoke::balancing {

class SmoothSchedule final : public SharedPolicyState {
 public:
  // Groups up to this size are always scanned (a scan is as cheap as a table there, and it
  // keeps nginx's exact order when peers are skipped).
  static constexpr std::size_t kScanUpTo = 32;
  // Building costs W × N steps and W × 4 bytes: beyond these the policy scans instead.
  static constexpr std::uint64_t kMaxPeriod = std::uint64_t{1} << 20;
  static constexpr std::uint64_t kMaxBuildSteps = 40'000'000;

  // The schedule for group, or nullptr where the policy should scan.
  static std::shared_ptr<const SmoothSchedule> build(const std::vector<const Host*>& group);

  std::size_t period() const { return sequence_.size(); }
  std::uint32_t at(std::size_t step) const { return sequence_[step]; }

 private:
  std::vector<std::uint32_t> sequence_;  // group positions, one period
};

}  // namespace yoke::balancing
