// The runtime deny list's lookup table (deny_table.h). Entries are grouped by family and
// prefix length, longest first; a lookup masks the address once per group and binary-searches
// the group's sorted networks, so the first hit is the longest match.
#include "yoke/security/deny_table.h"

#include <algorithm>
#include <tuple>

namespace yoke::security {
namespace {

bool is_network(const IpPrefix& prefix) {
  return prefix.kind == IpPrefix::Kind::kIpv4 || prefix.kind == IpPrefix::Kind::kIpv6;
}

// Table order: family, then longer prefixes first, then the network.
bool before(const DenyEntry& a, const DenyEntry& b) {
  return std::make_tuple(a.prefix.kind, -static_cast<int>(a.prefix.bits), a.prefix.high,
                         a.prefix.low) < std::make_tuple(b.prefix.kind,
                                                         -static_cast<int>(b.prefix.bits),
                                                         b.prefix.high, b.prefix.low);
}

}  // namespace

DenyTable::DenyTable(std::vector<DenyEntry> entries) {
  std::erase_if(entries, [](const DenyEntry& entry) { return !is_network(entry.prefix); });
  std::sort(entries.begin(), entries.end(), before);
  entries_ = std::move(entries);
  for (std::uint32_t i = 0; i < entries_.size(); ++i) {
    const IpPrefix& prefix = entries_[i].prefix;
    if (levels_.empty() || levels_.back().kind != prefix.kind ||
        levels_.back().bits != prefix.bits) {
      levels_.push_back(Level{prefix.kind, prefix.bits, i, i});
    }
    levels_.back().end = i + 1;
  }
}

const DenyEntry* DenyTable::find(const ClientAddress& address, TimePoint now) const {
  for (const Level& level : levels_) {
    if (level.kind != address.kind) continue;
    std::uint64_t mask_high = 0;
    std::uint64_t mask_low = 0;
    prefix_masks(level.bits, mask_high, mask_low);
    const std::uint64_t high = address.high & mask_high;
    const std::uint64_t low = address.low & mask_low;
    auto first = entries_.begin() + level.begin;
    auto last = entries_.begin() + level.end;
    auto found = std::lower_bound(
        first, last, std::make_pair(high, low), [](const DenyEntry& entry, const auto& network) {
          return std::make_pair(entry.prefix.high, entry.prefix.low) < network;
        });
    // The same network twice (the store never does it) is tolerated: any unexpired one counts.
    for (; found != last && found->prefix.high == high && found->prefix.low == low; ++found) {
      if (now < found->expires) return &*found;
    }
  }
  return nullptr;
}

}  // namespace yoke::security
