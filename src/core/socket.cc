#include "yoke/core/socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace yoke {
namespace {

void set_option(int fd, int level, int name, int value) {
  setsockopt(fd, level, name, &value, sizeof value);
}

}  // namespace

int open_listener(const SocketAddress& address, bool reuseport, int backlog, std::string& error,
                  bool freebind) {
  int fd = socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = "socket " + address.to_string() + ": " + std::strerror(errno);
    return -1;
  }
  set_option(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  if (reuseport) set_option(fd, SOL_SOCKET, SO_REUSEPORT, 1);
  if (address.family() == AF_INET6) set_option(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
  // IP_FREEBIND at the IP level also applies to IPv6 sockets (Linux hands SOL_IP options of an
  // AF_INET6 socket to ip_setsockopt), so one option serves both families.
  int on = 1;
  if (freebind && setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &on, sizeof on) != 0) {
    error = "setsockopt(IP_FREEBIND) " + address.to_string() + ": " + std::strerror(errno);
    close(fd);
    return -1;
  }
  if (bind(fd, address.get(), address.length()) != 0 || listen(fd, backlog) != 0) {
    error = "bind " + address.to_string() + ": " + std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

int start_connect(const SocketAddress& address) {
  int fd = socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (address.family() != AF_UNIX) set_option(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  if (connect(fd, address.get(), address.length()) != 0 && errno != EINPROGRESS) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

int socket_error(int fd) {
  int error = 0;
  socklen_t length = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

// glibc's read() and sendmsg() are thread cancellation points: in a multi-threaded process each
// call brackets the system call with __pthread_enable/disable_asynccancel, about 3% of Yoke's
// user-space instructions per request under callgrind. Workers are never cancelled, so the
// request path enters the kernel through syscall(2), which is not a cancellation point.
IoResult read_some(int fd, char* into, std::size_t capacity) {
  for (;;) {
    long got = ::syscall(SYS_read, fd, into, capacity);
    if (got > 0) return {IoResult::Kind::kDone, static_cast<std::size_t>(got), 0};
    if (got == 0) return {IoResult::Kind::kClosed, 0, 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return {IoResult::Kind::kWouldBlock, 0, 0};
    return {IoResult::Kind::kError, 0, errno};
  }
}

IoResult write_some(int fd, const iovec* parts, int count) {
  for (;;) {
    msghdr message{};
    message.msg_iov = const_cast<iovec*>(parts);
    message.msg_iovlen = static_cast<std::size_t>(count);
    // sendmsg with MSG_NOSIGNAL: a peer that went away must not raise SIGPIPE.
    long sent = ::syscall(SYS_sendmsg, fd, &message, MSG_NOSIGNAL);
    if (sent >= 0) return {IoResult::Kind::kDone, static_cast<std::size_t>(sent), 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return {IoResult::Kind::kWouldBlock, 0, 0};
    return {IoResult::Kind::kError, 0, errno};
  }
}

void close_fd(int fd) {
  if (fd >= 0) ::close(fd);
}

}  // namespace yoke
