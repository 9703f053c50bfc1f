#include "key_sampler.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "yoke/balancing/hash.h"

namespace yoke::sim {

KeySampler::KeySampler(const KeySpec& spec) {
  if (spec.kind == KeyKind::kNone) return;
  hashes_.reserve(spec.count);
  for (std::size_t k = 1; k <= spec.count; ++k) {
    hashes_.push_back(balancing::hash_bytes("client-" + std::to_string(k)));
  }
  if (spec.kind != KeyKind::kZipf) return;
  // Zipf's law: P(k) = k^-s / H(K, s) (the generalised harmonic number normalises).
  cumulative_.reserve(spec.count);
  double total = 0;
  for (std::size_t k = 1; k <= spec.count; ++k) {
    total += std::pow(static_cast<double>(k), -spec.exponent);
    cumulative_.push_back(total);
  }
  for (double& value : cumulative_) value /= total;
}

std::uint64_t KeySampler::sample(Random& random) const {
  if (cumulative_.empty()) return hashes_[random.below(hashes_.size())];
  const double u = random.uniform();
  const auto found = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  const auto index = static_cast<std::size_t>(found - cumulative_.begin());
  return hashes_[std::min(index, hashes_.size() - 1)];
}

}  // namespace yoke::sim
