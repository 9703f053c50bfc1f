#pragma once
// A client's TCP connection as it is between requests: the socket, its peer, one timer. That
// is all an idle keep-alive connection costs (about 140 bytes). The ClientSession that reads
// and proxies requests (about 1 KB, plus buffers while bytes are in flight) is taken from the
// worker's SessionPool when the client sends something and handed back as soon as the
// connection is idle again — nginx likewise frees a keep-alive connection's request and
// buffers and keeps only its ngx_connection_t (ngx_http_set_keepalive).
// Worker thread only.
#include <cstdint>

#include "peer_address.h"
#include "yoke/core/event_loop.h"
#include "yoke/core/timer.h"
#include "yoke/observe/worker_metrics.h"

namespace yoke::proxy {

class ClientSession;
class Worker;

class ClientConnection final : public IoHandler, public TimerHandler, public Deferrable {
 public:
  ClientConnection(Worker& worker, int fd, std::uint32_t listener, const SocketAddress& peer);
  ~ClientConnection() override = default;
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Joins the worker, registers the socket and starts the wait for the first request.
  void start();
  void on_io(std::uint32_t events) override;
  void on_timer(Timer& timer) override;
  // Graceful stop: an idle connection closes now, a busy one after its current exchange.
  void on_worker_stopping();
  // Immediate stop: closes now, in the middle of an exchange if need be.
  void abort();

  // For the attached session.
  int fd() const { return fd_; }
  std::uint32_t listener() const { return listener_; }
  SocketAddress peer() const { return peer_.expand(); }
  std::uint32_t requests() const { return requests_; }
  void count_request() { ++requests_; }
  // The client timer (header, body, keep-alive and lingering timeouts) belongs to the
  // connection, so a keep-alive wait keeps running when the session is handed back.
  Timer& client_timer() { return client_timer_; }
  // Called before each write to the client. TCP_NODELAY is set before the second write, not at
  // accept: Linux's Nagle test (Minshall's variant, tcp_nagle_check) holds back a small segment
  // only while an earlier small one is unacknowledged, so a first write never waits, and a
  // connection that sends one response and closes saves the system call. nginx's tcp_nodelay
  // likewise waits for keep-alive or a streamed response.
  void before_write() {
    if (wrote_ && !nodelay_) set_nodelay();
    wrote_ = true;
  }
  // The session is idle: forget it (it returns itself to the pool).
  void detach() { session_ = nullptr; }
  // Closes the socket and leaves the worker; the object is deleted after this loop iteration.
  void close();
  // Why the next close() happens, for yoke_client_connections_closed_total; the first reason
  // given wins. Without one, close() counts "shutdown" while the worker stops, else "error".
  void set_close_reason(observe::ClientCloseReason reason) {
    if (!has_close_reason_) close_reason_ = reason;
    has_close_reason_ = true;
  }

  ClientConnection* list_prev = nullptr;
  ClientConnection* list_next = nullptr;

 private:
  Worker& worker_;
  ClientSession* session_ = nullptr;
  Timer client_timer_;
  PeerAddress peer_;
  int fd_;
  std::uint32_t listener_;
  std::uint32_t requests_ = 0;
  bool wrote_ = false;
  bool nodelay_ = false;
  bool has_close_reason_ = false;
  observe::ClientCloseReason close_reason_ = observe::ClientCloseReason::kError;

  void set_nodelay();
};

}  // namespace yoke::proxy
