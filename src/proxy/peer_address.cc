#include "peer_address.h"

#include <cstring>

namespace yoke::proxy {

PeerAddress::PeerAddress(const SocketAddress& address) {
  switch (address.family()) {
    case AF_INET:
      std::memcpy(&storage_.v4, address.get(), sizeof storage_.v4);
      break;
    case AF_INET6:
      std::memcpy(&storage_.v6, address.get(), sizeof storage_.v6);
      break;
    default:
      storage_.any.sa_family = static_cast<sa_family_t>(address.family());
      break;
  }
}

SocketAddress PeerAddress::expand() const {
  switch (storage_.any.sa_family) {
    case AF_INET:
      return {&storage_.any, sizeof storage_.v4};
    case AF_INET6:
      return {&storage_.any, sizeof storage_.v6};
    default:
      return {&storage_.any, sizeof(sa_family_t)};
  }
}

}  // namespace yoke::proxy
