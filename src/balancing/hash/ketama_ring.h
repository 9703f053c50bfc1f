#pragma once
// A ketama continuum (Richard Jones, last.fm, 2007; nginx's ngx_http_upstream_hash_module with
// `consistent`): every host puts 160 points per unit of weight on a ring of 64-bit hashes; a
// key belongs to the first point at or after its own hash. Removing a host moves only the keys
// of its own points; adding one takes keys only from the points it lands behind. Immutable once
// built, so one ring serves every worker (SharedPolicyState).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "yoke/balancing/policy.h"

namespace yoke::balancing {

class KetamaRing final : public SharedPolicyState {
 public:
  static constexpr std::size_t kPointsPerWeight = 160;  // nginx and libketama
  // Keeps the ring of an upstream with huge weights at 12 MiB: above this many points, every
  // host's count is scaled down in proportion (at least one point each).
  static constexpr std::size_t kMaxPoints = std::size_t{1} << 20;

  // Places each host by its identity (support/host_identity.h).
  static std::shared_ptr<const KetamaRing> build(const std::vector<const Host*>& group);

  std::size_t size() const { return hashes_.size(); }
  // The first point at or after key_hash, wrapping past the top of the ring. O(1): the hashes
  // are uniform, so a bucket index on their top bits leaves about one point to compare.
  std::size_t point_for(std::uint64_t key_hash) const {
    const std::size_t bucket = static_cast<std::size_t>(key_hash >> bucket_shift_);
    std::size_t point = bucket_starts_[bucket];
    const std::size_t end = bucket_starts_[bucket + 1];
    while (point < end && hashes_[point] < key_hash) ++point;
    return point == hashes_.size() ? 0 : point;
  }
  std::uint64_t hash(std::size_t point) const { return hashes_[point]; }
  // The group position of the host owning point.
  std::size_t owner(std::size_t point) const { return owners_[point]; }

 private:
  void index_buckets();

  std::vector<std::uint64_t> hashes_;  // sorted
  std::vector<std::uint32_t> owners_;  // parallel to hashes_
  // bucket_starts_[b]: the first point whose top bits (hash >> bucket_shift_) are >= b; one
  // bucket per point or so (a power of two), plus an end marker.
  std::vector<std::uint32_t> bucket_starts_;
  unsigned bucket_shift_ = 63;
};

}  // namespace yoke::balancing
