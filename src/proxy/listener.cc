#include "listener.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

#include "client_session.h"
#include "worker.h"
#include "yoke/core/socket.h"
#include "yoke/observe/error_log.h"

namespace yoke::proxy {
namespace {
// Connections accepted per readiness event, so one busy listener cannot starve the others.
constexpr int kAcceptBatch = 64;
}  // namespace

Listener::~Listener() { close(); }

void Listener::close() {
  if (fd_ < 0) return;
  worker_.loop().unwatch(fd_);
  close_fd(fd_);
  fd_ = -1;
}

void Listener::on_io(std::uint32_t /*events*/) {
  for (int i = 0; i < kAcceptBatch && fd_ >= 0; ++i) {
    SocketAddress peer;
    socklen_t length = sizeof(sockaddr_storage);
    int fd = accept4(fd_, peer.get_mutable(), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) {
        observe::log_line(observe::LogLevel::kCrit, "accept() failed: too many open files");
      }
      return;
    }
    peer.set_length(length);
    if (peer.family() != AF_UNIX) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    auto* session = new ClientSession(worker_, fd, index_, peer, address_);
    session->start();
  }
}

}  // namespace yoke::proxy
