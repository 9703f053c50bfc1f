// Client SSL objects for upstream connections: the name sent as SNI and checked against the
// certificate, and session reuse through a per-host slot.
#include "yoke/tls/upstream_contexts.h"

#include <arpa/inet.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include "yoke/observe/error_log.h"
#include "yoke/tls/upstream_tls.h"

namespace yoke::tls {
namespace {

bool is_ip_literal(const std::string& name) {
  unsigned char address[16];
  return inet_pton(AF_INET, name.c_str(), address) == 1 ||
         inet_pton(AF_INET6, name.c_str(), address) == 1;
}

// proxy_ssl_name: SNI when proxy_ssl_server_name is on (never for an address, which RFC 6066
// §3 forbids in SNI), and the name the certificate must carry when proxy_ssl_verify is on
// (RFC 6125 host name rules as OpenSSL's X509_check_host applies them; an address is matched
// against the certificate's IP address entries).
bool set_name(SSL* ssl, const config::ProxySsl& settings, bool ip_literal) {
  const char* name = settings.name.c_str();
  // SSL_set_tlsext_host_name without its C-style cast.
  if (settings.server_name && !ip_literal &&
      SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(name)) != 1) {
    return false;
  }
  if (!settings.verify) return true;
  if (ip_literal) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1;
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set1_host(ssl, name) == 1;
}

// OpenSSL's client treats a TLS 1.3 session as single-use (RFC 8446 §C.4: clients SHOULD NOT
// reuse a ticket) and marks the very object it resumed as not resumable. A server that issues
// no new ticket on resumption (OpenSSL's default when the ticket key needs no renewal, Yoke's
// own listeners included) would then leave every other connection with a full handshake. The
// saved session stays reusable by offering a copy: the ticket is reused across connections to
// one upstream, where the linkability that §C.4 guards against is no concern (the proxy is the
// only client and the upstream knows it), and a server that refuses a reused ticket answers with
// a full handshake and a fresh ticket. TLS 1.2 sessions are offered as they are.
void offer_session(SSL* ssl, SSL_SESSION* saved) {
  if (SSL_SESSION_get_protocol_version(saved) != TLS1_3_VERSION) {
    SSL_set_session(ssl, saved);
    return;
  }
  SessionPtr copy(SSL_SESSION_dup(saved));
  if (copy) SSL_set_session(ssl, copy.get());  // SSL_set_session takes its own reference
}

}  // namespace

UpstreamContexts::UpstreamContexts(const config::Config& config, const Credentials& credentials) {
  const auto& settings = config.http.upstream_tls;
  profiles_.resize(settings.size());
  for (std::size_t i = 0; i < settings.size(); ++i) {
    Profile& profile = profiles_[i];
    profile.settings = &settings[i];
    profile.index = i;
    profile.ip_literal = is_ip_literal(settings[i].name);
    std::string error;
    profile.context = make_upstream_context(settings[i], credentials.upstream(i), error);
    if (!profile.context) throw std::runtime_error(error);
    SSL_CTX_set_app_data(profile.context.get(), &profile);
    if (settings[i].session_reuse) {
      SSL_CTX_sess_set_new_cb(profile.context.get(), on_new_session);
    }
  }
}

SSL* UpstreamContexts::connect(std::size_t index, int fd, SessionSlot* slot) {
  const Profile& profile = profiles_[index];
  SSL* ssl = SSL_new(profile.context.get());
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1 ||
      !set_name(ssl, *profile.settings, profile.ip_literal)) {
    observe::log_line(observe::LogLevel::kAlert,
                      "SSL_new() failed for an upstream: " + drain_openssl_errors());
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_connect_state(ssl);
  if (profile.settings->session_reuse && slot != nullptr) {
    SSL_set_app_data(ssl, slot);
    if (slot->session && slot->profile == index) offer_session(ssl, slot->session.get());
  }
  return ssl;
}

// Called by OpenSSL when the upstream issues a session: at the end of a TLS 1.2 handshake, or
// when a TLS 1.3 NewSessionTicket is read (possibly during a later SSL_read). Returning 1 keeps
// the reference OpenSSL hands over (nginx's ngx_ssl_new_client_session does the same).
int UpstreamContexts::on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* slot = static_cast<SessionSlot*>(SSL_get_app_data(ssl));
  if (slot == nullptr) return 0;
  const auto* profile = static_cast<const Profile*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  slot->profile = profile->index;
  slot->session.reset(session);
  return 1;
}

}  // namespace yoke::tls
