#pragma once
// Certificates and keys of every TLS server, loaded and checked once per configuration on the
// main thread (also by `yoke -t`), plus the session-ticket keys every worker shares so that a
// ticket issued by one worker resumes on another. Immutable after load; workers build their own
// SSL_CTX from it (worker_contexts.h).
#include <openssl/ssl.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "yoke/config/model.h"

namespace yoke::tls {

struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct ChainFree {
  void operator()(STACK_OF(X509) * chain) const { sk_X509_pop_free(chain, X509_free); }
};
struct ContextFree {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using ChainPtr = std::unique_ptr<STACK_OF(X509), ChainFree>;
using ContextPtr = std::unique_ptr<SSL_CTX, ContextFree>;

// One ssl_certificate / ssl_certificate_key pair: the leaf, its chain, its key.
struct CertifiedKey {
  X509Ptr certificate;
  ChainPtr chain;  // intermediates, in file order (may be empty)
  KeyPtr key;
};

// What one server needs from files: its certified keys and, with ssl_stapling, the OCSP
// response (DER) to staple.
struct ServerCredentials {
  std::vector<CertifiedKey> keys;
  std::string ocsp_response;  // empty: no stapling
};

// What one upstream TLS profile (config::Http::upstream_tls) needs from files: the CAs of
// proxy_ssl_trusted_certificate (empty without proxy_ssl_verify) and the client certificate of
// proxy_ssl_certificate (null certificate: none). Loaded by upstream_tls.h.
struct UpstreamTlsFiles {
  ChainPtr trusted;
  CertifiedKey client;
};

// Session-ticket key material in OpenSSL's 80-byte layout (SSL_CTX_set_tlsext_ticket_keys):
// 16-byte key name, 32-byte HMAC secret, 32-byte AES secret.
using TicketKeys = std::array<unsigned char, 80>;
inline constexpr std::size_t kTicketKeyNameSize = 16;
inline constexpr std::size_t kTicketHmacOffset = 16;
inline constexpr std::size_t kTicketAesOffset = 48;

class Credentials {
 public:
  // Loads the certificates of every server of config (index = position in
  // config.http.servers; servers without TLS get an empty list) and makes one probe context
  // per TLS server, so a bad cipher list or conf command fails here. Throws config::ConfigError
  // naming the directive and the file. Main thread; blocking (reads files).
  static std::shared_ptr<const Credentials> load(const config::Config& config);

  const ServerCredentials& server(std::size_t index) const { return servers_[index]; }
  // The files of upstream TLS profile index (config.http.upstream_tls).
  const UpstreamTlsFiles& upstream(std::size_t index) const { return upstreams_[index]; }
  // The first ticket key of every worker (made at load, so all workers start with the same).
  const TicketKeys& ticket_keys() const { return ticket_keys_; }
  // How often the main thread hands workers a new ticket key: the longest ssl_session_timeout
  // of a TLS server (a ticket lives that long), at least a minute.
  std::chrono::milliseconds ticket_key_period() const { return ticket_key_period_; }

 private:
  std::vector<ServerCredentials> servers_;
  std::vector<UpstreamTlsFiles> upstreams_;
  TicketKeys ticket_keys_{};
  std::chrono::milliseconds ticket_key_period_{60000};
};

// A server context for config (ssl_* settings) with its credentials (which must outlive it:
// the stapled response is not copied). Session tickets, when on, need keys from the caller
// (WorkerContexts installs its rotating ring); until then OpenSSL's own random keys apply. Any
// worker may call it; it allocates. Returns null with error set ("ssl_ciphers: …") when OpenSSL
// refuses a setting. server_index makes the session-ID context (a session resumes only on its own
// server).
ContextPtr make_server_context(const config::Server& server, std::size_t server_index,
                               const ServerCredentials& credentials, std::string& error);

// Reads files' certificate (with its chain), then its key, checking that they match. Throws
// config::ConfigError at the directive that named the bad file. Blocking (reads files).
void load_certificate(const config::SslCertificate& files, CertifiedKey& pair);
void load_key(const config::SslCertificate& files, CertifiedKey& pair);

// ssl_protocols / proxy_ssl_protocols bits as OpenSSL options (SSL_OP_NO_* for every version
// left out).
long protocol_options(unsigned protocols);

// The OpenSSL error queue of this thread as one line ("error:0A00…:SSL routines::…"), cleared.
std::string drain_openssl_errors();

}  // namespace yoke::tls
