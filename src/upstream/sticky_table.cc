// Cookie values of `sticky cookie` and their lookup (include/yoke/upstream/sticky_table.h).
#include "yoke/upstream/sticky_table.h"

#include <algorithm>
#include <bit>

#include "yoke/balancing/hash.h"

namespace yoke::upstream {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// The value of one hex digit, or -1.
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Exactly kValueLength hex digits → identifier; false for anything else.
bool parse_value(std::string_view value, std::uint64_t& identifier) {
  if (value.size() == StickyTable::kValueLength + 2 && value.front() == '"' &&
      value.back() == '"') {
    value = value.substr(1, StickyTable::kValueLength);
  }
  if (value.size() != StickyTable::kValueLength) return false;
  std::uint64_t result = 0;
  for (char c : value) {
    int digit = hex_digit(c);
    if (digit < 0) return false;
    result = (result << 4) | static_cast<std::uint64_t>(digit);
  }
  identifier = result;
  return true;
}

}  // namespace

std::uint64_t StickyTable::identifier(const balancing::Host& host) {
  return balancing::hash_bytes(host.address.to_string());
}

StickyTable::StickyTable(const balancing::HostSet& hosts) : values_(hosts.hosts.size()) {
  // At most half full: a miss (a stale or forged cookie) ends within a couple of probes.
  std::size_t size = std::bit_ceil(std::max<std::size_t>(2 * hosts.hosts.size(), 2));
  slots_.resize(size);
  mask_ = size - 1;
  for (const balancing::Host& host : hosts.hosts) {
    const std::uint64_t id = identifier(host);
    for (std::size_t digit = 0; digit < kValueLength; ++digit) {
      values_[host.index][digit] = kHexDigits[(id >> (60 - 4 * digit)) & 0xf];
    }
    std::size_t slot = id & mask_;
    while (slots_[slot].host != nullptr && slots_[slot].identifier != id) {
      slot = (slot + 1) & mask_;
    }
    if (slots_[slot].host == nullptr) slots_[slot] = Slot{id, &host};  // else: first one wins
  }
}

const balancing::Host* StickyTable::find(std::string_view value) const {
  std::uint64_t id = 0;
  if (!parse_value(value, id)) return nullptr;
  for (std::size_t slot = id & mask_;; slot = (slot + 1) & mask_) {
    const Slot& entry = slots_[slot];
    if (entry.host == nullptr) return nullptr;
    if (entry.identifier == id) return entry.host;
  }
}

}  // namespace yoke::upstream
