// One server's SSL_CTX: protocols, ciphers, certificates, session resumption, ALPN. Workers
// each build their own (nginx's worker processes each hold theirs too), so the session cache
// and the context's reference counts are never shared between threads.
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "yoke/tls/credentials.h"

namespace yoke::tls {
namespace {

constexpr unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

// ALPN (RFC 7301 §3.2): pick http/1.1; a client offering only protocols we do not speak gets
// the no_application_protocol alert, as nginx sends it.
int select_alpn(SSL* /*ssl*/, const unsigned char** out, unsigned char* out_length,
                const unsigned char* offered, unsigned int offered_length, void* /*arg*/) {
  unsigned char* chosen = nullptr;
  int status =
      SSL_select_next_proto(&chosen, out_length, kHttp11, sizeof kHttp11, offered, offered_length);
  if (status != OPENSSL_NPN_NEGOTIATED) return SSL_TLSEXT_ERR_ALERT_FATAL;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

// SSL_OP_NO_* for every version left out, so that a set with gaps ("TLSv1 TLSv1.3") means
// what it says.
long protocol_options(unsigned protocols) {
  long options = SSL_OP_NO_SSLv3;
  if ((protocols & config::kTlsV1) == 0) options |= SSL_OP_NO_TLSv1;
  if ((protocols & config::kTlsV1_1) == 0) options |= SSL_OP_NO_TLSv1_1;
  if ((protocols & config::kTlsV1_2) == 0) options |= SSL_OP_NO_TLSv1_2;
  if ((protocols & config::kTlsV1_3) == 0) options |= SSL_OP_NO_TLSv1_3;
  return options;
}

namespace {

bool use_keys(SSL_CTX* context, const std::vector<CertifiedKey>& keys, std::string& error) {
  for (const auto& pair : keys) {
    // A key of its own per context: an RSA key's blinding state is locked when threads share
    // it (OpenSSL's mt_blinding), so workers do not share key objects.
    KeyPtr key(EVP_PKEY_dup(pair.key.get()));
    bool ok = key != nullptr && SSL_CTX_use_certificate(context, pair.certificate.get()) == 1 &&
              SSL_CTX_use_PrivateKey(context, key.get()) == 1 &&
              SSL_CTX_set1_chain(context, pair.chain.get()) == 1;
    if (!ok) {
      error = "cannot use certificate: " + drain_openssl_errors();
      return false;
    }
  }
  return true;
}

bool apply_conf_commands(SSL_CTX* context, const config::Ssl& ssl, std::string& error) {
  if (ssl.conf_commands.empty()) return true;
  SSL_CONF_CTX* conf = SSL_CONF_CTX_new();
  SSL_CONF_CTX_set_flags(conf, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_SERVER |
                                   SSL_CONF_FLAG_CERTIFICATE | SSL_CONF_FLAG_SHOW_ERRORS);
  SSL_CONF_CTX_set_ssl_ctx(conf, context);
  bool ok = true;
  for (const auto& [name, value] : ssl.conf_commands) {
    if (SSL_CONF_cmd(conf, name.c_str(), value.c_str()) <= 0) {
      error = "ssl_conf_command \"";
      error += name;
      error += "\" \"";
      error += value;
      error += "\" failed: ";
      error += drain_openssl_errors();
      ok = false;
      break;
    }
  }
  ok = ok && SSL_CONF_CTX_finish(conf) == 1;
  SSL_CONF_CTX_free(conf);
  return ok;
}

void configure_sessions(SSL_CTX* context, const config::Ssl& ssl, std::size_t server_index) {
  // A session resumes only on the server (and so the certificate) that made it.
  std::string id = "yoke-server-" + std::to_string(server_index);
  SSL_CTX_set_session_id_context(context, reinterpret_cast<const unsigned char*>(id.data()),
                                 static_cast<unsigned>(id.size()));
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(ssl.session_timeout).count();
  SSL_CTX_set_timeout(context, seconds);
  if (ssl.session_cache_entries == 0) {
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
  } else {
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(context, static_cast<long>(ssl.session_cache_entries));
  }
  if (!ssl.session_tickets) SSL_CTX_set_options(context, SSL_OP_NO_TICKET);
}

// optional_no_ca: ask for a certificate and accept any (nginx passes it on for the
// application to judge; $ssl_client_verify tells the result).
int accept_any_certificate(int /*preverified*/, X509_STORE_CTX* /*store*/) { return 1; }

// ssl_verify_client: OpenSSL verifies the chain against ssl_client_certificate during the
// handshake, and the CertificateRequest names those CAs (as nginx sends them).
bool configure_client_verification(SSL_CTX* context, const config::Ssl& ssl, std::string& error) {
  if (ssl.verify_client == config::VerifyClient::kOff) return true;
  if (!ssl.client_certificate.empty()) {
    if (SSL_CTX_load_verify_locations(context, ssl.client_certificate.c_str(), nullptr) != 1) {
      error = "cannot load ssl_client_certificate \"" + ssl.client_certificate +
              "\": " + drain_openssl_errors();
      return false;
    }
    SSL_CTX_set_client_CA_list(context, SSL_load_client_CA_file(ssl.client_certificate.c_str()));
  }
  int mode = SSL_VERIFY_PEER;
  if (ssl.verify_client == config::VerifyClient::kOn) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(
      context, mode,
      ssl.verify_client == config::VerifyClient::kOptionalNoCa ? accept_any_certificate : nullptr);
  SSL_CTX_set_verify_depth(context, ssl.verify_depth);
  return true;
}

// Staples the configured OCSP response when the client asked for one (status_request); OpenSSL
// frees what it is given, so each handshake gets a copy.
int staple_ocsp(SSL* ssl, void* arg) {
  const auto* response = static_cast<const std::string*>(arg);
  auto* copy = static_cast<unsigned char*>(OPENSSL_malloc(response->size()));
  if (copy == nullptr) return SSL_TLSEXT_ERR_NOACK;
  std::copy(response->begin(), response->end(), copy);
  SSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<long>(response->size()));
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

ContextPtr make_server_context(const config::Server& server, std::size_t server_index,
                               const ServerCredentials& credentials, std::string& error) {
  const config::Ssl& ssl = server.ssl;
  ContextPtr context(SSL_CTX_new(TLS_server_method()));
  if (!context) {
    error = "SSL_CTX_new() failed: " + drain_openssl_errors();
    return nullptr;
  }
  SSL_CTX* ctx = context.get();
  long options = protocol_options(ssl.protocols) | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                 SSL_OP_IGNORE_UNEXPECTED_EOF;
  if (ssl.prefer_server_ciphers) options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  SSL_CTX_set_options(ctx, options);
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  // Buffers go back to the allocator whenever they are empty, so an idle keep-alive
  // connection holds no 16 KiB record buffers (nginx sets the same mode). Partial writes let a
  // write return after each record, as a socket write would.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                            SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Read whole socket contents at once instead of a header then a body per record: one read
  // system call per batch of records rather than two per record.
  SSL_CTX_set_read_ahead(ctx, 1);
  if (SSL_CTX_set_cipher_list(ctx, ssl.ciphers.c_str()) != 1) {
    error = "ssl_ciphers \"" + ssl.ciphers + "\" selects no cipher: " + drain_openssl_errors();
    return nullptr;
  }
  if (!use_keys(ctx, credentials.keys, error) || !apply_conf_commands(ctx, ssl, error) ||
      !configure_client_verification(ctx, ssl, error)) {
    return nullptr;
  }
  configure_sessions(ctx, ssl, server_index);
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
  if (!credentials.ocsp_response.empty()) {
    // SSL_CTX_set_tlsext_status_cb without its C-style cast.
    SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB,
                          reinterpret_cast<void (*)()>(staple_ocsp));
    SSL_CTX_set_tlsext_status_arg(ctx, const_cast<std::string*>(&credentials.ocsp_response));
  }
  return context;
}

}  // namespace yoke::tls
