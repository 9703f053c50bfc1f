#pragma once
// The one hash function of the balancing code: keys of hashing policies (client address,
// header, cookie …) and the server names that place them. xxHash's XXH3 (Debian's
// libxxhash-dev, used header-only and inlined): fast on short keys, well mixed, and stable
// across versions and machines, so every node and every restart maps a key the same way.
#include <cstdint>
#include <string_view>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace yoke::balancing {

inline std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed = 0) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

}  // namespace yoke::balancing
