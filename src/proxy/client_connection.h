#pragma once
// A client's TCP connection as it is between requests: the socket, its peer, one timer. That
// is all an idle keep-alive connection costs (about 140 bytes). The ClientSession that reads
// and proxies requests (about 1 KB, plus buffers while bytes are in flight) is taken from the
// worker's SessionPool when the client sends something and handed back as soon as the
// connection is idle again — nginx likewise frees a keep-alive connection's request and
// buffers and keeps only its ngx_connection_t (ngx_http_set_keepalive).
// On a TLS listener the connection also owns the SSL object and runs the handshake before any
// session is taken; the session then reads and writes through read()/write(), which pick plain
// socket calls or OpenSSL with one branch per call (docs/architecture.md, "TLS").
// Worker thread only.
#include <openssl/ssl.h>
#include <sys/uio.h>

#include <cstdint>
#include <memory>

#include "peer_address.h"
#include "worker_generation.h"
#include "yoke/core/event_loop.h"
#include "yoke/core/socket.h"
#include "yoke/core/timer.h"
#include "yoke/observe/worker_metrics.h"
#include "yoke/tls/tls_io.h"

namespace yoke::proxy {

class ClientSession;
class Worker;

// How long a draining connection may stay idle before it closes (ClientConnection::drain). A
// client that sends its next request within it gets an answer with Connection: close instead
// of a connection closed under it; one that waits longer meets a close as after any
// keep-alive timeout. nginx closes idle connections at once when it stops or reloads.
inline constexpr Milliseconds kDrainIdleGrace{1000};

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
  // Graceful stop, or a reload removed this connection's listen address: the next response
  // says Connection: close and the connection closes after it; while idle it stays open for
  // kDrainIdleGrace (a request the client is sending meanwhile is still answered), then
  // closes. Idempotent.
  void drain();
  bool draining() const { return draining_; }
  // Immediate stop: closes now, in the middle of an exchange if need be.
  void abort();

  // For the attached session.
  int fd() const { return fd_; }
  std::uint32_t listener() const { return listener_; }
  // The generation this connection's current request runs on (worker_generation.h), and the
  // listen address the connection came in on.
  WorkerGeneration& generation() const { return *generation_; }
  const SocketAddress& listen_address() const {
    return generation_->routes().listeners()[listener_].listen.address;
  }
  // Between requests: moves to the worker's newest generation if it still listens on this
  // connection's address (a removed address keeps its generation; the connection drains).
  void refresh_generation();
  // The worker adopted a new generation: drain if this connection's address is gone; an idle
  // connection moves to the new generation now, so the old one is freed without waiting for
  // its next request.
  void on_reload();
  SocketAddress peer() const { return peer_.expand(); }
  // The client a PROXY protocol header named (listen … proxy_protocol), or null.
  const PeerAddress* proxy_source() const { return proxy_source_.get(); }
  std::uint32_t requests() const { return requests_; }
  void count_request() { ++requests_; }
  // $connection: this connection's serial number, unique in the process (nginx's c->number).
  std::uint64_t number() const { return number_; }
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
  // The client's bytes: decrypted on a TLS connection. Same contract as read_some().
  IoResult read(char* into, std::size_t capacity) {
    if (ssl_ == nullptr) [[likely]]
      return read_some(fd_, into, capacity);
    return tls::read(ssl_, into, capacity, tls_wait_);
  }
  // Sends to the client (encrypted on a TLS connection). Same contract as write_some().
  IoResult write(const iovec* parts, int count) {
    before_write();
    if (ssl_ == nullptr) [[likely]]
      return write_some(fd_, parts, count);
    return tls::write(ssl_, parts, count, tls_wait_);
  }
  // Ends our direction (after close_notify on TLS) while still reading (lingering close).
  void shutdown_write();
  // The TLS state for $ssl_* variables; null on a plain connection.
  const SSL* ssl() const { return ssl_; }
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
  WorkerGenerationPtr generation_;
  // A TLS connection's SSL calls back into the WorkerContexts (and RouteTable) of the
  // generation it was accepted on, so that generation lives as long as the SSL.
  WorkerGenerationPtr tls_generation_;
  ClientSession* session_ = nullptr;
  Timer client_timer_;
  PeerAddress peer_;
  int fd_;              // beside the 28-byte peer_, so ssl_ needs no padding
  SSL* ssl_ = nullptr;  // TLS listeners only
  // Only on proxy_protocol listeners whose header named a client: 8 bytes on the others.
  std::unique_ptr<PeerAddress> proxy_source_;
  std::uint32_t listener_;
  std::uint32_t requests_ = 0;
  std::uint64_t number_ = 0;
  bool wrote_ = false;
  bool nodelay_ = false;
  bool has_close_reason_ = false;
  bool draining_ = false;
  observe::ClientCloseReason close_reason_ = observe::ClientCloseReason::kError;
  bool handshaking_ = false;
  bool awaiting_proxy_header_ = false;  // listen … proxy_protocol: the header comes first
  tls::CrossWait tls_wait_;

  void set_nodelay();
  // client_connection_proxy.cc: reads the PROXY header without reading past it. True when it
  // is complete (the connection goes on); false while waiting or after closing on a bad one.
  bool read_proxy_header(std::uint32_t events);
  void reject_proxy_header(std::string_view reason);
  // After a PROXY header: closes the connection when the deny list holds its source.
  bool refuse_denied_source();
  // client_connection_tls.cc
  bool start_tls();
  // Runs the handshake on; true when it completed (a session may now read).
  bool continue_handshake();
  void fail_handshake(const tls::HandshakeResult& result);
  void answer_plain_http();
  std::uint32_t tls_events(std::uint32_t events) const;
  void end_tls();
};

}  // namespace yoke::proxy
