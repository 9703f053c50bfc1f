#pragma once
// PEM files for TLS unit tests, made with OpenSSL's own generator (no external tool): a temp
// folder per test and self-signed P-256 pairs.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "yoke/tls/credentials.h"

namespace yoke::tls {

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
inline void write_pair(const TempFolder& folder, const std::string& name) {
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

}  // namespace yoke::tls
