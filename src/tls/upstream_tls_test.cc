// Upstream TLS profiles on real PEM files written by the test: good files load and give each
// worker a client context whose SSLs carry the configured name; bad files fail at the directive
// that named them (what `yoke -t` and a reload report).
#include "yoke/tls/upstream_tls.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <string>

#include "tls/pem_test_util.h"
#include "yoke/tls/upstream_contexts.h"

namespace yoke::tls {
namespace {

using ::testing::StartsWith;

std::string with_location(const std::string& location_body) {
  return "http {\n  server {\n    listen 127.0.0.1:1;\n    location / {\n"
         "      proxy_pass https://127.0.0.1:8443;\n" +
         location_body + "\n    }\n  }\n}\n";
}

std::string load_error(const std::string& location_body) {
  try {
    Credentials::load(config::load_config_text(with_location(location_body), "/t.conf"));
  } catch (const config::ConfigError& error) {
    return error.what();
  }
  return "no error";
}

// One end of a socket pair for SSL_set_fd; nothing is sent on it.
class SocketPair {
 public:
  SocketPair() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
  ~SocketPair() {
    close(fds_[0]);
    close(fds_[1]);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
  int fd() const { return fds_[0]; }

 private:
  int fds_[2] = {-1, -1};
};

TEST(UpstreamTls, LoadsFilesAndSetsTheNameOnEachConnection) {
  TempFolder folder;
  write_pair(folder, "ca");
  write_pair(folder, "client");
  std::string body = "      proxy_ssl_verify on;\n      proxy_ssl_trusted_certificate " +
                     folder.file("ca.crt") + ";\n      proxy_ssl_certificate " +
                     folder.file("client.crt") + ";\n      proxy_ssl_certificate_key " +
                     folder.file("client.key") +
                     ";\n      proxy_ssl_name api.test;\n      proxy_ssl_server_name on;";
  config::Config config = config::load_config_text(with_location(body), "/t.conf");
  auto credentials = Credentials::load(config);
  EXPECT_EQ(sk_X509_num(credentials->upstream(0).trusted.get()), 1);
  EXPECT_TRUE(credentials->upstream(0).client.certificate);
  UpstreamContexts contexts(config, *credentials);
  SocketPair pair;
  SessionSlot slot;
  SSL* ssl = contexts.connect(0, pair.fd(), &slot);
  ASSERT_NE(ssl, nullptr);
  EXPECT_STREQ(SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name), "api.test");
  EXPECT_STREQ(X509_VERIFY_PARAM_get0_host(SSL_get0_param(ssl), 0), "api.test");
  EXPECT_EQ(SSL_get_verify_mode(ssl), SSL_VERIFY_PEER);
  EXPECT_NE(SSL_get_certificate(ssl), nullptr);  // the client certificate goes with it
  SSL_free(ssl);
}

// nginx's defaults: no SNI, no verification; an address as the name never goes into SNI.
TEST(UpstreamTls, DefaultsSendNoNameAndVerifyNothing) {
  config::Config config = config::load_config_text(with_location(""), "/t.conf");
  auto credentials = Credentials::load(config);
  UpstreamContexts contexts(config, *credentials);
  SocketPair pair;
  SSL* ssl = contexts.connect(0, pair.fd(), nullptr);
  ASSERT_NE(ssl, nullptr);
  EXPECT_EQ(SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name), nullptr);
  EXPECT_EQ(SSL_get_verify_mode(ssl), SSL_VERIFY_NONE);
  SSL_free(ssl);
}

TEST(UpstreamTls, ErrorsNameTheDirectiveAndFile) {
  TempFolder folder;
  write_pair(folder, "a");
  write_pair(folder, "b");
  std::string a_crt = folder.file("a.crt"), a_key = folder.file("a.key");
  std::string b_key = folder.file("b.key"), missing = folder.file("missing.pem");
  auto verify = [](const std::string& file) {
    return "      proxy_ssl_verify on;\n      proxy_ssl_trusted_certificate " + file + ";";
  };
  auto client = [](const std::string& crt, const std::string& key) {
    return "      proxy_ssl_certificate " + crt + ";\n      proxy_ssl_certificate_key " + key + ";";
  };
  EXPECT_THAT(load_error(verify(missing)),
              StartsWith("/t.conf:7:7: cannot read trusted certificates \"" + missing + "\" ("));
  EXPECT_EQ(load_error(verify(a_key)), "/t.conf:7:7: cannot load trusted certificates \"" + a_key +
                                           "\": no PEM certificate in it");
  EXPECT_EQ(load_error(client(a_crt, b_key)), "/t.conf:7:7: certificate key \"" + b_key +
                                                  "\" does not match certificate \"" + a_crt +
                                                  "\"");
  EXPECT_THAT(load_error(client(missing, a_key)),
              StartsWith("/t.conf:6:7: cannot read certificate \"" + missing + "\" ("));
  EXPECT_THAT(load_error("      proxy_ssl_ciphers NOSUCHCIPHER;"),
              StartsWith("/t.conf:6:7: proxy_ssl_ciphers \"NOSUCHCIPHER\" selects no cipher"));
}

}  // namespace
}  // namespace yoke::tls
