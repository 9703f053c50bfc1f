#include "balancing/round_robin/smooth_schedule.h"

#include <algorithm>

namespace yoke::balancing {

std::shared_ptr<const SmoothSchedule> SmoothSchedule::build(const std::vector<const Host*>& group) {
  if (group.size() <= kScanUpTo) return nullptr;
  std::uint64_t period = 0;
  for (const Host* host : group) period += static_cast<std::uint64_t>(std::max(host->weight, 1));
  if (period > kMaxPeriod || period * group.size() > kMaxBuildSteps) return nullptr;
  // ngx_http_upstream_get_peer with every peer usable: add each weight, the largest current
  // weight wins (the first on a tie), the winner gives back the total.
  auto schedule = std::make_shared<SmoothSchedule>();
  schedule->sequence_.reserve(period);
  std::vector<std::int64_t> current(group.size(), 0);
  const auto total = static_cast<std::int64_t>(period);
  for (std::uint64_t step = 0; step < period; ++step) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < group.size(); ++i) {
      current[i] += std::max(group[i]->weight, 1);
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    schedule->sequence_.push_back(static_cast<std::uint32_t>(best));
  }
  return schedule;
}

}  // namespace yoke::balancing
