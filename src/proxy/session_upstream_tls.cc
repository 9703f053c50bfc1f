// proxy_pass https://: the SSL of a new upstream connection and its handshake, a step of the
// "connect" phase between the TCP connect and the first request byte, bounded by
// proxy_connect_timeout. Failures count as connection errors (nginx's NGX_HTTP_UPSTREAM_FT_ERROR):
// proxy_next_upstream error tries another server, else the client gets 502.
#include <cerrno>

#include "client_session.h"
#include "worker.h"

namespace yoke::proxy {

bool ClientSession::start_upstream_tls(UpstreamConnection& connection) {
  const config::ProxyPass& pass = *route_->config->proxy_pass;
  UpstreamRuntime& runtime = gen().upstream(upstream_index_);
  tls::SessionSlot* slot =
      runtime.tls_sessions.empty() ? nullptr : &runtime.tls_sessions[connection.host().index];
  SSL* ssl = gen().upstream_tls().connect(pass.tls_profile, connection.fd(), slot);
  if (ssl == nullptr) {
    connection.close();
    errno = ENOMEM;
    return false;
  }
  connection.start_tls(ssl, pass.tls_profile);
  return true;
}

ClientSession::UpstreamHandshakeStep ClientSession::handshake_upstream() {
  UpstreamHandshakeResult result = upstream_->continue_handshake();
  if (result.status == tls::HandshakeStatus::kWaiting) return UpstreamHandshakeStep::kWaiting;
  observe::UpstreamCells& cells = gen().metrics().upstream(upstream_index_);
  if (result.status == tls::HandshakeStatus::kDone) {
    cells.tls_handshakes.add();
    if (SSL_session_reused(upstream_->ssl()) == 1) cells.tls_sessions_reused.add();
    return UpstreamHandshakeStep::kDone;
  }
  count_upstream_tls_failure(result.failure);
  std::string reason = "SSL handshake failed: ";
  reason += tls::upstream_failure_name(result.failure);
  reason += " (" + result.reason + ")";
  fail_attempt(AttemptFailure::kError, reason);
  return UpstreamHandshakeStep::kFailed;
}

void ClientSession::count_upstream_tls_failure(tls::UpstreamHandshakeFailure failure) {
  gen()
      .metrics()
      .upstream(upstream_index_)
      .tls_handshake_failures[static_cast<std::size_t>(failure)]
      .add();
}

}  // namespace yoke::proxy
