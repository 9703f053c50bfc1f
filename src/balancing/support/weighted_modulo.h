#pragma once
// The peer choice of nginx's hash and ip_hash modules (ngx_http_upstream_get_hash_peer,
// ngx_http_upstream_get_ip_hash_peer): `w = hash % total_weight` picks the host whose weight run
// holds w; when that host cannot be used, the key is hashed again and again, at most 20 times.
// nginx then falls back to round robin; here a scan onward from the last candidate takes over
// instead, so the answer stays a function of the key and of which hosts are usable.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "balancing/support/rehash.h"
#include "balancing/support/weighted_positions.h"
#include "yoke/balancing/policy.h"

namespace yoke::balancing {

class WeightedModulo {
 public:
  static constexpr int kTries = 20;  // nginx: `if (++hp->tries > 20)`

  explicit WeightedModulo(const std::vector<const Host*>& group) : group_(group), runs_(group) {}

  const Host* pick(std::uint64_t key, const Eligibility& eligibility) const {
    if (group_.empty()) return nullptr;
    std::size_t position = 0;
    for (int k = 0; k < kTries; ++k) {
      const std::uint64_t hash = k == 0 ? key : rehash(key, static_cast<std::uint64_t>(k));
      position = runs_.at(hash % runs_.total());
      if (eligibility.eligible(*group_[position])) return group_[position];
    }
    for (std::size_t step = 1; step < group_.size(); ++step) {
      const Host* host = group_[(position + step) % group_.size()];
      if (eligibility.eligible(*host)) return host;
    }
    return nullptr;
  }

 private:
  std::vector<const Host*> group_;
  WeightedPositions runs_;
};

}  // namespace yoke::balancing
