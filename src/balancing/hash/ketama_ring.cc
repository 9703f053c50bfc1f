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
  ring->index_buckets();
  return ring;
}

void KetamaRing::index_buckets() {
  unsigned bits = 1;
  while (bits < 32 && (std::size_t{1} << (bits + 1)) <= hashes_.size()) ++bits;
  bucket_shift_ = 64 - bits;
  const std::size_t buckets = std::size_t{1} << bits;
  bucket_starts_.assign(buckets + 1, static_cast<std::uint32_t>(hashes_.size()));
  std::size_t point = 0;
  for (std::size_t bucket = 0; bucket < buckets; ++bucket) {
    while (point < hashes_.size() && (hashes_[point] >> bucket_shift_) < bucket) ++point;
    bucket_starts_[bucket] = static_cast<std::uint32_t>(point);
  }
}

}  // namespace yoke::balancing
