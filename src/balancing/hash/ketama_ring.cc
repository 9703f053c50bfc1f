#include "balancing/hash/ketama_ring.h"

#include <algorithm>
#include <string>
#include <utility>

#include "balancing/support/host_identity.h"
#include "yoke/balancing/hash.h"

namespace yoke::balancing {
namespace {

std::vector<std::size_t> point_counts(const std::vector<const Host*>& group) {
  std::size_t total = 0;
  for (const Host* host : group) {
    total += KetamaRing::kPointsPerWeight * static_cast<std::size_t>(std::max(host->weight, 1));
  }
  std::vector<std::size_t> counts;
  counts.reserve(group.size());
  for (const Host* host : group) {
    const std::size_t wanted =
        KetamaRing::kPointsPerWeight * static_cast<std::size_t>(std::max(host->weight, 1));
    counts.push_back(total <= KetamaRing::kMaxPoints
                         ? wanted
                         : std::max<std::size_t>(1, wanted * KetamaRing::kMaxPoints / total));
  }
  return counts;
}

}  // namespace

std::shared_ptr<const KetamaRing> KetamaRing::build(const std::vector<const Host*>& group) {
  const std::vector<std::string> identities = host_identities(group);
  const std::vector<std::size_t> counts = point_counts(group);
  std::vector<std::pair<std::uint64_t, std::uint32_t>> points;
  for (std::size_t position = 0; position < group.size(); ++position) {
    // libketama hashes "name-j" with MD5; point j of a host is its identity hashed with seed j,
    // the same on every machine and restart.
    for (std::size_t j = 0; j < counts[position]; ++j) {
      points.emplace_back(hash_bytes(identities[position], j),
                          static_cast<std::uint32_t>(position));
    }
  }
  // Ties (two equal 64-bit hashes) are ordered by position so the ring never depends on sort
  // stability.
  std::sort(points.begin(), points.end());
  auto ring = std::make_shared<KetamaRing>();
  ring->hashes_.reserve(points.size());
  ring->owners_.reserve(points.size());
  for (const auto& [hash, owner] : points) {
    ring->hashes_.push_back(hash);
    ring->owners_.push_back(owner);
  }
  return ring;
}

std::size_t KetamaRing::point_for(std::uint64_t key_hash) const {
  const auto found = std::lower_bound(hashes_.begin(), hashes_.end(), key_hash);
  return found == hashes_.end() ? 0 : static_cast<std::size_t>(found - hashes_.begin());
}

}  // namespace yoke::balancing
