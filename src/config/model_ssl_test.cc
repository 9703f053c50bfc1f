// ngx_http_ssl_module directives: parsing, inheritance http → server, pairing of certificates
// with keys, and the errors for each kind of mistake. Certificate files are only named here
// (src/tls/ loads them), so the paths need not exist.
#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

Config load(const std::string& text) { return load_config_text(text, "/etc/yoke/t.conf"); }

std::string error_of(const std::string& text) {
  try {
    load(text);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

// nginx's defaults, except the cipher list (forward-secret AEAD suites only).
TEST(ConfigSsl, Defaults) {
  Config config = load("http {\n  server { listen 80; }\n}\n");
  const Ssl& ssl = config.http.servers.at(0).ssl;
  EXPECT_FALSE(config.http.servers[0].listens[0].ssl);
  EXPECT_TRUE(ssl.certificates.empty());
  EXPECT_EQ(ssl.protocols, kTlsV1_2 | kTlsV1_3);
  EXPECT_EQ(ssl.ciphers.find("RSA-AES256-SHA:"), std::string::npos);
  EXPECT_EQ(ssl.ciphers.rfind("ECDHE-ECDSA-AES128-GCM-SHA256:", 0), 0u);
  EXPECT_FALSE(ssl.prefer_server_ciphers);
  EXPECT_EQ(ssl.session_cache_entries, 0u);
  EXPECT_EQ(ssl.session_timeout, Duration(300000));
  EXPECT_TRUE(ssl.session_tickets);
  EXPECT_FALSE(ssl.reject_handshake);
}

TEST(ConfigSsl, ServerInheritsHttpAndPairsCertificatesInOrder) {
  Config config = load(
      "http {\n"
      "  ssl_certificate rsa.crt;\n"
      "  ssl_certificate /abs/ecdsa.crt;\n"
      "  ssl_certificate_key keys/rsa.key;\n"
      "  ssl_certificate_key /abs/ecdsa.key;\n"
      "  ssl_protocols TLSv1.3;\n"
      "  ssl_session_cache builtin:1000 shared:SSL:1m;\n"
      "  server { listen 443 ssl; ssl_session_tickets off; ssl_prefer_server_ciphers on; }\n"
      "  server { listen 8443 ssl; ssl_protocols TLSv1.2; ssl_session_timeout 1h;\n"
      "           ssl_ciphers ECDHE+AESGCM; ssl_conf_command Options -SessionTicket; }\n"
      "}\n");
  const Server& first = config.http.servers.at(0);
  EXPECT_TRUE(first.listens[0].ssl);
  ASSERT_EQ(first.ssl.certificates.size(), 2u);
  EXPECT_EQ(first.ssl.certificates[0].certificate, "/etc/yoke/rsa.crt");
  EXPECT_EQ(first.ssl.certificates[0].key, "/etc/yoke/keys/rsa.key");
  EXPECT_EQ(first.ssl.certificates[0].certificate_where.line, 2);
  EXPECT_EQ(first.ssl.certificates[0].key_where.line, 4);
  EXPECT_EQ(first.ssl.certificates[1].certificate, "/abs/ecdsa.crt");
  EXPECT_EQ(first.ssl.certificates[1].key, "/abs/ecdsa.key");
  EXPECT_EQ(first.ssl.protocols, unsigned{kTlsV1_3});
  EXPECT_EQ(first.ssl.session_cache_entries, 4096u);  // 1m / 256 bytes, the larger part
  EXPECT_FALSE(first.ssl.session_tickets);
  EXPECT_TRUE(first.ssl.prefer_server_ciphers);
  const Server& second = config.http.servers.at(1);
  EXPECT_EQ(second.ssl.certificates.size(), 2u);
  EXPECT_EQ(second.ssl.protocols, unsigned{kTlsV1_2});
  EXPECT_EQ(second.ssl.session_timeout, Duration(3600000));
  EXPECT_TRUE(second.ssl.session_tickets);
  EXPECT_EQ(second.ssl.ciphers, "ECDHE+AESGCM");
  ASSERT_EQ(second.ssl.conf_commands.size(), 1u);
  EXPECT_EQ(second.ssl.conf_commands[0].first, "Options");
}

TEST(ConfigSsl, ServerCertificatesReplaceHttpOnes) {
  Config config = load(
      "http {\n  ssl_certificate a.crt; ssl_certificate_key a.key;\n"
      "  server { listen 443 ssl; ssl_certificate b.crt; ssl_certificate_key b.key; }\n}\n");
  const auto& certificates = config.http.servers.at(0).ssl.certificates;
  ASSERT_EQ(certificates.size(), 1u);
  EXPECT_EQ(certificates[0].certificate, "/etc/yoke/b.crt");
}

TEST(ConfigSsl, SessionCacheForms) {
  auto entries = [](const std::string& value) {
    return load("http {\n  server { ssl_session_cache " + value + "; }\n}\n")
        .http.servers.at(0)
        .ssl.session_cache_entries;
  };
  EXPECT_EQ(entries("off"), 0u);
  EXPECT_EQ(entries("none"), 0u);
  EXPECT_EQ(entries("builtin"), 20480u);
  EXPECT_EQ(entries("builtin:10"), 10u);
  EXPECT_EQ(entries("shared:SSL:10m"), 40960u);
}

TEST(ConfigSsl, RejectHandshakeNeedsNoCertificate) {
  Config config = load("http {\n  server { listen 443 ssl; ssl_reject_handshake on; }\n}\n");
  EXPECT_TRUE(config.http.servers.at(0).ssl.reject_handshake);
}

TEST(ConfigSsl, ClientVerification) {
  Config config = load(
      "http {\n  ssl_client_certificate cas.pem;\n  ssl_verify_depth 3;\n"
      "  server { listen 1; ssl_verify_client on; }\n"
      "  server { listen 2; ssl_verify_client optional_no_ca; }\n  server { listen 3; }\n}\n");
  const Ssl& on = config.http.servers.at(0).ssl;
  EXPECT_EQ(on.verify_client, VerifyClient::kOn);
  EXPECT_EQ(on.client_certificate, "/etc/yoke/cas.pem");
  EXPECT_EQ(on.client_certificate_where.line, 2);
  EXPECT_EQ(on.verify_depth, 3);
  EXPECT_EQ(config.http.servers.at(1).ssl.verify_client, VerifyClient::kOptionalNoCa);
  EXPECT_EQ(config.http.servers.at(2).ssl.verify_client, VerifyClient::kOff);
  EXPECT_EQ(error_of("http {\n  ssl_verify_client optional;\n  server { }\n}\n"),
            "/etc/yoke/t.conf:2:3: no \"ssl_client_certificate\" is defined for "
            "\"ssl_verify_client\", expected the file of the CAs that sign client certificates");
  EXPECT_EQ(error_of("http {\n  server { ssl_verify_client maybe; }\n}\n"),
            "/etc/yoke/t.conf:2:30: invalid value \"maybe\" in \"ssl_verify_client\" "
            "directive, it must be \"on\", \"off\", \"optional\" or \"optional_no_ca\"");
  // optional_no_ca accepts any certificate: no CA file needed.
  EXPECT_EQ(error_of("http {\n  server { ssl_verify_client optional_no_ca; }\n}\n"), "no error");
}

TEST(ConfigSsl, Errors) {
  EXPECT_EQ(error_of("http {\n  server {\n    listen 443 ssl;\n  }\n}\n"),
            "/etc/yoke/t.conf:3:5: no \"ssl_certificate\" is defined for the TLS address "
            "0.0.0.0:443 (\"listen … ssl\"), expected \"ssl_certificate\" and "
            "\"ssl_certificate_key\" or \"ssl_reject_handshake on\"");
  // Another server's "listen … ssl" makes the address TLS for this one too.
  EXPECT_EQ(error_of("http {\n  server { listen 443 ssl; ssl_reject_handshake on; }\n"
                     "  server { listen 443; server_name b; }\n}\n"),
            "/etc/yoke/t.conf:3:12: no \"ssl_certificate\" is defined for the TLS address "
            "0.0.0.0:443 (\"listen … ssl\"), expected \"ssl_certificate\" and "
            "\"ssl_certificate_key\" or \"ssl_reject_handshake on\"");
  EXPECT_EQ(error_of("http {\n  server { ssl_certificate a.crt; }\n}\n"),
            "/etc/yoke/t.conf:2:12: no \"ssl_certificate_key\" is defined for certificate "
            "\"/etc/yoke/a.crt\"");
  EXPECT_EQ(error_of("http {\n  server { ssl_protocols TLSv1.2 SSLv3; }\n}\n"),
            "/etc/yoke/t.conf:2:34: invalid value \"SSLv3\" in \"ssl_protocols\" directive, "
            "expected TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3 (SSLv2 and SSLv3 are not supported)");
  EXPECT_EQ(error_of("http {\n  server { ssl_session_tickets yes; }\n}\n"),
            "/etc/yoke/t.conf:2:32: invalid value \"yes\" in \"ssl_session_tickets\" directive, "
            "it must be \"on\" or \"off\"");
  EXPECT_EQ(error_of("http {\n  server { ssl_session_cache shared:SSL; }\n}\n"),
            "/etc/yoke/t.conf:2:30: invalid session cache \"shared:SSL\", expected off, none, "
            "builtin[:NUMBER] or shared:NAME:SIZE");
  EXPECT_EQ(error_of("http {\n  server { location / { ssl_protocols TLSv1.3; } }\n}\n"),
            "/etc/yoke/t.conf:2:25: \"ssl_protocols\" directive is not allowed here");
  EXPECT_EQ(error_of("http {\n  server { ssl_stapling on; }\n}\n"),
            "/etc/yoke/t.conf:2:12: \"ssl_stapling on\" needs \"ssl_stapling_file\" (Yoke does "
            "not query OCSP responders)");
  EXPECT_EQ(error_of("http {\n  server { ssl_stapling_responder http://x; }\n}\n"),
            "/etc/yoke/t.conf:2:12: unknown directive \"ssl_stapling_responder\"");
  EXPECT_EQ(error_of("http {\n  server { ssl_ciphers A; ssl_ciphers B; }\n}\n"),
            "/etc/yoke/t.conf:2:27: \"ssl_ciphers\" directive is duplicate");
  EXPECT_EQ(load_error("http {\n  server { listen 443 ssl ssl; }\n}\n"),
            "t.conf:2:27: duplicate parameter \"ssl\"");
}

}  // namespace
}  // namespace yoke::config
