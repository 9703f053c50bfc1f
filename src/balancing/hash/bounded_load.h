#pragma once
// Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, "Consistent
// Hashing with Bounded Loads", SODA 2018), as HAProxy applies it with hash-balance-factor
// (chash_server_is_eligible in src/lb_chash.c): a host may take the next request only while its
// requests in flight are below ceil(F × (all in flight + 1) × weight / total weight). A key then
// goes to the first host along its own sequence that has room, so a hot key spills over to the
// same next hosts every time instead of overloading its first one.
//
// In flight means this worker's requests to the group (each worker bounds its own share). The
// mean is taken over every host of the group, usable or not: when hosts are down the bound
// loosens rather than costing a pass over all hosts per pick.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "yoke/balancing/host_set.h"

namespace yoke::balancing {

class BoundedLoad {
 public:
  // factor 0: no bound (has_room() is always true; counts are still kept).
  BoundedLoad(const std::vector<const Host*>& group, double factor)
      : factor_(factor), in_flight_(group.size(), 0) {
    double total_weight = 0;
    for (const Host* host : group) total_weight += host->weight > 0 ? host->weight : 1;
    share_.reserve(group.size());
    for (const Host* host : group) {
      share_.push_back((host->weight > 0 ? host->weight : 1) / total_weight);
    }
  }

  bool has_room(std::size_t position) const {
    if (factor_ <= 0) return true;
    const double bound = std::ceil(factor_ * static_cast<double>(total_ + 1) * share_[position]);
    return static_cast<double>(in_flight_[position]) < bound;
  }

  void start(std::size_t position) {
    ++in_flight_[position];
    ++total_;
  }

  void end(std::size_t position) {
    if (in_flight_[position] == 0) return;
    --in_flight_[position];
    --total_;
  }

  std::int64_t in_flight(std::size_t position) const { return in_flight_[position]; }
  std::int64_t total() const { return total_; }

 private:
  double factor_;
  std::vector<std::int64_t> in_flight_;
  std::vector<double> share_;  // weight / total weight
  std::int64_t total_ = 0;
};

}  // namespace yoke::balancing
