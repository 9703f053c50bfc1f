#include "yoke/tls/certificate_expiry.h"

#include <openssl/asn1.h>

#include <algorithm>
#include <ctime>

namespace yoke::tls {

std::optional<std::int64_t> not_after_seconds(const X509& certificate) {
  const ASN1_TIME* not_after = X509_get0_notAfter(&certificate);
  std::tm utc{};
  // ASN1_TIME_to_tm reads both UTCTime and GeneralizedTime (RFC 5280 §4.1.2.5.1-2) as UTC.
  if (not_after == nullptr || ASN1_TIME_to_tm(not_after, &utc) != 1) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&utc));
}

std::vector<CertificateExpiry> certificate_expiries(const config::Config& config,
                                                    const Credentials& credentials) {
  std::vector<CertificateExpiry> expiries;
  const auto& servers = config.http.servers;
  for (std::size_t i = 0; i < servers.size(); ++i) {
    const auto& files = servers[i].ssl.certificates;
    const auto& keys = credentials.server(i).keys;  // loaded in the order of files
    const std::string name = servers[i].server_names.empty() ? "" : servers[i].server_names[0];
    for (std::size_t k = 0; k < files.size() && k < keys.size(); ++k) {
      std::optional<std::int64_t> seconds = not_after_seconds(*keys[k].certificate);
      if (!seconds) continue;
      bool seen = std::any_of(expiries.begin(), expiries.end(), [&](const CertificateExpiry& e) {
        return e.server_name == name && e.file == files[k].certificate;
      });
      if (!seen) expiries.push_back(CertificateExpiry{name, files[k].certificate, *seconds});
    }
  }
  return expiries;
}

}  // namespace yoke::tls
