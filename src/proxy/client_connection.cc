#include "client_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "client_session.h"
#include "worker.h"
#include "yoke/core/socket.h"
#include "yoke/tls/worker_contexts.h"

namespace yoke::proxy {

ClientConnection::ClientConnection(Worker& worker, int fd, std::uint32_t listener,
                                   const SocketAddress& peer)
    : worker_(worker), generation_(worker.generation()), peer_(peer), fd_(fd), listener_(listener) {
  client_timer_.bind(this);
}

void ClientConnection::start() {
  generation_->metrics().connections_accepted.add();
  number_ = next_connection_number();
  worker_.add_connection(this);
  // A node being drained answers one request per connection (Worker::request_node_drain); no
  // idle grace timer here: the client header timeout already bounds the wait.
  draining_ = worker_.node_draining();
  awaiting_proxy_header_ = generation_->routes().listeners()[listener_].listen.proxy_protocol;
  if (!awaiting_proxy_header_ && generation_->tls().is_tls(listener_)) {
    tls_generation_ = generation_;
    if (!start_tls()) return close();
  }
  if (!worker_.loop().watch(fd_, this)) return close();
  const auto& server = *generation_->routes().listeners()[listener_].default_server->config;
  worker_.loop().arm(client_timer_, server.client_header_timeout);
}

void ClientConnection::refresh_generation() {
  const WorkerGenerationPtr& newest = worker_.generation();
  if (generation_ == newest) [[likely]]
    return;
  std::size_t index = newest->listener_index(listen_address());
  if (index == WorkerGeneration::kNoListener) return;
  generation_ = newest;
  listener_ = static_cast<std::uint32_t>(index);
}

void ClientConnection::on_io(std::uint32_t events) {
  if (fd_ < 0) return;  // closed earlier in this loop iteration
  if (awaiting_proxy_header_) [[unlikely]] {
    if (!read_proxy_header(events)) return;
    if (generation_->tls().is_tls(listener_)) {
      tls_generation_ = generation_;
      if (!start_tls()) return close();
    }
    // Bytes behind the header may already wait in the socket: no new edge will report them.
    events |= EPOLLIN;
  }
  if (ssl_ != nullptr) [[unlikely]] {
    if (handshaking_) {
      if (!continue_handshake()) return;
      // Decrypted bytes may already wait inside OpenSSL (a request sent with the Finished
      // message): epoll will not report them, so look now.
      events |= EPOLLIN;
    }
    events = tls_events(events);
  }
  if (session_ == nullptr) {
    // Writable while idle: there is nothing to send, and the session starts out assuming
    // the socket writable, so this edge carries no information worth a session.
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) == 0) return;
    session_ = worker_.sessions().acquire();
    session_->attach(*this);
  }
  session_->on_io(events);  // may detach or close; the session settles itself last
}

void ClientConnection::on_timer(Timer& timer) {
  if (session_ != nullptr) return session_->on_timer(timer);
  if (awaiting_proxy_header_) return reject_proxy_header("timed out (client_header_timeout)");
  if (handshaking_) {
    return fail_handshake({tls::HandshakeStatus::kFailed, tls::HandshakeFailure::kTimeout,
                           "client_header_timeout expired"});
  }
  set_close_reason(observe::ClientCloseReason::kIdleTimeout);
  close();  // keep-alive timeout, or no request within client_header_timeout
}

void ClientConnection::on_reload() {
  if (worker_.generation()->listener_index(listen_address()) == WorkerGeneration::kNoListener) {
    return drain();
  }
  if (session_ == nullptr && !handshaking_) refresh_generation();
}

void ClientConnection::drain() {
  if (draining_ || fd_ < 0) return;
  draining_ = true;
  if (session_ != nullptr) return session_->on_drain();
  // Idle (or handshaking, whose client_header_timeout keeps running): the keep-alive wait
  // shortens to the grace.
  if (!handshaking_) worker_.loop().arm(client_timer_, kDrainIdleGrace);
}

void ClientConnection::abort() {
  if (session_ != nullptr) return session_->abort();
  close();
}

void ClientConnection::set_nodelay() {
  nodelay_ = true;
  if (peer_.family() == AF_UNIX) return;
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void ClientConnection::close() {
  if (fd_ < 0) return;
  if (!has_close_reason_ && worker_.stopping())
    close_reason_ = observe::ClientCloseReason::kShutdown;
  generation_->metrics().connections_closed[static_cast<std::size_t>(close_reason_)].add();
  session_ = nullptr;
  client_timer_.cancel();
  if (ssl_ != nullptr) end_tls();
  worker_.loop().unwatch_closing(fd_);
  close_fd(fd_);
  fd_ = -1;
  // listen … max_conns: give back the count. A reload that keeps max_conns on the address
  // hands the same counter to the new generation (RouteTable::open_connections_of).
  const auto& spec = generation_->routes().listeners()[listener_];
  if (spec.open_connections != nullptr) {
    spec.open_connections->fetch_sub(1, std::memory_order_relaxed);
  }
  worker_.remove_connection(this);
  worker_.loop().retire(this);
}

}  // namespace yoke::proxy
