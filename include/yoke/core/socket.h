#pragma once
// Thin, error-code-returning wrappers over the socket calls the workers make.
#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <string>

#include "yoke/core/socket_address.h"

namespace yoke {

// Result of a non-blocking read or write.
struct IoResult {
  enum class Kind { kDone, kWouldBlock, kClosed, kError } kind = Kind::kDone;
  std::size_t bytes = 0;  // kDone: bytes transferred
  int error = 0;          // kError: errno
  // kDone: a short read does not mean the source is empty (TLS: an end or error follows the
  // bytes returned, to be reported by the next read). Always false for plain sockets.
  bool more = false;
};

// Whether a successful read of a stream socket emptied it, so that the next read, which could
// only return EAGAIN, can be skipped: with edge-triggered epoll, bytes arriving later bring a new
// event. A read that filled all of `room` may have left bytes behind. Once the peer has hung up
// (EPOLLRDHUP) no further event will come, so reading goes on until EOF. nginx makes the same
// decision in ngx_unix_recv() (rev->ready = 0 on a short read when EPOLLRDHUP is available).
inline bool drained(const IoResult& result, std::size_t room, bool hung_up) {
  return !hung_up && !result.more && result.bytes < room;
}

// A non-blocking listening socket on address with SO_REUSEADDR and, when reuseport,
// SO_REUSEPORT (one listener per worker; the kernel spreads connections). Returns the fd, or -1
// with error describing what failed (e.g. "bind 127.0.0.1:80: Address already in use").
// freebind: IP_FREEBIND (ip(7)), so that the bind succeeds for an address this host does not
// hold yet, such as a keepalived virtual IP on the backup node (docs/cluster.md).
int open_listener(const SocketAddress& address, bool reuseport, int backlog, std::string& error,
                  bool freebind = false);

// Starts a non-blocking connect. Returns the fd (connection in progress or done), or -1 with
// errno set.
int start_connect(const SocketAddress& address);
// The pending error of a socket after a connect completed (0 = connected).
int socket_error(int fd);

IoResult read_some(int fd, char* into, std::size_t capacity);
IoResult write_some(int fd, const iovec* parts, int count);
void close_fd(int fd);

}  // namespace yoke
