#pragma once
// Finds a host's position in a policy's group in O(1), so feedback hooks (which get a Host)
// reach the policy's per-host state without a search.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "yoke/balancing/host_set.h"

namespace yoke::balancing {

class GroupPositions {
 public:
  static constexpr std::size_t kNotInGroup = SIZE_MAX;

  explicit GroupPositions(const std::vector<const Host*>& group) : group_(group) {
    for (std::size_t position = 0; position < group.size(); ++position) {
      const std::size_t index = group[position]->index;
      if (index >= by_index_.size()) by_index_.resize(index + 1, kNotInGroup);
      by_index_[index] = position;
    }
  }

  // host's position in the group, or kNotInGroup (a host of another group or HostSet).
  std::size_t find(const Host& host) const {
    if (host.index >= by_index_.size()) return kNotInGroup;
    const std::size_t position = by_index_[host.index];
    return position != kNotInGroup && group_[position] == &host ? position : kNotInGroup;
  }

  std::size_t size() const { return group_.size(); }
  const Host& host(std::size_t position) const { return *group_[position]; }
  const std::vector<const Host*>& group() const { return group_; }

 private:
  std::vector<const Host*> group_;
  std::vector<std::size_t> by_index_;  // HostSet index -> position
};

}  // namespace yoke::balancing
