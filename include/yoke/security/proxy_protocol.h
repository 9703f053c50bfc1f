#pragma once
// The PROXY protocol header a load balancer in front of Yoke sends before the client's bytes
// (HAProxy's proxy-protocol.txt: version 1, text, §2.1; version 2, binary, §2.2). Pure: bytes
// in, verdict out, no I/O; the connection peeks at the socket and consumes exactly `size`
// bytes once the header is complete, so no byte of the request is read early.
//
// Strict: anything the specification does not allow is kInvalid (a v1 line over 107 bytes,
// a field not separated by exactly one space, ports with leading zeros or above 65535, an
// address of the wrong family, a v2 command other than LOCAL or PROXY, a v2 address block
// shorter than its family needs, a datagram transport), and so is a v2 header longer than
// kMaxHeader (Yoke's bound: TLVs are skipped, not kept).
#include <cstddef>
#include <string_view>

#include "yoke/core/socket_address.h"

namespace yoke::security {

struct ProxyHeader {
  enum class Status : unsigned char {
    kIncomplete,  // a valid beginning: read more (within client_header_timeout)
    kComplete,
    kInvalid,
  };
  Status status = Status::kIncomplete;
  std::size_t size = 0;  // kComplete: the header's bytes, to consume
  // kComplete: true when the header names the client (v1 TCP4/TCP6, v2 PROXY over INET or
  // INET6). False for v1 UNKNOWN and v2 LOCAL or unspecified/unix families: the connection's
  // own addresses stand (as the specification requires).
  bool has_addresses = false;
  SocketAddress source;       // the client
  SocketAddress destination;  // the address the client connected to
  std::string_view reason;    // kInvalid: what was wrong (a literal)
};

// Version 1's longest line, CRLF included (§2.1), and Yoke's bound on a version 2 header.
inline constexpr std::size_t kMaxProxyV1 = 107;
inline constexpr std::size_t kMaxProxyHeader = 4096;

// bytes: everything received so far (the header may be incomplete).
ProxyHeader parse_proxy_header(std::string_view bytes);

}  // namespace yoke::security
