// Loading ssl_certificate / ssl_certificate_key pairs (PEM) and checking that each key matches
// its certificate, with errors at the directive that named the file.
#include "yoke/tls/credentials.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "yoke/tls/ticket_key_ring.h"
#include "yoke/tls/upstream_tls.h"

namespace yoke::tls {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

[[noreturn]] void fail(const config::SourceLocation& where, const std::string& message) {
  throw config::ConfigError(where, message);
}

// An encrypted key would make OpenSSL prompt on the terminal: refuse it instead.
int no_passphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*user*/) { return 0; }

BioPtr open_file(const std::string& path, const config::SourceLocation& where, const char* what) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (bio == nullptr) {
    fail(where,
         std::string("cannot read ") + what + " \"" + path + "\" (" + drain_openssl_errors() + ")");
  }
  return bio;
}

}  // namespace

void load_certificate(const config::SslCertificate& files, CertifiedKey& pair) {
  BioPtr bio = open_file(files.certificate, files.certificate_where, "certificate");
  pair.certificate.reset(PEM_read_bio_X509_AUX(bio.get(), nullptr, no_passphrase, nullptr));
  if (!pair.certificate) {
    fail(files.certificate_where, "cannot load certificate \"" + files.certificate +
                                      "\": no PEM certificate in it (" + drain_openssl_errors() +
                                      ")");
  }
  pair.chain.reset(sk_X509_new_null());
  for (;;) {
    X509Ptr next(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
    if (!next) break;
    sk_X509_push(pair.chain.get(), next.release());
  }
  // The loop ends on "no start line" at the end of the file: that is not an error.
  ERR_clear_error();
}

void load_key(const config::SslCertificate& files, CertifiedKey& pair) {
  BioPtr bio = open_file(files.key, files.key_where, "certificate key");
  pair.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!pair.key) {
    fail(files.key_where, "cannot load certificate key \"" + files.key +
                              "\": no unencrypted PEM private key in it (" +
                              drain_openssl_errors() + ")");
  }
  if (X509_check_private_key(pair.certificate.get(), pair.key.get()) != 1) {
    ERR_clear_error();
    fail(files.key_where, "certificate key \"" + files.key + "\" does not match certificate \"" +
                              files.certificate + "\"");
  }
}

namespace {

// ssl_client_certificate must hold at least one PEM certificate; workers load it themselves.
void check_client_cas(const config::Ssl& ssl) {
  if (ssl.client_certificate.empty()) return;
  BioPtr bio = open_file(ssl.client_certificate, ssl.client_certificate_where,
                         "client certificate authorities");
  X509Ptr first(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
  if (!first) {
    fail(ssl.client_certificate_where,
         "cannot load client certificate authorities \"" + ssl.client_certificate +
             "\": no PEM certificate in it (" + drain_openssl_errors() + ")");
  }
}

// ssl_stapling_file: a DER OCSP response, checked to parse (nginx's ngx_ssl_stapling_file); it
// is stapled as it is, so refreshing it is the operator's job (docs/configuration.md).
std::string load_ocsp_response(const config::Ssl& ssl) {
  if (ssl.stapling_file.empty()) return {};
  BioPtr bio = open_file(ssl.stapling_file, ssl.stapling_file_where, "OCSP response");
  std::unique_ptr<OCSP_RESPONSE, decltype(&OCSP_RESPONSE_free)> response(
      d2i_OCSP_RESPONSE_bio(bio.get(), nullptr), OCSP_RESPONSE_free);
  if (!response) {
    fail(ssl.stapling_file_where, "cannot load OCSP response \"" + ssl.stapling_file +
                                      "\": not a DER OCSP response (" + drain_openssl_errors() +
                                      ")");
  }
  unsigned char* der = nullptr;
  int length = i2d_OCSP_RESPONSE(response.get(), &der);
  std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return bytes;
}

}  // namespace

std::string drain_openssl_errors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof line);
    if (!text.empty()) text += "; ";
    text += line;
  }
  return text.empty() ? "no OpenSSL error reported" : text;
}

std::shared_ptr<const Credentials> Credentials::load(const config::Config& config) {
  auto credentials = std::make_shared<Credentials>();
  const auto& servers = config.http.servers;
  credentials->servers_.resize(servers.size());
  // Generated per start (and per reload, once reload exists): a restart invalidates tickets,
  // as nginx's built-in keys do; every worker starts from this key and then rotates
  // (ticket_key_ring.h).
  credentials->ticket_keys_ = generate_ticket_keys();
  for (std::size_t i = 0; i < servers.size(); ++i) {
    for (const auto& files : servers[i].ssl.certificates) {
      CertifiedKey pair;
      load_certificate(files, pair);
      load_key(files, pair);
      credentials->servers_[i].keys.push_back(std::move(pair));
    }
    if (servers[i].ssl.certificates.empty()) continue;
    credentials->ticket_key_period_ =
        std::max(credentials->ticket_key_period_, servers[i].ssl.session_timeout);
    check_client_cas(servers[i].ssl);
    credentials->servers_[i].ocsp_response = load_ocsp_response(servers[i].ssl);
    std::string error;
    if (!make_server_context(servers[i], i, credentials->servers_[i], error)) {
      fail(servers[i].ssl.certificates.front().certificate_where, error);
    }
  }
  for (const auto& profile : config.http.upstream_tls) {
    credentials->upstreams_.push_back(load_upstream_tls_files(profile));
  }
  return credentials;
}

}  // namespace yoke::tls
