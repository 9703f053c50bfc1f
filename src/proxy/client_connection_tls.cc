// The TLS side of a client connection: the handshake as an event-loop state before any session
// exists, failures logged at info level and counted per worker, and the readiness translation
// a TLS connection needs (OpenSSL may have to write to read, or read to write).
#include <sys/epoll.h>
#include <sys/socket.h>

#include <string_view>

#include "client_connection.h"
#include "worker.h"
#include "yoke/observe/error_log.h"
#include "yoke/tls/worker_contexts.h"

namespace yoke::proxy {
namespace {

// nginx answers an HTTP request on a TLS port with 400 and this text
// (ngx_http_request.c, NGX_HTTP_TO_HTTPS), instead of letting the client hang.
constexpr std::string_view kPlainHttpResponse =
    "HTTP/1.1 400 Bad Request\r\n"
    "Server: yoke\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 46\r\n"
    "Connection: close\r\n"
    "\r\n"
    "The plain HTTP request was sent to HTTPS port\n";

}  // namespace

// TCP_NODELAY from the start: the handshake makes several small writes in a row (the
// server's flight, then session tickets after the client's Finished), and Nagle would hold the
// later ones until the client's delayed ACK (40 ms on Linux) — nginx sets it for TLS
// connections before the handshake too (ngx_http_ssl_handshake).
bool ClientConnection::start_tls() {
  ssl_ = tls_generation_->tls().accept(listener_, fd_);
  handshaking_ = ssl_ != nullptr;
  if (ssl_ != nullptr) set_nodelay();
  return ssl_ != nullptr;
}

bool ClientConnection::continue_handshake() {
  tls::HandshakeResult result = tls::handshake(ssl_);
  if (result.status == tls::HandshakeStatus::kWaiting) return false;
  if (result.status == tls::HandshakeStatus::kFailed) {
    fail_handshake(result);
    return false;
  }
  handshaking_ = false;
  // The client timer was armed at accept for client_header_timeout and still runs: its
  // deadline tells when the handshake began, so the connection stores no start time.
  const auto& server = *generation_->routes().listeners()[listener_].default_server->config;
  TimePoint accepted = client_timer_.deadline() - server.client_header_timeout;
  tls_generation_->metrics().tls_handshakes.record_completed(
      std::chrono::duration_cast<Microseconds>(worker_.loop().now() - accepted),
      SSL_session_reused(ssl_) == 1);
  return true;
}

void ClientConnection::fail_handshake(const tls::HandshakeResult& result) {
  tls_generation_->metrics().tls_handshakes.record_failure(result.failure);
  // Info level, as nginx logs client-caused handshake errors: they are not server faults.
  // Logged before any answer, so a client that saw the answer can also find the line.
  std::string line = "TLS handshake failed: ";
  line += tls::handshake_failure_name(result.failure);
  line += " (" + result.reason + ") while SSL handshaking, client: ";
  line += peer_.expand().host_text();
  observe::log_line(observe::LogLevel::kInfo, line);
  if (result.failure == tls::HandshakeFailure::kPlainHttp) answer_plain_http();
  handshaking_ = false;
  close();
}

// The rest of the request is read first so that closing does not turn unread bytes into a
// reset that could destroy the answer; one read, since the request came in one piece.
void ClientConnection::answer_plain_http() {
  char discard[4096];
  (void)read_some(fd_, discard, sizeof discard);
  iovec part{const_cast<char*>(kPlainHttpResponse.data()), kPlainHttpResponse.size()};
  (void)write_some(fd_, &part, 1);
  ::shutdown(fd_, SHUT_WR);
}

std::uint32_t ClientConnection::tls_events(std::uint32_t events) const {
  if (tls_wait_.read_wants_write && (events & EPOLLOUT)) events |= EPOLLIN;
  if (tls_wait_.write_wants_read && (events & EPOLLIN)) events |= EPOLLOUT;
  return events;
}

void ClientConnection::shutdown_write() {
  if (ssl_ != nullptr) tls::shutdown(ssl_);
  ::shutdown(fd_, SHUT_WR);
}

void ClientConnection::end_tls() {
  if (!handshaking_) tls::shutdown(ssl_);
  SSL_free(ssl_);
  ssl_ = nullptr;
  tls_generation_.reset();
}

}  // namespace yoke::proxy
