#pragma once
// Quantiles estimated from bucket counts the way Prometheus' histogram_quantile() does
// (prometheus/promql/quantile.go): find the bucket the rank falls in and interpolate linearly
// inside it, taking 0 as the lower bound of the first bucket; a rank in the +Inf bucket gives
// the highest finite bound. The admin API, the dashboard and `yoke top` use it on lifetime
// counts and on the difference of two snapshots (the last second's requests).
#include <cstdint>
#include <optional>
#include <span>

namespace yoke::observe {

// q in [0, 1]; bounds ascending upper bounds (any unit: the result is in that unit); buckets
// non-cumulative, one per bound plus +Inf. Empty when the buckets hold no observation.
std::optional<double> estimate_quantile(double q, std::span<const std::int64_t> bounds,
                                        std::span<const std::uint64_t> buckets);

}  // namespace yoke::observe
