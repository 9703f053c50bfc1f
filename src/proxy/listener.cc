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
    peer.set_length(length);  // TCP_NODELAY comes later: ClientConnection::before_write()
    if (refuse(fd, peer)) continue;
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
// connections too; Yoke counts clients, whose upstream connections are bounded by them). The
// checks run before a session, a buffer or a TLS object exists, so a flood costs an accept()
// and a close() per connection.
bool Listener::refuse(int fd, const SocketAddress& peer) {
  // The current generation's settings for this address (a reload may have changed them).
  const router::ListenerSpec& spec = worker_.routes().listeners()[index_];
  int limit = worker_.connection_limit();
  if (limit > 0 && worker_.connection_count() >= static_cast<std::size_t>(limit)) {
    reject(fd, observe::RejectReason::kWorkerConnections, 0);
    return true;
  }
  // The runtime deny list before limit_accept, so a denied client takes no rate tokens.
  if (const security::DenyTable* table = worker_.deny_table();
      table != nullptr && worker_.denied(*table, peer.get()) != nullptr) {
    reject(fd, observe::RejectReason::kDenylist, 0);
    return true;
  }
  if (spec.accept_limit && over_accept_rate(*spec.accept_limit, peer)) {
    reject(fd, observe::RejectReason::kAcceptRate, 0);
    return true;
  }
  if (spec.open_connections != nullptr &&
      !take_connection_slot(*spec.open_connections, spec.listen.max_conns)) {
    reject(fd, observe::RejectReason::kMaxConns, spec.listen.max_conns);
    return true;
  }
  return false;
}

// limit_accept: the zone is keyed by the address's bytes (4 or 16; unix peers share one key).
bool Listener::over_accept_rate(const router::AcceptLimit& limit, const SocketAddress& peer) {
  std::string_view key = "unix";
  if (peer.family() == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(peer.get());
    key = {reinterpret_cast<const char*>(&v4->sin_addr), 4};
  } else if (peer.family() == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(peer.get());
    key = {reinterpret_cast<const char*>(&v6->sin6_addr), 16};
  }
  return !limit.zone->take(key, worker_.loop().now(), limit.rule).accepted;
}

// max_conns counts across workers with one shared counter: add first, and give the count back
// when that went over, so two workers racing for the last slot cannot both win. The connection
// gives its count back when it closes (ClientConnection::close).
bool Listener::take_connection_slot(std::atomic<std::int64_t>& open, int max_conns) {
  if (open.fetch_add(1, std::memory_order_relaxed) < max_conns) return true;
  open.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

// A reset rather than a FIN (SO_LINGER 0): the socket is freed at once instead of sitting in
// FIN_WAIT and TIME_WAIT while a flood goes on (HAProxy's "tcp-request connection reject" does
// the same).
void Listener::reject(int fd, observe::RejectReason reason, int max_conns) {
  linger reset{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  close_fd(fd);
  worker_.metrics().connections_rejected[static_cast<std::size_t>(reason)].add();
  // Worker::denied has logged a deny list refusal, naming the entry.
  if (reason == observe::RejectReason::kDenylist) return;
  if (!refusal_log_.admit(worker_.loop().now())) return;  // no log flood
  std::string why;
  switch (reason) {
    case observe::RejectReason::kWorkerConnections:
      why = std::to_string(worker_.connection_limit()) + " worker_connections are not enough";
      break;
    case observe::RejectReason::kMaxConns:
      why = "max_conns=" + std::to_string(max_conns) + " reached";
      break;
    default:
      why = "limit_accept exceeded by a client";
      break;
  }
  observe::log_line(observe::LogLevel::kWarn,
                    why + ", connection refused on " + address_.to_string());
}

}  // namespace yoke::proxy
