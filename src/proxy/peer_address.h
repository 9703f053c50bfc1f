#pragma once
// A client's address in 28 bytes instead of SocketAddress's 132: every idle connection keeps
// one, so its size is part of the memory an idle keep-alive connection costs.
#include <netinet/in.h>
#include <sys/socket.h>

#include "yoke/core/socket_address.h"

namespace yoke::proxy {

class PeerAddress {
 public:
  PeerAddress() = default;
  // IPv4 and IPv6 addresses are kept whole. A unix-domain peer keeps only its family: clients
  // of a unix listener almost never bind their socket, so accept(2) reports no path anyway.
  explicit PeerAddress(const SocketAddress& address);

  SocketAddress expand() const;
  int family() const { return storage_.any.sa_family; }

 private:
  union Storage {
    sockaddr any;
    sockaddr_in v4;
    sockaddr_in6 v6;
  };
  Storage storage_{};
};

}  // namespace yoke::proxy
