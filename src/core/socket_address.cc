// SocketAddress: a sockaddr_storage with its length, plus parsing and printing in the forms
// nginx uses in its configuration and logs ("1.2.3.4:80", "[::1]:80", "unix:/path").
#include "yoke/core/socket_address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstring>

namespace yoke {
namespace {

// Parses a decimal port 0..65535 with nothing after it.
bool parse_port(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [next, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || next != end || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

SocketAddress make_ipv4(const in_addr& host, std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr = host;
  addr.sin_port = htons(port);
  return SocketAddress(reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
}

SocketAddress make_ipv6(const in6_addr& host, std::uint16_t port) {
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = host;
  addr.sin6_port = htons(port);
  return SocketAddress(reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
}

bool parse_unix(std::string_view path, SocketAddress& out) {
  sockaddr_un addr{};
  // The path must fit with its terminating NUL (unix(7)).
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) return false;
  if (path.find('\0') != std::string_view::npos) return false;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  out = SocketAddress(reinterpret_cast<const sockaddr*>(&addr), length);
  return true;
}

bool parse_ip(std::string_view text, SocketAddress& out) {
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    in6_addr v6{};
    std::uint16_t port = 0;
    if (inet_pton(AF_INET6, host.c_str(), &v6) != 1 || !parse_port(port_text, port)) return false;
    out = make_ipv6(v6, port);
    return true;
  }
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  host = std::string(text.substr(0, colon));
  in_addr v4{};
  std::uint16_t port = 0;
  if (inet_pton(AF_INET, host.c_str(), &v4) != 1 || !parse_port(text.substr(colon + 1), port)) {
    return false;
  }
  out = make_ipv4(v4, port);
  return true;
}

}  // namespace

SocketAddress::SocketAddress(const sockaddr* addr, socklen_t length) {
  length_ = std::min<socklen_t>(length, sizeof(storage_));
  std::memcpy(&storage_, addr, length_);
}

bool SocketAddress::parse_numeric(std::string_view text, SocketAddress& out) {
  constexpr std::string_view kUnixPrefix = "unix:";
  if (text.substr(0, kUnixPrefix.size()) == kUnixPrefix) {
    return parse_unix(text.substr(kUnixPrefix.size()), out);
  }
  return parse_ip(text, out);
}

std::vector<SocketAddress> SocketAddress::resolve(std::string_view host, std::uint16_t port,
                                                  std::string& error) {
  std::string name(host);
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  // One entry per address rather than one per socket type.
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* results = nullptr;
  int status = getaddrinfo(name.c_str(), nullptr, &hints, &results);
  std::vector<SocketAddress> addresses;
  if (status != 0) {
    error = gai_strerror(status);
    return addresses;
  }
  for (const addrinfo* entry = results; entry != nullptr; entry = entry->ai_next) {
    if (entry->ai_family != AF_INET && entry->ai_family != AF_INET6) continue;
    SocketAddress address(entry->ai_addr, entry->ai_addrlen);
    address.set_port(port);
    if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
      addresses.push_back(address);
    }
  }
  freeaddrinfo(results);
  if (addresses.empty()) error = "no IPv4 or IPv6 address";
  return addresses;
}

std::uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  }
  return 0;
}

void SocketAddress::set_port(std::uint16_t port) {
  if (family() == AF_INET) reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
}

std::string SocketAddress::host_text() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    // Dotted decimal by hand: glibc's inet_ntop goes through sprintf (about 1,800
    // instructions), and $remote_addr is formatted for every logged request.
    const auto* addr = reinterpret_cast<const sockaddr_in*>(&storage_);
    const auto* octets = reinterpret_cast<const unsigned char*>(&addr->sin_addr.s_addr);
    char* out = buffer;
    for (int i = 0; i < 4; ++i) {
      unsigned value = octets[i];
      if (i > 0) *out++ = '.';
      if (value >= 100) *out++ = static_cast<char>('0' + value / 100);
      if (value >= 10) *out++ = static_cast<char>('0' + value / 10 % 10);
      *out++ = static_cast<char>('0' + value % 10);
    }
    return std::string(buffer, static_cast<std::size_t>(out - buffer));
  }
  if (family() == AF_INET6) {
    const auto* addr = reinterpret_cast<const sockaddr_in6*>(&storage_);
    inet_ntop(AF_INET6, &addr->sin6_addr, buffer, sizeof(buffer));
    return buffer;
  }
  if (family() == AF_UNIX && length_ > offsetof(sockaddr_un, sun_path)) {
    const auto* addr = reinterpret_cast<const sockaddr_un*>(&storage_);
    std::size_t max = length_ - offsetof(sockaddr_un, sun_path);
    return std::string(addr->sun_path, strnlen(addr->sun_path, max));
  }
  return "";
}

std::string SocketAddress::to_string() const {
  if (family() == AF_INET) return host_text() + ":" + std::to_string(port());
  if (family() == AF_INET6) return "[" + host_text() + "]:" + std::to_string(port());
  if (family() == AF_UNIX) return "unix:" + host_text();
  return "";
}

// Compares the fields that identify an endpoint, not padding bytes (sin_zero, flowinfo).
bool operator==(const SocketAddress& a, const SocketAddress& b) {
  if (a.family() != b.family()) return false;
  if (a.family() == AF_INET) {
    const auto* x = reinterpret_cast<const sockaddr_in*>(a.get());
    const auto* y = reinterpret_cast<const sockaddr_in*>(b.get());
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  if (a.family() == AF_INET6) {
    const auto* x = reinterpret_cast<const sockaddr_in6*>(a.get());
    const auto* y = reinterpret_cast<const sockaddr_in6*>(b.get());
    return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
           std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(in6_addr)) == 0;
  }
  return a.length() == b.length() && std::memcmp(a.get(), b.get(), a.length()) == 0;
}

}  // namespace yoke
