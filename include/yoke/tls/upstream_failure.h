#pragma once
// Why a TLS handshake with an upstream failed (proxy_pass https://), for
// yoke_upstream_tls_handshake_failures_total{reason} and the error log. Kept apart from
// upstream_tls.h so that the metrics block needs no OpenSSL header.
#include <cstdint>
#include <string_view>

namespace yoke::tls {

enum class UpstreamHandshakeFailure : std::uint8_t {
  kVerify,    // proxy_ssl_verify: the certificate chain or the name did not verify
  kProtocol,  // no common protocol version, cipher or signature algorithm
  kClosed,    // the upstream closed or reset the connection mid-handshake
  kTimeout,   // proxy_connect_timeout expired mid-handshake
  kOther,     // anything else (an alert from the upstream, e.g. it refused our certificate)
  kCount
};

std::string_view upstream_failure_name(UpstreamHandshakeFailure failure);

}  // namespace yoke::tls
