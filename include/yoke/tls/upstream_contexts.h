#pragma once
// One worker's client side of TLS to upstreams: an SSL_CTX per upstream TLS profile
// (config::Http::upstream_tls), and the SSL for each new upstream connection with its name
// (SNI, verification) and the host's last session. Built on the main thread with the worker's
// generation; worker thread only afterwards.
#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <vector>

#include "yoke/config/model.h"
#include "yoke/tls/credentials.h"

namespace yoke::tls {

struct SessionFree {
  void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
};
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionFree>;

// The last session one upstream host gave this worker, and the profile it belongs to (a
// session is offered only to connections of its own profile). nginx likewise keeps one saved
// session per upstream peer (ngx_http_upstream_rr_peer_t::ssl_session).
struct SessionSlot {
  std::size_t profile = 0;
  SessionPtr session;
};

class UpstreamContexts {
 public:
  // Throws std::runtime_error if OpenSSL refuses a context that Credentials::load accepted.
  UpstreamContexts(const config::Config& config, const Credentials& credentials);
  UpstreamContexts(const UpstreamContexts&) = delete;
  UpstreamContexts& operator=(const UpstreamContexts&) = delete;

  // A client SSL on fd for profile, or null (logged) when OpenSSL cannot allocate one. With
  // proxy_ssl_session_reuse it offers slot's session (when it is of this profile), and sessions
  // the upstream issues replace it; slot must outlive the SSL (null: no reuse). The caller owns
  // the SSL (SSL_free).
  SSL* connect(std::size_t profile, int fd, SessionSlot* slot);

 private:
  struct Profile {
    const config::ProxySsl* settings = nullptr;
    std::size_t index = 0;
    bool ip_literal = false;  // the name is an address: no SNI (RFC 6066 §3), IP verification
    ContextPtr context;
  };
  static int on_new_session(SSL* ssl, SSL_SESSION* session);

  std::vector<Profile> profiles_;  // never resized after construction: contexts point into it
};

}  // namespace yoke::tls
