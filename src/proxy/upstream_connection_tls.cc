// The TLS side of an upstream connection (proxy_pass https://): the handshake after the TCP
// connect, the readiness translation TLS needs, and the close with close_notify.
#include <openssl/x509.h>
#include <sys/epoll.h>

#include "upstream_connection.h"

namespace yoke::proxy {

void UpstreamConnection::start_tls(SSL* ssl, std::size_t profile) {
  ssl_ = ssl;
  handshaking_ = true;
  pool_key_ = profile + 1;
}

namespace {

tls::UpstreamHandshakeFailure classify(tls::HandshakeFailure failure) {
  switch (failure) {
    case tls::HandshakeFailure::kClosed:
      return tls::UpstreamHandshakeFailure::kClosed;
    case tls::HandshakeFailure::kProtocol:
      return tls::UpstreamHandshakeFailure::kProtocol;
    default:
      return tls::UpstreamHandshakeFailure::kOther;
  }
}

}  // namespace

UpstreamHandshakeResult UpstreamConnection::continue_handshake() {
  tls::HandshakeResult step = tls::handshake(ssl_);
  UpstreamHandshakeResult result{step.status, tls::UpstreamHandshakeFailure::kOther, {}};
  if (step.status == tls::HandshakeStatus::kWaiting) return result;
  handshaking_ = false;
  if (step.status == tls::HandshakeStatus::kDone) return result;
  result.failure = classify(step.failure);
  result.reason = std::move(step.reason);
  // OpenSSL's queue says only "certificate verify failed"; the verification result says why
  // (X509_V_ERR_HOSTNAME_MISMATCH for a wrong name, an unknown issuer for a wrong CA).
  long verify = SSL_get_verify_result(ssl_);
  if (verify != X509_V_OK) {
    result.failure = tls::UpstreamHandshakeFailure::kVerify;
    result.reason = std::string("certificate verify failed: ") +
                    X509_verify_cert_error_string(verify) + " (" + result.reason + ")";
  }
  // After a failed handshake OpenSSL must not send close_notify.
  SSL_set_quiet_shutdown(ssl_, 1);
  return result;
}

std::uint32_t UpstreamConnection::tls_events(std::uint32_t events) const {
  if (tls_wait_.read_wants_write && (events & EPOLLOUT)) events |= EPOLLIN;
  if (tls_wait_.write_wants_read && (events & EPOLLIN)) events |= EPOLLOUT;
  return events;
}

bool UpstreamConnection::only_tls_messages() {
  char probe[64];
  IoResult result = tls::read(ssl_, probe, sizeof probe, tls_wait_);
  return result.kind == IoResult::Kind::kWouldBlock;
}

void UpstreamConnection::end_tls() {
  if (!handshaking_) tls::shutdown(ssl_);
  SSL_free(ssl_);
  ssl_ = nullptr;
}

}  // namespace yoke::proxy
