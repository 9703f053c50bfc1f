#include "config/address_text.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "config/durations.h"

namespace yoke::config {
namespace {

bool parse_port(std::string_view text, std::optional<std::uint16_t>& port) {
  std::int64_t value = 0;
  if (parse_count(text, 65535, value) != ParseStatus::kOk) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

bool split_host_port(std::string_view text, HostPort& out) {
  out = HostPort{};
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return false;
    out.host = std::string(text.substr(1, close - 1));
    out.bracketed = true;
    rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
  } else {
    auto colon = text.find(':');
    out.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) rest = text.substr(colon);
  }
  if (out.host.empty()) return false;
  if (!out.bracketed && out.host.find_first_of("[]") != std::string::npos) return false;
  if (rest.empty()) return true;
  return parse_port(rest.substr(1), out.port);
}

std::string join_host_port(const HostPort& address, std::uint16_t port) {
  std::string host = address.bracketed ? "[" + address.host + "]" : address.host;
  return host + ":" + std::to_string(port);
}

std::vector<SocketAddress> resolve_host(const HostPort& address, std::uint16_t port,
                                        const BuildOptions& options, std::string& error) {
  SocketAddress numeric;
  if (SocketAddress::parse_numeric(join_host_port(address, port), numeric)) return {numeric};
  if (address.bracketed) {
    error = "not an IPv6 address";
    return {};
  }
  if (!options.resolve_hostnames) {
    error = "name resolution is disabled";
    return {};
  }
  return SocketAddress::resolve(address.host, port, error);
}

}  // namespace yoke::config
