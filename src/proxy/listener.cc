#include "listener.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

#include "client_connection.h"
#include "worker.h"
#include "yoke/core/socket.h"
#include "yoke/observe/error_log.h"

namespace yoke::proxy {
namespace {
// Connections accepted per readiness event, so one busy listener cannot starve the others.
constexpr int kAcceptBatch = 64;
// How long accepting pauses when the process is out of file descriptors (nginx waits for
// ngx_accept_disabled the same way instead of spinning on a listener that stays readable).
constexpr Milliseconds kAcceptPause{100};
}  // namespace

Listener::~Listener() { close(); }

void Listener::close() {
  if (fd_ < 0) return;
  resume_timer_.cancel();
  if (!paused_) worker_.loop().unwatch(fd_);
  close_fd(fd_);
  fd_ = -1;
}

void Listener::on_io(std::uint32_t /*events*/) {
  for (int i = 0; i < kAcceptBatch && fd_ >= 0; ++i) {
    SocketAddress peer;
    socklen_t length = sizeof(sockaddr_storage);
    int fd = accept4(fd_, peer.get_mutable(), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) pause_accepting();
      return;
    }
    if (refuse_over_limit(fd)) continue;
    peer.set_length(length);  // TCP_NODELAY comes later: ClientConnection::before_write()
    auto* connection = new ClientConnection(worker_, fd, static_cast<std::uint32_t>(index_), peer);
    connection->start();
  }
}

void Listener::pause_accepting() {
  observe::log_line(observe::LogLevel::kCrit, "accept() failed: too many open files; pausing " +
                                                  address_.to_string() + " for 100ms");
  worker_.loop().unwatch(fd_);
  paused_ = true;
  worker_.loop().arm(resume_timer_, kAcceptPause);
}

void Listener::on_timer(Timer& /*timer*/) {
  if (fd_ < 0 || !paused_) return;
  paused_ = false;
  worker_.loop().watch_readable(fd_, this);
}

// worker_connections bounds the client connections of one worker (nginx counts upstream
// connections too; Yoke counts clients, whose upstream connections are bounded by them).
bool Listener::refuse_over_limit(int fd) {
  int limit = worker_.routes().config().worker_connections;
  if (limit <= 0 || worker_.connection_count() < static_cast<std::size_t>(limit)) return false;
  close_fd(fd);
  worker_.metrics().connections_refused.add();
  TimePoint now = worker_.loop().now();
  if (now - last_refusal_log_ < std::chrono::seconds(1)) return true;  // no log flood
  last_refusal_log_ = now;
  observe::log_line(observe::LogLevel::kWarn, std::to_string(limit) +
                                                  " worker_connections are not enough, connection "
                                                  "refused on " +
                                                  address_.to_string());
  return true;
}

}  // namespace yoke::proxy
