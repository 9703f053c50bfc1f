#include "yoke/observe/histogram_quantile.h"

#include <algorithm>

namespace yoke::observe {

std::optional<double> estimate_quantile(double q, std::span<const std::int64_t> bounds,
                                        std::span<const std::uint64_t> buckets) {
  std::uint64_t count = 0;
  for (std::uint64_t bucket : buckets) count += bucket;
  if (count == 0 || bounds.empty()) return std::nullopt;
  q = std::clamp(q, 0.0, 1.0);
  const double rank = q * static_cast<double>(count);
  std::uint64_t below = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const double through = static_cast<double>(below + buckets[i]);
    if (buckets[i] > 0 && through >= rank) {
      if (i >= bounds.size()) return static_cast<double>(bounds.back());
      const double lower = i == 0 ? 0.0 : static_cast<double>(bounds[i - 1]);
      const double upper = static_cast<double>(bounds[i]);
      const double inside = (rank - static_cast<double>(below)) / static_cast<double>(buckets[i]);
      return lower + (upper - lower) * inside;
    }
    below += buckets[i];
  }
  return static_cast<double>(bounds.back());
}

}  // namespace yoke::observe
