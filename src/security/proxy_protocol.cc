// PROXY protocol v1 and v2 (HAProxy's proxy-protocol.txt, §2.1 and §2.2).
#include "yoke/security/proxy_protocol.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstring>
#include <string>

namespace yoke::security {
namespace {

using Status = ProxyHeader::Status;

constexpr std::string_view kV1Prefix = "PROXY ";
// §2.2: "\r\n\r\n\0\r\nQUIT\n", chosen so that no valid v1 or HTTP stream starts with it.
constexpr std::array<unsigned char, 12> kV2Signature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                                        0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
constexpr std::size_t kV2FixedSize = 16;

ProxyHeader invalid(std::string_view reason) {
  ProxyHeader header;
  header.status = Status::kInvalid;
  header.reason = reason;
  return header;
}

// Whether bytes could still become `full` (a prefix of it, or it whole).
bool could_start(std::string_view bytes, std::string_view full) {
  const std::size_t n = std::min(bytes.size(), full.size());
  return bytes.substr(0, n) == full.substr(0, n);
}

// A v1 port: 0-65535, digits only, no leading zero (§2.1: "leading zeroes are not permitted").
bool parse_port(std::string_view text, std::uint16_t& port) {
  if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0')) return false;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

bool parse_v1_address(std::string_view text, int family, std::uint16_t port, SocketAddress& out) {
  // inet_pton itself refuses a v4 address with leading zeros and other non-canonical forms.
  const std::string copy(text);
  if (family == AF_INET) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    if (inet_pton(AF_INET, copy.c_str(), &v4.sin_addr) != 1) return false;
    out = SocketAddress(reinterpret_cast<const sockaddr*>(&v4), sizeof v4);
    return true;
  }
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(port);
  if (inet_pton(AF_INET6, copy.c_str(), &v6.sin6_addr) != 1) return false;
  out = SocketAddress(reinterpret_cast<const sockaddr*>(&v6), sizeof v6);
  return true;
}

// Splits "a b c d" on single spaces into exactly four non-empty words.
bool split_four(std::string_view text, std::array<std::string_view, 4>& words) {
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t space = text.find(' ');
    if (i < 3 && space == std::string_view::npos) return false;
    if (i == 3 && space != std::string_view::npos) return false;
    words[i] = text.substr(0, space);
    if (words[i].empty()) return false;
    if (i < 3) text.remove_prefix(space + 1);
  }
  return true;
}

ProxyHeader parse_v1(std::string_view bytes) {
  const std::size_t lf = bytes.substr(0, kMaxProxyV1).find('\n');
  if (lf == std::string_view::npos) {
    if (bytes.size() >= kMaxProxyV1) return invalid("PROXY v1 line longer than 107 bytes");
    return {};
  }
  if (lf == 0 || bytes[lf - 1] != '\r') return invalid("PROXY v1 line not ended by CRLF");
  std::string_view line = bytes.substr(kV1Prefix.size(), lf - 1 - kV1Prefix.size());
  ProxyHeader header;
  header.status = Status::kComplete;
  header.size = lf + 1;
  // §2.1: after UNKNOWN the receiver ignores the rest of the line and keeps the real addresses.
  if (line == "UNKNOWN" || line.starts_with("UNKNOWN ")) return header;
  int family = 0;
  if (line.starts_with("TCP4 ")) family = AF_INET;
  if (line.starts_with("TCP6 ")) family = AF_INET6;
  if (family == 0) return invalid("PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN");
  std::array<std::string_view, 4> words;
  if (!split_four(line.substr(5), words)) return invalid("PROXY v1 line is malformed");
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  if (!parse_port(words[2], source_port) || !parse_port(words[3], destination_port)) {
    return invalid("PROXY v1 port is invalid");
  }
  if (!parse_v1_address(words[0], family, source_port, header.source) ||
      !parse_v1_address(words[1], family, destination_port, header.destination)) {
    return invalid("PROXY v1 address is invalid");
  }
  header.has_addresses = true;
  return header;
}

std::uint16_t load_be16(const unsigned char* bytes) {
  return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

void read_v2_inet(const unsigned char* block, ProxyHeader& header) {
  sockaddr_in source{};
  sockaddr_in destination{};
  source.sin_family = destination.sin_family = AF_INET;
  std::memcpy(&source.sin_addr, block, 4);
  std::memcpy(&destination.sin_addr, block + 4, 4);
  std::memcpy(&source.sin_port, block + 8, 2);  // both in network order already
  std::memcpy(&destination.sin_port, block + 10, 2);
  header.source = SocketAddress(reinterpret_cast<const sockaddr*>(&source), sizeof source);
  header.destination =
      SocketAddress(reinterpret_cast<const sockaddr*>(&destination), sizeof destination);
}

void read_v2_inet6(const unsigned char* block, ProxyHeader& header) {
  sockaddr_in6 source{};
  sockaddr_in6 destination{};
  source.sin6_family = destination.sin6_family = AF_INET6;
  std::memcpy(&source.sin6_addr, block, 16);
  std::memcpy(&destination.sin6_addr, block + 16, 16);
  std::memcpy(&source.sin6_port, block + 32, 2);
  std::memcpy(&destination.sin6_port, block + 34, 2);
  header.source = SocketAddress(reinterpret_cast<const sockaddr*>(&source), sizeof source);
  header.destination =
      SocketAddress(reinterpret_cast<const sockaddr*>(&destination), sizeof destination);
}

ProxyHeader parse_v2(std::string_view bytes) {
  if (bytes.size() < kV2FixedSize) return {};
  const auto* raw = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned version = raw[12] >> 4;
  const unsigned command = raw[12] & 0x0F;
  const unsigned family = raw[13] >> 4;
  const unsigned transport = raw[13] & 0x0F;
  const std::size_t length = load_be16(raw + 14);
  if (version != 2) return invalid("PROXY v2 version is not 2");
  if (command > 1) return invalid("PROXY v2 command is neither LOCAL nor PROXY");
  if (family > 3 || transport > 2) return invalid("PROXY v2 family or transport is unknown");
  if (kV2FixedSize + length > kMaxProxyHeader) return invalid("PROXY v2 header too long");
  // §2.2: INET needs 12 bytes of addresses, INET6 36, UNIX 216; TLVs may follow.
  static constexpr std::size_t kBlockSize[] = {0, 12, 36, 216};
  if (length < kBlockSize[family]) return invalid("PROXY v2 address block too short");
  if (bytes.size() < kV2FixedSize + length) return {};
  ProxyHeader header;
  header.status = Status::kComplete;
  header.size = kV2FixedSize + length;
  // LOCAL (health checks of the sender itself) and unspecified or unix families: the
  // receiver keeps the connection's own addresses (§2.2).
  if (command == 0 || family == 0 || family == 3) return header;
  if (transport != 1) return invalid("PROXY v2 transport is not STREAM");
  if (family == 1) read_v2_inet(raw + kV2FixedSize, header);
  if (family == 2) read_v2_inet6(raw + kV2FixedSize, header);
  header.has_addresses = true;
  return header;
}

}  // namespace

ProxyHeader parse_proxy_header(std::string_view bytes) {
  const std::string_view signature(reinterpret_cast<const char*>(kV2Signature.data()),
                                   kV2Signature.size());
  if (bytes.size() >= signature.size() && bytes.starts_with(signature)) return parse_v2(bytes);
  if (bytes.size() >= kV1Prefix.size() && bytes.starts_with(kV1Prefix)) return parse_v1(bytes);
  if (could_start(bytes, signature) || could_start(bytes, kV1Prefix)) return {};
  return invalid("no PROXY protocol header");
}

}  // namespace yoke::security
