#pragma once
// Client address prefixes for allow / deny (ngx_http_access_module) and set_real_ip_from
// (ngx_http_realip_module): an IPv4 or IPv6 network in CIDR form, one address, `all`, or
// `unix:`. Parsed once at config load; matching is a few integer compares, no allocation.
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yoke::security {

struct IpPrefix {
  enum class Kind : std::uint8_t { kAll, kIpv4, kIpv6, kUnix };
  Kind kind = Kind::kAll;
  std::uint8_t bits = 0;  // prefix length: 0-32 (IPv4) or 0-128 (IPv6)
  // The network, host bits zero, most significant first; IPv4 in the top 32 bits of high.
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  // "all", "unix:", "10.0.0.0/8", "10.1.2.3", "2001:db8::/32", "::1". Returns false with
  // error set ("low address bits of 10.0.0.1/8 are meaningless", "invalid address") otherwise.
  static bool parse(std::string_view text, IpPrefix& out, std::string& error);
  // The text parse() reads back ("10.0.0.0/8", "all", "unix:").
  std::string to_string() const;
};

// One address reduced to what prefixes compare: an IPv4-mapped IPv6 address
// (::ffff:10.0.0.1) counts as the IPv4 address, as nginx's access and realip modules treat it.
struct ClientAddress {
  IpPrefix::Kind kind = IpPrefix::Kind::kUnix;  // kUnix for anything not IPv4 or IPv6
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  static ClientAddress of(const sockaddr* address);
};

bool matches(const IpPrefix& prefix, const ClientAddress& address);

// The masks of a prefix of `bits` (0-128) over the 128-bit (high, low) pair; an IPv4 prefix
// sits in the top 32 bits, so the same masks serve both families.
void prefix_masks(int bits, std::uint64_t& high, std::uint64_t& low);

// An ordered list of (prefix, allow) rules, evaluated first match wins (nginx's allow/deny).
// Built at load; matched on worker threads without allocation.
class AccessList {
 public:
  struct Rule {
    IpPrefix prefix;
    bool allow = false;
  };
  enum class Verdict : std::uint8_t { kAllow, kDeny, kNoMatch };

  AccessList() = default;
  explicit AccessList(std::vector<Rule> rules) : rules_(std::move(rules)) {}

  bool empty() const { return rules_.empty(); }
  Verdict check(const ClientAddress& address) const;

 private:
  std::vector<Rule> rules_;
};

// Whether any prefix holds address (set_real_ip_from lists).
bool any_matches(const std::vector<IpPrefix>& prefixes, const ClientAddress& address);

}  // namespace yoke::security
