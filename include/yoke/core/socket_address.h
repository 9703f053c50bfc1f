#pragma once
// An IPv4, IPv6 or unix-domain socket address, copyable and comparable.
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yoke {

class SocketAddress {
 public:
  SocketAddress() = default;
  SocketAddress(const sockaddr* addr, socklen_t length);

  // Parses a numeric "1.2.3.4:80", "[::1]:80", "unix:/path" (no name resolution).
  // Returns false when text is not such an address.
  static bool parse_numeric(std::string_view text, SocketAddress& out);
  // Resolves "host[:port]" with the system resolver (getaddrinfo), returning every address.
  // Blocking: call only while loading configuration, never on a worker.
  // On failure returns an empty vector and fills error with the resolver's message.
  static std::vector<SocketAddress> resolve(std::string_view host, std::uint16_t port,
                                            std::string& error);

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* get_mutable() { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t length() const { return length_; }
  void set_length(socklen_t length) { length_ = length; }
  int family() const { return storage_.ss_family; }
  bool empty() const { return length_ == 0; }
  std::uint16_t port() const;
  void set_port(std::uint16_t port);
  // "1.2.3.4", "::1" or the unix path: the form $remote_addr shows.
  std::string host_text() const;
  // "1.2.3.4:80", "[::1]:80" or "unix:/path".
  std::string to_string() const;

  friend bool operator==(const SocketAddress& a, const SocketAddress& b);

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

}  // namespace yoke
