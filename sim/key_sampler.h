#pragma once
// Hash keys of requests (LbContext::hash_key): K client keys, uniform or Zipf-distributed. Each
// key is the string "client-<k>" hashed with balancing::hash_bytes, as the proxy hashes
// $remote_addr or a header, so hashing policies see realistic key bits.
#include <cstdint>
#include <vector>

#include "random.h"
#include "scenario.h"

namespace yoke::sim {

class KeySampler {
 public:
  explicit KeySampler(const KeySpec& spec);
  bool enabled() const { return !hashes_.empty(); }
  std::uint64_t sample(Random& random) const;

 private:
  std::vector<std::uint64_t> hashes_;
  // Zipf: cumulative probabilities of keys 1..K, searched by inversion; empty when uniform.
  std::vector<double> cumulative_;
};

}  // namespace yoke::sim
