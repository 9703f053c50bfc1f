// CIDR parsing and matching for allow / deny and set_real_ip_from (nginx's ngx_ptocidr and
// ngx_cidr_match; RFC 4632 §3.1 for the prefix notation, RFC 4291 §2.5.5.2 for IPv4-mapped
// IPv6 addresses).
#include "yoke/security/ip_prefix.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <charconv>
#include <cstring>

namespace yoke::security {
namespace {

std::uint64_t load_be64(const unsigned char* bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | bytes[i];
  return value;
}

// The top `bits` bits of a 64-bit word set (bits 0 to 64).
std::uint64_t top_mask(int bits) {
  if (bits <= 0) return 0;
  if (bits >= 64) return ~std::uint64_t{0};
  return ~std::uint64_t{0} << (64 - bits);
}

bool parse_address(std::string_view text, IpPrefix& out) {
  std::string copy(text);
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, copy.c_str(), bytes.data()) == 1) {
    out.kind = IpPrefix::Kind::kIpv4;
    out.high = static_cast<std::uint64_t>(load_be64(bytes.data()) >> 32) << 32;
    out.low = 0;
    out.bits = 32;
    return true;
  }
  if (inet_pton(AF_INET6, copy.c_str(), bytes.data()) == 1) {
    out.kind = IpPrefix::Kind::kIpv6;
    out.high = load_be64(bytes.data());
    out.low = load_be64(bytes.data() + 8);
    out.bits = 128;
    return true;
  }
  return false;
}

}  // namespace

void prefix_masks(int bits, std::uint64_t& high, std::uint64_t& low) {
  high = top_mask(bits);
  low = top_mask(bits - 64);
}

bool IpPrefix::parse(std::string_view text, IpPrefix& out, std::string& error) {
  out = IpPrefix{};
  if (text == "all") return true;
  if (text == "unix:") {
    out.kind = Kind::kUnix;
    return true;
  }
  const std::size_t slash = text.find('/');
  if (!parse_address(text.substr(0, slash), out)) {
    error = "invalid address";
    return false;
  }
  if (slash == std::string_view::npos) return true;
  const std::string_view digits = text.substr(slash + 1);
  unsigned bits = 0;
  const auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
  const unsigned most = out.kind == Kind::kIpv4 ? 32 : 128;
  if (digits.empty() || status != std::errc() || end != digits.data() + digits.size() ||
      bits > most) {
    error = "invalid prefix length, expected 0 to " + std::to_string(most);
    return false;
  }
  out.bits = static_cast<std::uint8_t>(bits);
  std::uint64_t mask_high = 0;
  std::uint64_t mask_low = 0;
  prefix_masks(static_cast<int>(bits), mask_high, mask_low);  // IPv4 sits in the top 32 bits
  if ((out.high & ~mask_high) != 0 || (out.low & ~mask_low) != 0) {
    // nginx only warns and masks; Yoke refuses: "10.0.0.1/8" usually means a typo.
    error = "low address bits of " + std::string(text) + " are meaningless";
    return false;
  }
  return true;
}

std::string IpPrefix::to_string() const {
  switch (kind) {
    case Kind::kAll:
      return "all";
    case Kind::kUnix:
      return "unix:";
    case Kind::kIpv4: {
      in_addr address{};
      address.s_addr = htonl(static_cast<std::uint32_t>(high >> 32));
      char text[INET_ADDRSTRLEN] = {};
      inet_ntop(AF_INET, &address, text, sizeof text);
      return std::string(text) + "/" + std::to_string(bits);
    }
    case Kind::kIpv6: {
      std::array<unsigned char, 16> bytes{};
      for (int i = 0; i < 8; ++i) {
        bytes[i] = static_cast<unsigned char>(high >> (56 - 8 * i));
        bytes[8 + i] = static_cast<unsigned char>(low >> (56 - 8 * i));
      }
      char text[INET6_ADDRSTRLEN] = {};
      inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
      return std::string(text) + "/" + std::to_string(bits);
    }
  }
  return {};
}

ClientAddress ClientAddress::of(const sockaddr* address) {
  ClientAddress result;
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    result.kind = IpPrefix::Kind::kIpv4;
    result.high = static_cast<std::uint64_t>(ntohl(v4->sin_addr.s_addr)) << 32;
  } else if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    const auto* bytes = reinterpret_cast<const unsigned char*>(&v6->sin6_addr);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      result.kind = IpPrefix::Kind::kIpv4;
      result.high = (load_be64(bytes + 8) & 0xffffffffULL) << 32;
    } else {
      result.kind = IpPrefix::Kind::kIpv6;
      result.high = load_be64(bytes);
      result.low = load_be64(bytes + 8);
    }
  }
  return result;
}

bool matches(const IpPrefix& prefix, const ClientAddress& address) {
  if (prefix.kind == IpPrefix::Kind::kAll) return true;
  if (prefix.kind != address.kind) return false;
  if (prefix.kind == IpPrefix::Kind::kUnix) return true;
  std::uint64_t mask_high = 0;
  std::uint64_t mask_low = 0;
  prefix_masks(prefix.bits, mask_high, mask_low);
  return (address.high & mask_high) == prefix.high && (address.low & mask_low) == prefix.low;
}

AccessList::Verdict AccessList::check(const ClientAddress& address) const {
  for (const Rule& rule : rules_) {
    if (matches(rule.prefix, address)) return rule.allow ? Verdict::kAllow : Verdict::kDeny;
  }
  return Verdict::kNoMatch;
}

bool any_matches(const std::vector<IpPrefix>& prefixes, const ClientAddress& address) {
  for (const IpPrefix& prefix : prefixes) {
    if (matches(prefix, address)) return true;
  }
  return false;
}

}  // namespace yoke::security
