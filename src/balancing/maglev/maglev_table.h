#pragma once
// Maglev's consistent-hashing lookup table (Eisenbud et al., "Maglev: A Fast and Reliable
// Software Network Load Balancer", NSDI 2016, §3.4). Each server walks its own permutation of
// the table's slots (offset and skip derived from its name) and the servers take turns claiming
// their next free slot until every slot is owned. Results: every server owns ⌊M/N⌋ or ⌈M/N⌉
// slots (scaled by weight), a lookup is one modulo and one load, and removing one of N servers
// moves little more than its own 1/N of the keys.
// The table is immutable once built, so one instance can be shared by every worker.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace yoke::balancing {

struct MaglevServer {
  std::string_view name;  // a stable identity, e.g. "10.0.0.1:8080": it decides the permutation
  int weight = 1;         // 1..; a server of weight w claims w turns to a weight-1 server's one
};

class MaglevTable {
 public:
  // The paper's default size: a prime, so that every skip is coprime with it.
  static constexpr std::size_t kDefaultMinSize = 65537;
  // At least this many slots per server keeps disruption close to the 1/N minimum (§5.3).
  static constexpr std::size_t kSlotsPerServer = 100;
  // Slots hold 16-bit server indexes, one value of which marks a free slot.
  static constexpr std::size_t kMaxServers = 65534;

  // Builds the table for servers. Its size is min_size when that holds kSlotsPerServer slots
  // per server, else the smallest of a fixed ladder of primes (65537, 131101, 262217, …, each
  // the next prime after twice the last) that does: the size must not follow every change in
  // the number of servers, or adding or removing one would remap every key. An empty list, or
  // more than kMaxServers, gives an empty table (the configuration rejects such upstreams
  // before they get here).
  static MaglevTable build(std::span<const MaglevServer> servers,
                           std::size_t min_size = kDefaultMinSize);

  bool empty() const { return slots_.empty(); }
  std::size_t size() const { return slots_.size(); }
  // The index (into the servers given to build()) that owns key_hash's slot.
  std::size_t lookup(std::uint64_t key_hash) const { return slots_[key_hash % slots_.size()]; }
  // Slot owner by slot number, for tests and statistics.
  std::size_t owner(std::size_t slot) const { return slots_[slot]; }

 private:
  std::vector<std::uint16_t> slots_;  // 2 bytes a slot: 128 KiB for the default size
};

// The smallest prime >= n (n >= 2), by trial division: table sizes are small enough.
std::size_t next_prime(std::size_t n);
// The table size build() uses for `servers` servers and a requested min_size.
std::size_t maglev_table_size(std::size_t servers, std::size_t min_size);

}  // namespace yoke::balancing
