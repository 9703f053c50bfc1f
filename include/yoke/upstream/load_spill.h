#pragma once
// How much of an upstream's traffic each priority level and the local zone take
// (docs/resilience.md, "Zones and priority"). Pure arithmetic in basis points (1/10,000), so a
// worker computes it per pick without allocating, and tests check it exactly.
//
// Priority levels follow Envoy's priority load: a level's health is its healthy share of
// capacity times the overprovisioning factor (100 / min_healthy_percent; Envoy's default 1.4 is
// about 100 / 70), capped at 100 %; level 0 takes its health, level 1 the rest up to its own
// health, and so on; when the healths add up to less than 100 % they are scaled up to fill it
// (Envoy's "normalized total health"). So traffic leaves a level gradually as its hosts fail,
// not at a cliff.
//
// Zones follow the same idea inside a level (Envoy's zone-aware routing, reduced to what one
// balancer knows): the local zone keeps every request while its healthy share is at least
// min_healthy_percent, and below that keeps healthy_share / min_healthy_percent of them; the
// rest spills to the other zones of the level.
#include <cstdint>
#include <span>

namespace yoke::upstream {

inline constexpr std::uint32_t kAllLoad = 10000;  // basis points

// A group's capacity: weights (times the agent's percentage) of its healthy hosts and of all.
struct Capacity {
  std::int64_t healthy = 0;
  std::int64_t total = 0;
};

// The group's health in basis points: healthy / total × 100 / min_healthy_percent, at most
// kAllLoad; 0 for an empty group.
std::uint32_t scaled_health(const Capacity& capacity, int min_healthy_percent);

// Fills loads[i] (basis points, summing to kAllLoad) for levels[i], highest priority first.
// When no level has any health, level 0 takes everything (the caller then falls back in
// priority order, since nothing healthy is left to prefer).
void priority_loads(std::span<const Capacity> levels, int min_healthy_percent,
                    std::span<std::uint32_t> loads);

// The share of a level's requests kept in the local zone, in basis points; 0 when the level has
// no host in the local zone.
std::uint32_t local_zone_share(const Capacity& local, int min_healthy_percent);

}  // namespace yoke::upstream
