#pragma once
// "host[:port]" and "[ipv6][:port]" as written in listen, upstream server and proxy_pass.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/build.h"
#include "yoke/core/socket_address.h"

namespace yoke::config {

struct HostPort {
  std::string host;        // without the brackets of an IPv6 literal
  bool bracketed = false;  // written as "[...]"
  std::optional<std::uint16_t> port;
};

// Splits text; false when malformed (empty host, bad brackets, port not 0..65535).
bool split_host_port(std::string_view text, HostPort& out);

// "host:port", or "[host]:port" for a bracketed host.
std::string join_host_port(const HostPort& address, std::uint16_t port);

// The address itself when numeric, otherwise what the resolver returns (nothing when
// options forbid resolving). Empty on failure, with the reason in error.
std::vector<SocketAddress> resolve_host(const HostPort& address, std::uint16_t port,
                                        const BuildOptions& options, std::string& error);

}  // namespace yoke::config
