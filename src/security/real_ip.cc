// ngx_http_realip_module's address walk (ngx_http_get_forwarded_addr_internal) over one or
// more header fields, right to left.
#include "yoke/security/real_ip.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>

namespace yoke::security {
namespace {

bool parse_port(std::string_view text, std::uint16_t& port) {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// A numeric address (no port) into out; false when text is not one. The text is copied to a
// bounded stack buffer for inet_pton, which wants a terminated string.
bool parse_host(std::string_view text, std::uint16_t port, SocketAddress& out) {
  std::array<char, INET6_ADDRSTRLEN + 1> copy{};
  if (text.empty() || text.size() >= copy.size()) return false;
  text.copy(copy.data(), text.size());
  sockaddr_in v4{};
  if (inet_pton(AF_INET, copy.data(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    out = SocketAddress(reinterpret_cast<const sockaddr*>(&v4), sizeof v4);
    return true;
  }
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET6, copy.data(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    out = SocketAddress(reinterpret_cast<const sockaddr*>(&v6), sizeof v6);
    return true;
  }
  return false;
}

// The rightmost non-empty element of list (separators ',' and ' ', as nginx skips them), and
// what lies left of it.
bool take_last(std::string_view& list, std::string_view& element) {
  std::size_t end = list.size();
  while (end > 0 && (list[end - 1] == ' ' || list[end - 1] == ',')) --end;
  if (end == 0) return false;
  std::size_t start = end;
  while (start > 0 && list[start - 1] != ' ' && list[start - 1] != ',') --start;
  element = list.substr(start, end - start);
  list = list.substr(0, start);
  return true;
}

}  // namespace

bool parse_forwarded_element(std::string_view text, SocketAddress& out) {
  if (parse_host(text, 0, out)) return true;
  std::uint16_t port = 0;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && (rest[0] != ':' || !parse_port(rest.substr(1), port))) return false;
    return parse_host(text.substr(1, close - 1), port, out);
  }
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || !parse_port(text.substr(colon + 1), port)) return false;
  const std::string_view host = text.substr(0, colon);
  if (host.find(':') != std::string_view::npos) return false;  // bare IPv6 with a port is ambiguous
  return parse_host(host, port, out);
}

bool forwarded_address(const SocketAddress& peer, std::span<const std::string_view> fields,
                       const std::vector<IpPrefix>& trusted, bool recursive, SocketAddress& out) {
  if (!any_matches(trusted, ClientAddress::of(peer.get()))) return false;
  bool found = false;
  for (std::size_t f = fields.size(); f-- > 0;) {
    std::string_view list = fields[f];
    std::string_view element;
    while (take_last(list, element)) {
      SocketAddress parsed;
      if (!parse_forwarded_element(element, parsed)) return found;
      out = parsed;
      found = true;
      if (!recursive || !any_matches(trusted, ClientAddress::of(out.get()))) return true;
    }
  }
  return found;
}

}  // namespace yoke::security
