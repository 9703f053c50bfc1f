#pragma once
// The regions of an upstream with `region_policy nearest` and, per client region, the order in
// which they serve it (docs/global.md). Built once per worker balancer from the immutable
// HostSet; order_for() is a few string comparisons and never allocates.
//
// Which order a client region gets: its own `region_order` line; else, when it is itself the
// name of a region, that region first and the others in the order they first appear among the
// servers; else the `region_order default:` line; else every region in order of appearance.
// Regions a line does not list never serve those clients (so a line can keep a region's users
// in that region, e.g. for data residency).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "yoke/balancing/host_set.h"

namespace yoke::upstream {

class RegionPlan {
 public:
  static constexpr std::uint16_t kNoRegion = 0xffff;

  RegionPlan() = default;
  // Regions of hosts' primaries (backups have none), with hosts.resilience.regions' orders.
  explicit RegionPlan(const balancing::HostSet& hosts);

  std::size_t region_count() const { return regions_.size(); }
  const std::string& region_name(std::size_t region) const { return regions_[region]; }
  // host's region index, or kNoRegion for a backup.
  std::uint16_t region_of(const balancing::Host& host) const { return host_regions_[host.index]; }
  // Region indices, nearest first, for a client of client_region (empty: no region known).
  std::span<const std::uint16_t> order_for(std::string_view client_region) const;

 private:
  std::uint16_t find(std::string_view region) const;

  std::vector<std::string> regions_;
  std::vector<std::uint16_t> host_regions_;
  std::vector<std::pair<std::string, std::vector<std::uint16_t>>> lines_;
  std::vector<std::vector<std::uint16_t>> own_first_;  // per region: itself, then the others
  std::vector<std::uint16_t> fallback_;                // `default:` line, or every region
};

}  // namespace yoke::upstream
