#pragma once
// When each loaded certificate stops being valid (its notAfter, RFC 5280 §4.1.2.5), for the
// yoke_tls_certificate_expiry_timestamp_seconds metric and the "certificate expiring" alert.
// Computed on the main thread from the immutable Credentials; read-only afterwards.
#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "yoke/config/model.h"
#include "yoke/tls/credentials.h"

namespace yoke::tls {

struct CertificateExpiry {
  std::string server_name;             // the server block's first server_name ("" when it has none)
  std::string file;                    // the ssl_certificate path
  std::int64_t not_after_seconds = 0;  // since the Unix epoch, UTC
};

// certificate's notAfter in seconds since the Unix epoch; empty when it cannot be read.
std::optional<std::int64_t> not_after_seconds(const X509& certificate);

// One entry per (server_name, certificate file) pair of every TLS server of config, in
// configuration order, without repeats (http-level certificates are inherited by every server,
// and two servers may share a first name). credentials must be the ones loaded from config.
std::vector<CertificateExpiry> certificate_expiries(const config::Config& config,
                                                    const Credentials& credentials);

}  // namespace yoke::tls
