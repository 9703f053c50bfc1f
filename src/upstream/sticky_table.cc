// Cookie values of `sticky cookie` and their lookup (include/yoke/upstream/sticky_table.h).
#include "yoke/upstream/sticky_table.h"

#include <algorithm>
#include <array>
#include <bit>

#include "yoke/balancing/hash.h"

namespace yoke::upstream {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Hex digit values by byte, 0xff for anything else: one load per character of the value.
constexpr std::array<std::uint8_t, 256> kHexValues = [] {
  std::array<std::uint8_t, 256> table{};
  table.fill(0xff);
  for (int i = 0; i < 10; ++i) table['0' + i] = static_cast<std::uint8_t>(i);
  for (int i = 0; i < 6; ++i) {
    table['a' + i] = static_cast<std::uint8_t>(10 + i);
    table['A' + i] = static_cast<std::uint8_t>(10 + i);
  }
  return table;
}();

// Exactly kValueLength hex digits (optionally in double quotes) → identifier; false for
// anything else.
bool parse_value(std::string_view value, std::uint64_t& identifier) {
  if (value.size() == StickyTable::kValueLength + 2 && value.front() == '"' &&
      value.back() == '"') {
    value = value.substr(1, StickyTable::kValueLength);
  }
  if (value.size() != StickyTable::kValueLength) return false;
  std::uint64_t result = 0;
  std::uint8_t invalid = 0;
  for (char c : value) {
    const std::uint8_t digit = kHexValues[static_cast<unsigned char>(c)];
    invalid |= digit;
    result = (result << 4) | (digit & 0xf);
  }
  identifier = result;
  return (invalid & 0xf0) == 0;  // only a non-digit has high bits set
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
