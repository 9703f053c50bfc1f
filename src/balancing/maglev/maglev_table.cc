#include "maglev_table.h"

#include <algorithm>
#include <limits>

#include "yoke/balancing/hash.h"

namespace yoke::balancing {
namespace {

constexpr std::uint16_t kFree = std::numeric_limits<std::uint16_t>::max();
// Seeds of the two hashes that place a server's permutation (any fixed pair will do; they
// only have to differ so that offset and skip are independent).
constexpr std::uint64_t kOffsetSeed = 0x6d61676c65762d6fULL;
constexpr std::uint64_t kSkipSeed = 0x6d61676c65762d73ULL;

// Where one server is in its walk over the slots: permutation[j] = (offset + j * skip) mod M.
struct Walk {
  std::size_t next;
  std::size_t skip;
  double credit = 0;  // turns earned by weight and not yet used
  double share;       // weight / largest weight: turns earned per round
};

}  // namespace

std::size_t next_prime(std::size_t n) {
  auto is_prime = [](std::size_t value) {
    if (value < 4) return value >= 2;
    if (value % 2 == 0) return false;
    for (std::size_t divisor = 3; divisor * divisor <= value; divisor += 2) {
      if (value % divisor == 0) return false;
    }
    return true;
  };
  while (!is_prime(n)) ++n;
  return n;
}

std::size_t maglev_table_size(std::size_t servers, std::size_t min_size) {
  std::size_t needed = MaglevTable::kSlotsPerServer * servers;
  if (min_size >= needed) return next_prime(min_size);
  std::size_t size = MaglevTable::kDefaultMinSize;
  while (size < needed) size = next_prime(2 * size);
  return size;
}

MaglevTable MaglevTable::build(std::span<const MaglevServer> servers, std::size_t min_size) {
  MaglevTable table;
  if (servers.empty() || servers.size() > kMaxServers) return table;
  const std::size_t size = maglev_table_size(servers.size(), min_size);
  int heaviest = 1;
  for (const MaglevServer& server : servers) heaviest = std::max(heaviest, server.weight);
  std::vector<Walk> walks;
  walks.reserve(servers.size());
  for (const MaglevServer& server : servers) {
    walks.push_back({hash_bytes(server.name, kOffsetSeed) % size,
                     hash_bytes(server.name, kSkipSeed) % (size - 1) + 1, 0,
                     static_cast<double>(std::max(server.weight, 1)) / heaviest});
  }
  table.slots_.assign(size, kFree);
  // The paper's population loop, with weights as turn frequencies: each round a server earns
  // weight/heaviest of a turn and claims one slot per whole turn it holds.
  std::size_t filled = 0;
  while (filled < size) {
    for (std::size_t i = 0; i < walks.size() && filled < size; ++i) {
      Walk& walk = walks[i];
      walk.credit += walk.share;
      while (walk.credit >= 1.0 && filled < size) {
        walk.credit -= 1.0;
        while (table.slots_[walk.next] != kFree) {
          walk.next += walk.skip;
          if (walk.next >= size) walk.next -= size;
        }
        table.slots_[walk.next] = static_cast<std::uint16_t>(i);
        ++filled;
      }
    }
  }
  return table;
}

}  // namespace yoke::balancing
