// proxy_pass https:// and the proxy_ssl_* directives: the implicit port, inheritance http →
// server → location, the profiles shared by locations that agree, and the errors. Files are
// only named here (src/tls/ loads them: upstream_tls_test.cc), so the paths need not exist.
#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

Config load(const std::string& text) { return load_config_text(text, "/etc/yoke/t.conf"); }

std::string in_server(const std::string& body) {
  return "http {\n  upstream api { server 10.0.0.1:8443; }\n  server {\n" + body + "\n  }\n}\n";
}

TEST(ConfigProxySsl, HttpsLiteralHostGetsPort443AndNginxDefaults) {
  Config config = load(in_server("location / { proxy_pass https://127.0.0.1; }"));
  const Location& location = config.http.servers.at(0).locations.at(0);
  ASSERT_TRUE(location.proxy_pass);
  EXPECT_TRUE(location.proxy_pass->tls);
  EXPECT_EQ(location.proxy_pass->scheme, "https");
  EXPECT_EQ(location.proxy_pass->upstream, "127.0.0.1:443");
  EXPECT_EQ(location.proxy_pass->host, "127.0.0.1");
  ASSERT_EQ(config.http.upstream_tls.size(), 1u);
  const ProxySsl& profile = config.http.upstream_tls[0];
  EXPECT_EQ(location.proxy_pass->tls_profile, 0u);
  EXPECT_FALSE(profile.server_name);
  EXPECT_EQ(profile.name, "127.0.0.1");  // nginx's $proxy_host without the port
  EXPECT_FALSE(profile.verify);
  EXPECT_EQ(profile.verify_depth, 1);
  EXPECT_EQ(profile.protocols, kTlsV1_2 | kTlsV1_3);
  EXPECT_EQ(profile.ciphers, "DEFAULT");
  EXPECT_TRUE(profile.session_reuse);
  EXPECT_TRUE(profile.certificate.empty());
}

TEST(ConfigProxySsl, PlainProxyPassMakesNoProfile) {
  Config config = load(in_server("location / { proxy_pass http://api; proxy_ssl_verify off; }"));
  EXPECT_FALSE(config.http.servers[0].locations[0].proxy_pass->tls);
  EXPECT_TRUE(config.http.upstream_tls.empty());
}

TEST(ConfigProxySsl, InheritedDownTheLevelsAndPathsRelativeToTheFile) {
  Config config = load(
      "http {\n"
      "  upstream api { server 10.0.0.1:8443; }\n"
      "  proxy_ssl_trusted_certificate ca.pem;\n"
      "  proxy_ssl_verify on;\n"
      "  server {\n"
      "    proxy_ssl_server_name on;\n"
      "    proxy_ssl_certificate client.crt;\n"
      "    proxy_ssl_certificate_key /keys/client.key;\n"
      "    location /a/ { proxy_pass https://api; proxy_ssl_name backend.test; }\n"
      "    location /b/ { proxy_pass https://api; proxy_ssl_verify_depth 3;\n"
      "                   proxy_ssl_protocols TLSv1.3; proxy_ssl_ciphers HIGH;\n"
      "                   proxy_ssl_session_reuse off; }\n"
      "  }\n"
      "}\n");
  const auto& locations = config.http.servers.at(0).locations;
  ASSERT_EQ(config.http.upstream_tls.size(), 2u);
  const ProxySsl& a = config.http.upstream_tls[locations[0].proxy_pass->tls_profile];
  const ProxySsl& b = config.http.upstream_tls[locations[1].proxy_pass->tls_profile];
  EXPECT_TRUE(a.verify);
  EXPECT_EQ(a.trusted_certificate, "/etc/yoke/ca.pem");
  EXPECT_EQ(a.trusted_certificate_where.line, 3);
  EXPECT_TRUE(a.server_name);
  EXPECT_EQ(a.name, "backend.test");
  EXPECT_EQ(a.certificate, "/etc/yoke/client.crt");
  EXPECT_EQ(a.certificate_key, "/keys/client.key");
  EXPECT_EQ(a.certificate_key_where.line, 8);
  EXPECT_EQ(b.name, "api");  // the upstream's name, as nginx's $proxy_host
  EXPECT_EQ(b.verify_depth, 3);
  EXPECT_EQ(b.protocols, kTlsV1_3);
  EXPECT_EQ(b.ciphers, "HIGH");
  EXPECT_EQ(b.ciphers_where.line, 11);
  EXPECT_FALSE(b.session_reuse);
  EXPECT_TRUE(b.verify);
}

