#pragma once
// Drawing usable hosts at random in proportion to their weights, as nginx's random module does
// (ngx_http_upstream_get_random_peer / _random2_peer): an unusable or repeated draw is drawn
// again, 20 times at most; if that finds nothing, the first usable host from a random starting
// point is taken (nginx falls back to round robin there). Used by `random` and by `ewma`'s two
// choices.
#include <cstddef>
#include <cstdint>

#include "balancing/support/group_positions.h"
#include "balancing/support/weighted_positions.h"
#include "yoke/balancing/policy.h"
#include "yoke/balancing/random.h"

namespace yoke::balancing {

struct Draws {
  static constexpr std::size_t kNone = SIZE_MAX;
  std::size_t first = kNone;   // kNone: nothing usable
  std::size_t second = kNone;  // kNone: only one was wanted or found
};

class RandomDraws {
 public:
  static constexpr int kTries = 20;  // nginx: `if (++rp->tries > 20)`

  RandomDraws(const std::vector<const Host*>& group, std::uint64_t seed)
      : positions_(group), ranges_(group), random_(seed) {}

  // One (wanted == 1) or two distinct (wanted == 2) usable positions.
  Draws draw(int wanted, const Eligibility& eligibility) {
    Draws draws;
    if (positions_.size() == 0) return draws;
    for (int tries = 0; tries < kTries; ++tries) {
      const std::size_t drawn = ranges_.at(random_.below(ranges_.total()));
      if (drawn == draws.first || !eligibility.eligible(positions_.host(drawn))) continue;
      if (draws.first == Draws::kNone) {
        draws.first = drawn;
        if (wanted == 1) return draws;
      } else {
        draws.second = drawn;
        return draws;
      }
    }
    if (draws.first == Draws::kNone) draws.first = scan_from_random_start(eligibility);
    return draws;
  }

  const GroupPositions& positions() const { return positions_; }

 private:
  std::size_t scan_from_random_start(const Eligibility& eligibility) {
    const std::size_t start = random_.below(positions_.size());
    for (std::size_t step = 0; step < positions_.size(); ++step) {
      const std::size_t position = (start + step) % positions_.size();
      if (eligibility.eligible(positions_.host(position))) return position;
    }
    return Draws::kNone;
  }

  GroupPositions positions_;
  WeightedPositions ranges_;
  PolicyRandom random_;
};

}  // namespace yoke::balancing
