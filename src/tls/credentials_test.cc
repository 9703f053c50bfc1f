// Credentials::load on real PEM files written by the test (keys made with OpenSSL's own
// generator, so no external tool is needed): good pairs load, and every kind of bad file or
// setting fails at the directive that named it.
#include "yoke/tls/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace yoke::tls {
namespace {

using ::testing::StartsWith;

// A fresh folder per test, removed afterwards.
class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "yoke-tls-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempFolder() { std::filesystem::remove_all(path_); }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes NAME.crt (self-signed, CN=name) and NAME.key (P-256) into folder.
void write_pair(const TempFolder& folder, const std::string& name) {
  KeyPtr key(EVP_EC_gen("P-256"));
  ASSERT_TRUE(key);
  X509Ptr certificate(X509_new());
  ASSERT_EQ(X509_set_version(certificate.get(), 2), 1);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 86400);
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(certificate.get(), subject);
  X509_set_pubkey(certificate.get(), key.get());
  ASSERT_GT(X509_sign(certificate.get(), key.get(), EVP_sha256()), 0);
  FILE* out = std::fopen(folder.file(name + ".crt").c_str(), "w");
  ASSERT_NE(out, nullptr);
  PEM_write_X509(out, certificate.get());
  std::fclose(out);
  out = std::fopen(folder.file(name + ".key").c_str(), "w");
  ASSERT_NE(out, nullptr);
  PEM_write_PrivateKey(out, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
}

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
