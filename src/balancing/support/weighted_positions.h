#pragma once
// Maps a number in [0, total weight) to a group position, each position owning a run as long
// as its weight: prefix sums and a binary search, as nginx's random module does with its
// "ranges" (ngx_http_upstream_peek_random_peer) and as nginx's hash and ip_hash modules do with
// a linear walk over `w = hash % total_weight`. Built once; lookups allocate nothing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "yoke/balancing/host_set.h"

namespace yoke::balancing {

class WeightedPositions {
 public:
  explicit WeightedPositions(const std::vector<const Host*>& group) {
    ends_.reserve(group.size());
    for (const Host* host : group) {
      total_ += static_cast<std::uint64_t>(std::max(host->weight, 1));
      ends_.push_back(total_);
    }
  }

  std::uint64_t total() const { return total_; }
  std::size_t size() const { return ends_.size(); }

  // The position whose run holds point (0 <= point < total()).
  std::size_t at(std::uint64_t point) const {
    return static_cast<std::size_t>(std::upper_bound(ends_.begin(), ends_.end(), point) -
                                    ends_.begin());
  }

 private:
  std::vector<std::uint64_t> ends_;  // ends_[i]: sum of the weights of positions 0..i
  std::uint64_t total_ = 0;
};

}  // namespace yoke::balancing
