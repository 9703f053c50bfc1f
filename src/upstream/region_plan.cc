// Region orders per client region (region_plan.h).
#include "yoke/upstream/region_plan.h"

namespace yoke::upstream {

RegionPlan::RegionPlan(const balancing::HostSet& hosts)
    : host_regions_(hosts.hosts.size(), kNoRegion) {
  for (const balancing::Host& host : hosts.hosts) {
    if (host.backup || host.region.empty()) continue;
    std::uint16_t region = find(host.region);
    if (region == kNoRegion) {
      region = static_cast<std::uint16_t>(regions_.size());
      regions_.push_back(host.region);
    }
    host_regions_[host.index] = region;
  }
  std::vector<std::uint16_t> appearance;
  for (std::size_t i = 0; i < regions_.size(); ++i)
    appearance.push_back(static_cast<std::uint16_t>(i));
  for (std::size_t i = 0; i < regions_.size(); ++i) {
    std::vector<std::uint16_t> order{static_cast<std::uint16_t>(i)};
    for (std::uint16_t other : appearance) {
      if (other != i) order.push_back(other);
    }
    own_first_.push_back(std::move(order));
  }
  fallback_ = appearance;
  for (const balancing::RegionOrder& line : hosts.resilience.regions.orders) {
    std::vector<std::uint16_t> order;
    for (const std::string& name : line.regions) {
      // The loader checked every name; a region without hosts (resolution gave none) is skipped.
      if (const std::uint16_t region = find(name); region != kNoRegion) order.push_back(region);
    }
    if (line.client_region == "default") {
      fallback_ = order;
    } else {
      lines_.emplace_back(line.client_region, std::move(order));
    }
  }
}

std::uint16_t RegionPlan::find(std::string_view region) const {
  for (std::size_t i = 0; i < regions_.size(); ++i) {
    if (regions_[i] == region) return static_cast<std::uint16_t>(i);
  }
  return kNoRegion;
}

std::span<const std::uint16_t> RegionPlan::order_for(std::string_view client_region) const {
  for (const auto& [name, order] : lines_) {
    if (name == client_region) return order;
  }
  if (const std::uint16_t region = find(client_region); region != kNoRegion) {
    return own_first_[region];
  }
  return fallback_;
}

}  // namespace yoke::upstream
