// notAfter as Unix seconds: both ASN.1 time forms (UTCTime before 2050, GeneralizedTime from
// 2050 on, RFC 5280 §4.1.2.5) give the instant they were set to.
#include "yoke/tls/certificate_expiry.h"

#include <gtest/gtest.h>

namespace yoke::tls {
namespace {

X509Ptr certificate_valid_until(std::time_t until) {
  X509Ptr certificate(X509_new());
  X509_time_adj_ex(X509_getm_notAfter(certificate.get()), 0, 0, &until);
  return certificate;
}

TEST(CertificateExpiry, ReadsUtcTime) {
  // 2027-03-02T14:34:56Z, written as UTCTime ("270302143456Z").
  const std::time_t until = 1803998096;
  X509Ptr certificate = certificate_valid_until(until);
  EXPECT_EQ(ASN1_STRING_type(X509_get0_notAfter(certificate.get())), V_ASN1_UTCTIME);
  EXPECT_EQ(not_after_seconds(*certificate), until);
}

TEST(CertificateExpiry, ReadsGeneralizedTime) {
  // 2051-01-01T00:00:00Z, past UTCTime's range.
  const std::time_t until = 2556144000;
  X509Ptr certificate = certificate_valid_until(until);
  EXPECT_EQ(ASN1_STRING_type(X509_get0_notAfter(certificate.get())), V_ASN1_GENERALIZEDTIME);
  EXPECT_EQ(not_after_seconds(*certificate), until);
}

TEST(CertificateExpiry, EmptyWithoutNotAfter) {
  X509Ptr certificate(X509_new());
  EXPECT_FALSE(not_after_seconds(*certificate).has_value());
}

}  // namespace
}  // namespace yoke::tls
