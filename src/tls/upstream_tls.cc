// Loading and checking the files of upstream TLS profiles, and the client context built from
// them: what nginx's ngx_http_proxy_set_ssl does per location, once per distinct profile here.
#include "yoke/tls/upstream_tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <memory>

#include "yoke/tls/upstream_failure.h"

namespace yoke::tls {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

// Every PEM certificate of proxy_ssl_trusted_certificate; a file without one is an error, as a
// verification against nothing would refuse every upstream.
ChainPtr load_trusted(const config::ProxySsl& profile) {
  const std::string& path = profile.trusted_certificate;
  std::unique_ptr<BIO, BioFree> bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    throw config::ConfigError(
        profile.trusted_certificate_where,
        "cannot read trusted certificates \"" + path + "\" (" + drain_openssl_errors() + ")");
  }
  ChainPtr certificates(sk_X509_new_null());
  while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    sk_X509_push(certificates.get(), certificate);
  }
  ERR_clear_error();  // the loop ends on "no start line" at the end of the file
  if (sk_X509_num(certificates.get()) == 0) {
    throw config::ConfigError(
        profile.trusted_certificate_where,
        "cannot load trusted certificates \"" + path + "\": no PEM certificate in it");
  }
  return certificates;
}

bool use_client_certificate(SSL_CTX* context, const CertifiedKey& client, std::string& error) {
  if (!client.certificate) return true;
  // A key of its own per context, as for server keys (server_context.cc: RSA blinding locks).
  KeyPtr key(EVP_PKEY_dup(client.key.get()));
  bool ok = key != nullptr && SSL_CTX_use_certificate(context, client.certificate.get()) == 1 &&
            SSL_CTX_use_PrivateKey(context, key.get()) == 1 &&
            SSL_CTX_set1_chain(context, client.chain.get()) == 1;
  if (!ok) error = "cannot use proxy_ssl_certificate: " + drain_openssl_errors();
  return ok;
}

bool use_trusted(SSL_CTX* context, const config::ProxySsl& profile, const ChainPtr& trusted,
                 std::string& error) {
  if (!profile.verify) {
    SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nullptr);  // nginx's proxy_ssl_verify off
    return true;
  }
  X509_STORE* store = SSL_CTX_get_cert_store(context);
  for (int i = 0; i < sk_X509_num(trusted.get()); ++i) {
    if (X509_STORE_add_cert(store, sk_X509_value(trusted.get(), i)) != 1) {
      error = "cannot use proxy_ssl_trusted_certificate: " + drain_openssl_errors();
      return false;
    }
  }
  SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_verify_depth(context, profile.verify_depth);
  return true;
}

}  // namespace

std::string_view upstream_failure_name(UpstreamHandshakeFailure failure) {
  switch (failure) {
    case UpstreamHandshakeFailure::kVerify:
      return "verify";
    case UpstreamHandshakeFailure::kProtocol:
      return "protocol";
    case UpstreamHandshakeFailure::kClosed:
      return "closed";
    case UpstreamHandshakeFailure::kTimeout:
      return "timeout";
    case UpstreamHandshakeFailure::kOther:
    case UpstreamHandshakeFailure::kCount:
      break;
  }
  return "other";
}

UpstreamTlsFiles load_upstream_tls_files(const config::ProxySsl& profile) {
  UpstreamTlsFiles files;
  files.trusted.reset(sk_X509_new_null());
  if (profile.verify) files.trusted = load_trusted(profile);
  if (!profile.certificate.empty()) {
    config::SslCertificate pair{profile.certificate, profile.certificate_key,
                                profile.certificate_where, profile.certificate_key_where};
    load_certificate(pair, files.client);
    load_key(pair, files.client);
  }
  std::string error;
  if (!make_upstream_context(profile, files, error)) {
    bool ciphers = !profile.ciphers_where.file.empty();
    throw config::ConfigError(ciphers ? profile.ciphers_where : profile.where, error);
  }
  return files;
}

ContextPtr make_upstream_context(const config::ProxySsl& profile, const UpstreamTlsFiles& files,
                                 std::string& error) {
  ContextPtr context(SSL_CTX_new(TLS_client_method()));
  if (!context) {
    error = "SSL_CTX_new() failed: " + drain_openssl_errors();
    return nullptr;
  }
  SSL_CTX* ctx = context.get();
  // An upstream that closes without close_notify after a complete response is common; bodies
  // carry their own framing, and one read until close is cut short only as a plain one would be.
  SSL_CTX_set_options(ctx, protocol_options(profile.protocols) | SSL_OP_NO_COMPRESSION |
                               SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  // As for client connections (server_context.cc): an idle pooled connection holds no record
  // buffers, and a write returns after each record.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                            SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_read_ahead(ctx, 1);
  if (SSL_CTX_set_cipher_list(ctx, profile.ciphers.c_str()) != 1) {
    error = "proxy_ssl_ciphers \"" + profile.ciphers +
            "\" selects no cipher: " + drain_openssl_errors();
    return nullptr;
  }
  if (!use_trusted(ctx, profile, files.trusted, error) ||
      !use_client_certificate(ctx, files.client, error)) {
    return nullptr;
  }
  if (profile.session_reuse) {
    // Sessions reach the proxy through the new-session callback (upstream_contexts.cc), which
    // also sees TLS 1.3 tickets that arrive after the handshake; OpenSSL keeps none itself.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  }
  return context;
}

}  // namespace yoke::tls
