#pragma once
// The k-th alternative of a key, for policies whose first choice for a key was unusable: a
// fixed function of (key, k), so every worker and every restart walks the same sequence.
// SplitMix64's finalizer (Steele et al., OOPSLA 2014) over key + k × the golden ratio: one
// multiply-xorshift chain, well mixed even for k = 1, 2, 3 …
#include <cstdint>

namespace yoke::balancing {

inline std::uint64_t rehash(std::uint64_t key, std::uint64_t k) {
  std::uint64_t z = key + k * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace yoke::balancing
