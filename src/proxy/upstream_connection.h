#pragma once
// One connection from a worker to an upstream host: connecting, busy with one exchange, or
// idle in the worker's keep-alive pool for that host. For proxy_pass https:// it also owns the
// SSL: the handshake is a state after the TCP connect, and the exchange reads and writes through
// read()/write(), which pick plain socket calls or OpenSSL with one branch per call, as
// ClientConnection's do (docs/tls.md, "Upstream TLS"). Worker thread only.
#include <openssl/ssl.h>
#include <sys/uio.h>

#include <cstdint>
#include <string>

#include "yoke/balancing/host_set.h"
#include "yoke/core/event_loop.h"
#include "yoke/core/socket.h"
#include "yoke/core/timer.h"
#include "yoke/tls/tls_io.h"
#include "yoke/tls/upstream_failure.h"

namespace yoke::proxy {

class Worker;
class WorkerGeneration;

// Receives the connection's events while an exchange owns it.
class UpstreamOwner {
 public:
  virtual void on_upstream_io(std::uint32_t events) = 0;

 protected:
  ~UpstreamOwner() = default;
};

// The outcome of an upstream TLS handshake step; kFailed says why (reason names OpenSSL's errors
// and, for a certificate, the verification error).
struct UpstreamHandshakeResult {
  tls::HandshakeStatus status = tls::HandshakeStatus::kWaiting;
  tls::UpstreamHandshakeFailure failure = tls::UpstreamHandshakeFailure::kOther;
  std::string reason;
};

class UpstreamConnection final : public IoHandler, public TimerHandler, public Deferrable {
 public:
  // generation: the one whose pool and counters this connection uses; it outlives the
  // connection (its pool closes idle connections when it retires or ends, and a busy one
  // belongs to a session whose connection holds the generation).
  UpstreamConnection(Worker& worker, WorkerGeneration& generation, std::size_t upstream,
                     const balancing::Host& host, int fd);
  ~UpstreamConnection() override;

  // Opens a connection to host (non-blocking). nullptr with errno set when socket() or
  // connect() fails at once (e.g. ECONNREFUSED on unix sockets).
  static UpstreamConnection* open(Worker& worker, WorkerGeneration& generation,
                                  std::size_t upstream, const balancing::Host& host);

  void on_io(std::uint32_t events) override;
  void on_timer(Timer& timer) override;

  void attach(UpstreamOwner* owner) { owner_ = owner; }
  // Closes the socket now and frees the object at the end of the loop iteration.
  void close();

  int fd() const { return fd_; }

  // upstream_connection_tls.cc. Takes ssl (owned from here on; freed at close()) for TLS
  // profile (config.http.upstream_tls); the handshake runs once the TCP connect completed.
  void start_tls(SSL* ssl, std::size_t profile);
  bool handshaking() const { return handshaking_; }
  // Runs the handshake on (the socket is connected).
  UpstreamHandshakeResult continue_handshake();
  const SSL* ssl() const { return ssl_; }
  // What a pooled connection must match to be reused: 0 for plain HTTP, else TLS profile + 1
  // (a connection made for one profile's name and certificate is not lent to another's).
  std::size_t pool_key() const { return pool_key_; }
  // The upstream's bytes: decrypted on a TLS connection. Same contract as read_some().
  IoResult read(char* into, std::size_t capacity) {
    if (ssl_ == nullptr) [[likely]]
      return read_some(fd_, into, capacity);
    return tls::read(ssl_, into, capacity, tls_wait_);
  }
  // Sends to the upstream (encrypted on a TLS connection). Same contract as write_some().
  IoResult write(const iovec* parts, int count) {
    if (ssl_ == nullptr) [[likely]]
      return write_some(fd_, parts, count);
    return tls::write(ssl_, parts, count, tls_wait_);
  }
  // Readiness as the exchange must see it: TLS may need to write to read, or read to write.
  std::uint32_t io_events(std::uint32_t events) const {
    if (ssl_ == nullptr) [[likely]]
      return events;
    return tls_events(events);
  }
  const balancing::Host& host() const { return *host_; }
  std::size_t upstream() const { return upstream_; }
  // Ready for the exchange: the TCP connect completed and, on TLS, the handshake too (so the
  // plain path tests one flag). tcp_connected: the TCP connect completed.
  bool connected = false;
  bool tcp_connected = false;
  bool readable = false;
  bool hung_up = false;  // EPOLLRDHUP/HUP/ERR seen: read on until EOF (see read_fully())
  bool writable = false;
  bool reused = false;  // this exchange got the connection from the pool
  int requests = 0;     // exchanges completed on this connection
  // Pool links (intrusive, so pooling allocates nothing).
  UpstreamConnection* pool_prev = nullptr;
  UpstreamConnection* pool_next = nullptr;
  Timer idle_timer;

 private:
  Worker& worker_;
  WorkerGeneration& generation_;
  std::size_t upstream_;
  const balancing::Host* host_;
  int fd_;
  UpstreamOwner* owner_ = nullptr;
  bool closed_ = false;
  bool handshaking_ = false;
  SSL* ssl_ = nullptr;
  std::size_t pool_key_ = 0;
  tls::CrossWait tls_wait_;

  std::uint32_t tls_events(std::uint32_t events) const;
  // Idle in the pool, the server sent something: true when it was only TLS post-handshake
  // messages (a TLS 1.3 session ticket), which keep the connection usable.
  bool only_tls_messages();
  void end_tls();
};

}  // namespace yoke::proxy
