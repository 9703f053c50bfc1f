// region_policy nearest (docs/global.md): the client's region orders the upstream's regions,
// nearest first, and those regions share the traffic like priority levels (Envoy's priority
// load, load_spill.h): the nearest takes everything while at least region_spill's
// min_healthy_percent of its capacity is healthy, and below that its shortfall spills to the
// next regions in order, in proportion, coming back as health returns. Inside a region,
// zone_aware and the upstream's policy pick the host as usual.
#include "yoke/upstream/upstream_balancer.h"

namespace yoke::upstream {

using balancing::Host;

const Host* UpstreamBalancer::choose_by_region(const balancing::LbContext& context,
                                               const GroupEligibility& eligibility) {
  const std::span<const std::uint16_t> order = regions_.order_for(context.client_region);
  if (order.empty()) return nullptr;
  const std::span<Capacity> capacities = std::span(capacities_).first(order.size());
  const std::span<std::uint32_t> loads = std::span(loads_).first(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    capacities[i] = capacity_of(region_levels_[order[i]], context.now);
  }
  priority_loads(capacities, hosts_->resilience.regions.min_healthy_percent, loads);
  const std::size_t first = draw_level(loads);
  if (const Host* host = choose_in_level(context, region_levels_[order[first]], eligibility)) {
    return host;
  }
  // The drawn region had no eligible host for this request: the others, nearest first, so a
  // request fails only when no region of its order can take it.
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i == first) continue;
    if (const Host* host = choose_in_level(context, region_levels_[order[i]], eligibility)) {
      return host;
    }
  }
  return nullptr;
}

}  // namespace yoke::upstream
