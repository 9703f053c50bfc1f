// Credentials::load on real PEM files written by the test (keys made with OpenSSL's own
// generator, so no external tool is needed): good pairs load, and every kind of bad file or
// setting fails at the directive that named it.
#include "yoke/tls/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tls/pem_test_util.h"

namespace yoke::tls {
namespace {

using ::testing::StartsWith;

std::string load_error(const std::string& server_body) {
  std::string text =
      "http {\n  server {\n    listen 127.0.0.1:1 ssl;\n" + server_body + "\n  }\n}\n";
  try {
    Credentials::load(config::load_config_text(text, "/t.conf"));
  } catch (const config::ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(TlsCredentials, LoadsPairsAndMakesContexts) {
  TempFolder folder;
  write_pair(folder, "a");
  write_pair(folder, "b");
  std::string text = "http {\n  server {\n    listen 127.0.0.1:1 ssl;\n    ssl_certificate " +
                     folder.file("a.crt") + ";\n    ssl_certificate_key " + folder.file("a.key") +
                     ";\n  }\n  server {\n    listen 127.0.0.1:2;\n  }\n}\n";
  config::Config config = config::load_config_text(text, "/t.conf");
  auto credentials = Credentials::load(config);
  ASSERT_EQ(credentials->server(0).keys.size(), 1u);
  EXPECT_TRUE(credentials->server(1).keys.empty());
  std::string error;
  ContextPtr context =
      make_server_context(config.http.servers[0], 0, credentials->server(0), error);
  ASSERT_TRUE(context) << error;
  // Ticket keys are random per load: two loads differ (shared by workers, not across starts).
  EXPECT_NE(Credentials::load(config)->ticket_keys(), credentials->ticket_keys());
  // Rotation follows the longest ssl_session_timeout (5m by default), at least a minute.
  EXPECT_EQ(credentials->ticket_key_period(), std::chrono::minutes(5));
}

TEST(TlsCredentials, ErrorsNameTheDirectiveAndFile) {
  TempFolder folder;
  write_pair(folder, "a");
  write_pair(folder, "b");
  std::string a_crt = folder.file("a.crt"), a_key = folder.file("a.key");
  std::string b_key = folder.file("b.key"), missing = folder.file("missing.crt");
  auto pair = [](const std::string& crt, const std::string& key) {
    return "    ssl_certificate " + crt + ";\n    ssl_certificate_key " + key + ";";
  };
  EXPECT_EQ(load_error(pair(a_crt, b_key)), "/t.conf:5:5: certificate key \"" + b_key +
                                                "\" does not match certificate \"" + a_crt + "\"");
  EXPECT_THAT(load_error(pair(missing, a_key)),
              StartsWith("/t.conf:4:5: cannot read certificate \"" + missing + "\" ("));
  EXPECT_THAT(load_error(pair(a_key, a_key)), StartsWith("/t.conf:4:5: cannot load certificate \"" +
                                                         a_key + "\": no PEM certificate in it"));
  EXPECT_THAT(load_error(pair(a_crt, a_crt)),
              StartsWith("/t.conf:5:5: cannot load certificate key \"" + a_crt +
                         "\": no unencrypted PEM private key"));
  EXPECT_THAT(load_error(pair(a_crt, a_key) + "\n    ssl_ciphers NOSUCHCIPHER;"),
              StartsWith("/t.conf:4:5: ssl_ciphers \"NOSUCHCIPHER\" selects no cipher"));
  EXPECT_THAT(load_error(pair(a_crt, a_key) + "\n    ssl_conf_command NoSuchCommand x;"),
              StartsWith("/t.conf:4:5: ssl_conf_command \"NoSuchCommand\" \"x\" failed"));
  EXPECT_THAT(load_error(pair(a_crt, a_key) + "\n    ssl_stapling on;\n" +
                         "    ssl_stapling_file " + a_crt + ";"),
              StartsWith("/t.conf:7:5: cannot load OCSP response \"" + a_crt +
                         "\": not a DER OCSP response"));
  EXPECT_THAT(load_error(pair(a_crt, a_key) + "\n    ssl_verify_client on;\n" +
                         "    ssl_client_certificate " + a_key + ";"),
              StartsWith("/t.conf:7:5: cannot load client certificate authorities"));
}

}  // namespace
}  // namespace yoke::tls
