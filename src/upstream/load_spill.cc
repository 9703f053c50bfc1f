// Envoy's priority load and zone-local share in basis points (load_spill.h).
#include "yoke/upstream/load_spill.h"

#include <algorithm>

namespace yoke::upstream {

std::uint32_t scaled_health(const Capacity& capacity, int min_healthy_percent) {
  if (capacity.total <= 0 || min_healthy_percent <= 0) return 0;
  // healthy/total × 100/min_healthy_percent, in basis points.
  const std::int64_t health = capacity.healthy * kAllLoad * 100 /
                              (capacity.total * static_cast<std::int64_t>(min_healthy_percent));
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(health, 0, kAllLoad));
}

void priority_loads(std::span<const Capacity> levels, int min_healthy_percent,
                    std::span<std::uint32_t> loads) {
  std::uint64_t total_health = 0;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    loads[i] = scaled_health(levels[i], min_healthy_percent);
    total_health += loads[i];
  }
  if (levels.empty()) return;
  if (total_health == 0) {
    std::fill(loads.begin(), loads.end(), 0);
    loads[0] = kAllLoad;
    return;
  }
  // Normalized total health: scale up when the levels cannot fill 100 % between them.
  const std::uint64_t normalizer = std::min<std::uint64_t>(total_health, kAllLoad);
  std::uint32_t remaining = kAllLoad;
  std::size_t first_healthy = levels.size();
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (loads[i] > 0 && first_healthy == levels.size()) first_healthy = i;
    const auto wanted = static_cast<std::uint32_t>(std::uint64_t{loads[i]} * kAllLoad / normalizer);
    loads[i] = std::min(remaining, wanted);
    remaining -= loads[i];
  }
  loads[first_healthy] += remaining;  // rounding leftovers go to the first level that serves
}

std::uint32_t local_zone_share(const Capacity& local, int min_healthy_percent) {
  return scaled_health(local, min_healthy_percent);
}

}  // namespace yoke::upstream