// Locations that resolve to the same settings and name share one profile (and so one context,
// pooled connections and sessions per worker).
TEST(ConfigProxySsl, LocationsThatAgreeShareAProfile) {
  Config config =
      load(in_server("location /a/ { proxy_pass https://api; }\n"
                     "location /b/ { proxy_pass https://api/v2/; }\n"
                     "location /c/ { proxy_pass https://api; proxy_ssl_server_name on; }\n"
                     "location /d/ { proxy_pass https://127.0.0.1:9443; }\n"));
  const auto& locations = config.http.servers.at(0).locations;
  EXPECT_EQ(locations[0].proxy_pass->tls_profile, 0u);
  EXPECT_EQ(locations[1].proxy_pass->tls_profile, 0u);
  EXPECT_EQ(locations[2].proxy_pass->tls_profile, 1u);
  EXPECT_EQ(locations[3].proxy_pass->tls_profile, 2u);
  EXPECT_EQ(locations[3].proxy_pass->upstream, "127.0.0.1:9443");
  EXPECT_EQ(config.http.upstream_tls.size(), 3u);
}

TEST(ConfigProxySsl, Errors) {
  EXPECT_EQ(load_error(in_server("location / { proxy_pass https://api; proxy_ssl_verify on; }")),
            "t.conf:4:38: no \"proxy_ssl_trusted_certificate\" is defined for "
            "\"proxy_ssl_verify\", expected the file of the CAs that sign upstream certificates");
  EXPECT_EQ(
      load_error(in_server("proxy_ssl_certificate c.crt;\nlocation / { proxy_pass https://api; }")),
      "t.conf:4:1: no \"proxy_ssl_certificate_key\" is defined for certificate \"c.crt\"");
  EXPECT_EQ(load_error(in_server("proxy_ssl_certificate_key c.key;\nlocation / { return 200; }")),
            "t.conf:4:1: no \"proxy_ssl_certificate\" is defined for certificate key \"c.key\"");
  EXPECT_EQ(load_error(in_server("proxy_ssl_server_name yes;\nlocation / { return 200; }")),
            "t.conf:4:23: invalid value \"yes\" in \"proxy_ssl_server_name\" directive, it must "
            "be \"on\" or \"off\"");
  EXPECT_EQ(load_error(in_server("proxy_ssl_protocols SSLv3;\nlocation / { return 200; }")),
            "t.conf:4:21: invalid value \"SSLv3\" in \"proxy_ssl_protocols\" directive, expected "
            "TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3 (SSLv2 and SSLv3 are not supported)");
  EXPECT_EQ(load_error(in_server("proxy_ssl_name $host;\nlocation / { return 200; }")),
            "t.conf:4:16: variables in \"proxy_ssl_name\" are not supported, expected a host name");
  EXPECT_EQ(load_error(in_server("proxy_ssl_verify_depth 0;\nlocation / { return 200; }")),
            "t.conf:4:24: invalid value \"0\" in \"proxy_ssl_verify_depth\" directive, "
            "expected a number from 1 to 100");
  EXPECT_EQ(load_error(in_server("proxy_ssl_verify on;\nproxy_ssl_verify off;\n"
                                 "location / { return 200; }")),
            "t.conf:5:1: \"proxy_ssl_verify\" directive is duplicate");
}

}  // namespace
}  // namespace yoke::config
