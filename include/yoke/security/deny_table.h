#pragma once
// The runtime deny list as the workers see it (docs/security.md, "Runtime deny list"): an
// immutable table of IPv4 and IPv6 prefixes, built off the hot path by the admin thread
// (admin/denylist_store.h) and handed to every worker, which looks the client's address up at
// accept time. Longest prefix wins, so a /32 inside a /24 is the entry that gets the hit.
// Built on any thread; find() from any number of threads at once (it only reads, and a hit
// count is a relaxed atomic add).
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "yoke/core/clock.h"
#include "yoke/security/ip_prefix.h"

namespace yoke::security {

struct DenyEntry {
  IpPrefix prefix;  // kIpv4 or kIpv6 only (the constructor drops anything else)
  // Steady-clock end; TimePoint::max() = no expiry. An expired entry no longer matches, even
  // before the admin thread's timer has rebuilt the table without it.
  TimePoint expires = TimePoint::max();
  // Connections and requests it refused, shared with the admin thread's entry so the count
  // outlives table rebuilds; may be null (counting is then skipped).
  std::shared_ptr<std::atomic<std::uint64_t>> hits;
};

class DenyTable {
 public:
  explicit DenyTable(std::vector<DenyEntry> entries);

  // The most specific unexpired entry holding address, or null. No allocation, no lock: one
  // binary search per distinct prefix length present for the address's family, longest first
  // (the prefix-length hash of Waldvogel et al., "Scalable High Speed IP Routing Lookups",
  // SIGCOMM 1997, with sorted arrays instead of hash tables; few lengths in practice).
  const DenyEntry* find(const ClientAddress& address, TimePoint now) const;
  std::size_t size() const { return entries_.size(); }

 private:
  // Entries of one family and one prefix length: a run of entries_, sorted by network.
  struct Level {
    IpPrefix::Kind kind;
    std::uint8_t bits;
    std::uint32_t begin;
    std::uint32_t end;
  };
  std::vector<DenyEntry> entries_;  // sorted by family, bits (longest first), network
  std::vector<Level> levels_;       // in entries_ order
};

}  // namespace yoke::security
