#pragma once
// The client address behind trusted proxies, as ngx_http_realip_module finds it
// (ngx_http_get_forwarded_addr): when the connection's peer is trusted (set_real_ip_from), the
// rightmost address of the header (X-Real-IP, X-Forwarded-For, or any field) replaces it; with
// real_ip_recursive on, the walk goes on leftwards while the address just taken is trusted
// too, and stops at the first untrusted one (the client as the last trusted proxy saw it).
// Empty list elements are skipped; an element that is not an address stops the walk and
// keeps the last address found. Worker thread; no allocation.
#include <span>
#include <string_view>
#include <vector>

#include "yoke/core/socket_address.h"
#include "yoke/security/ip_prefix.h"

namespace yoke::security {

// "10.0.0.1", "10.0.0.1:8080", "2001:db8::1", "[2001:db8::1]:443" (nginx's ngx_parse_addr_port).
bool parse_forwarded_element(std::string_view text, SocketAddress& out);

// fields: the header's values in the order they came (several X-Forwarded-For fields read as one
// list). Returns true and sets `out` when the address changes.
bool forwarded_address(const SocketAddress& peer, std::span<const std::string_view> fields,
                       const std::vector<IpPrefix>& trusted, bool recursive, SocketAddress& out);

}  // namespace yoke::security
