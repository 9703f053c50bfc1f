#pragma once
// The cookie values of `sticky cookie` (session affinity): one stable identifier per host of a
// HostSet, and the lookup from a value a client sent back to the host it names. Built once per
// HostSet on the main thread and shared read-only by every worker (immutable, no locks).
//
// A host's value is the XXH3 hash (yoke/balancing/hash.h) of its address as text
// ("10.0.0.1:8080", "[2001:db8::1]:80", "unix:/run/app.sock") in 16 lowercase hex digits. It
// depends on nothing but the address, so every worker, every restart and every Yoke node with
// the same servers gives the same value, and the address is not shown in clear (nginx Plus
// uses the MD5 of IP:port for the same purpose). Like nginx's, it hides the address from a
// casual look, not from someone who hashes candidate addresses until one matches.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "yoke/balancing/host_set.h"

namespace yoke::upstream {

class StickyTable {
 public:
  static constexpr std::size_t kValueLength = 16;

  // Computes every host's value and the lookup table. Main thread; hosts must outlive it (the
  // snapshot holding both keeps the HostSet).
  explicit StickyTable(const balancing::HostSet& hosts);

  // The host whose value is `value` (16 hex digits of either case, optionally in double quotes
  // as RFC 6265 §4.1.1 allows), or nullptr for an unknown or malformed value. When two hosts
  // share an address (a server listed twice), the first one. One hash-table probe, no
  // allocation; any thread.
  const balancing::Host* find(std::string_view value) const;

  // The value of host, a member of the HostSet the table was built from.
  std::string_view value_of(const balancing::Host& host) const {
    return {values_[host.index].data(), kValueLength};
  }

  // The 64-bit identifier behind a host's value (what the hex digits spell), for tests.
  static std::uint64_t identifier(const balancing::Host& host);

 private:
  struct Slot {
    std::uint64_t identifier = 0;
    const balancing::Host* host = nullptr;  // nullptr: empty
  };

  std::vector<std::array<char, kValueLength>> values_;  // by host index
  // Open addressing with linear probing, at most half full. The identifiers are hashes
  // already, so their low bits pick the slot.
  std::vector<Slot> slots_;
  std::uint64_t mask_ = 0;
};

}  // namespace yoke::upstream
