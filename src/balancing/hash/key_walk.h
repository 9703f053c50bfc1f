#pragma once
// Walking a key's candidate hosts (the ring onward from the key, or Maglev's fallback
// sequence): the first host that is eligible and has room under the load bound wins. When
// every eligible host along the walk is at its bound, the first eligible one takes the request
// anyway (a bound must not turn into a 502). Each host is judged once per pick, and the walk
// ends as soon as every host of the group has been judged, so a pick with nothing eligible
// costs about one visit per host, not one per ring point.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "balancing/hash/bounded_load.h"
#include "balancing/support/group_positions.h"
#include "yoke/balancing/policy.h"

namespace yoke::balancing {

// Which positions the current pick has judged: a generation stamp clears it in O(1).
class SeenPositions {
 public:
  explicit SeenPositions(std::size_t size) : stamps_(size, 0) {}

  void clear() {
    if (++stamp_ == 0) {
      std::fill(stamps_.begin(), stamps_.end(), 0);
      stamp_ = 1;
    }
    count_ = 0;
  }
  bool first_visit(std::size_t position) {
    if (stamps_[position] == stamp_) return false;
    stamps_[position] = stamp_;
    ++count_;
    return true;
  }
  bool all_seen() const { return count_ == stamps_.size(); }

 private:
  std::vector<std::uint32_t> stamps_;
  std::uint32_t stamp_ = 0;
  std::size_t count_ = 0;
};

// candidate(step) gives the step-th group position of the key's sequence.
template <typename Candidate>
const Host* walk_key(const GroupPositions& hosts, const Eligibility& eligibility,
                     const BoundedLoad& load, SeenPositions& seen, std::size_t max_steps,
                     Candidate&& candidate) {
  constexpr std::size_t kNone = SIZE_MAX;
  std::size_t first_eligible = kNone;
  seen.clear();
  for (std::size_t step = 0; step < max_steps && !seen.all_seen(); ++step) {
    const std::size_t position = candidate(step);
    if (!seen.first_visit(position) || !eligibility.eligible(hosts.host(position))) continue;
    if (load.has_room(position)) return &hosts.host(position);
    if (first_eligible == kNone) first_eligible = position;
  }
  return first_eligible == kNone ? nullptr : &hosts.host(first_eligible);
}

// What the key-walking policies (consistent, maglev) share: the group's positions, the load
// bound fed by the feedback hooks, and the per-pick visit marks.
class KeyWalkPolicy : public Policy {
 public:
  KeyWalkPolicy(const std::vector<const Host*>& group, double balance_factor)
      : hosts_(group), load_(group, balance_factor), seen_(group.size()) {}

  void on_request_start(const Host& host, TimePoint /*now*/) override {
    const std::size_t position = hosts_.find(host);
    if (position != GroupPositions::kNotInGroup) load_.start(position);
  }

  void on_request_end(const Host& host, const AttemptOutcome& /*outcome*/) override {
    const std::size_t position = hosts_.find(host);
    if (position != GroupPositions::kNotInGroup) load_.end(position);
  }

 protected:
  template <typename Candidate>
  const Host* walk(const Eligibility& eligibility, std::size_t max_steps, Candidate&& candidate) {
    return walk_key(hosts_, eligibility, load_, seen_, max_steps,
                    std::forward<Candidate>(candidate));
  }

 private:
  GroupPositions hosts_;
  BoundedLoad load_;
  SeenPositions seen_;
};

}  // namespace yoke::balancing
