// TLS addresses: "listen … ssl" on any server makes its address a TLS address (nginx merges
// listen options per address the same way), and every server reachable there must be able to
// answer a handshake.
#include <set>
#include <string>

#include "config/build.h"
#include "config/directive_checks.h"

namespace yoke::config {

// nginx only checks the default server of each address and lets the others borrow its
// certificate; Yoke asks each server for its own certificate (or ssl_reject_handshake on),
// since a borrowed certificate would not match the server's names.
void validate_ssl(const Http& http) {
  std::set<std::string> tls_addresses;
  for (const auto& server : http.servers) {
    for (const auto& listen : server.listens) {
      if (listen.ssl) tls_addresses.insert(listen.address.to_string());
    }
  }
  for (const auto& server : http.servers) {
    if (!server.ssl.certificates.empty() || server.ssl.reject_handshake) continue;
    for (const auto& listen : server.listens) {
      std::string address = listen.address.to_string();
      if (tls_addresses.count(address) == 0) continue;
      fail(listen.where, "no \"ssl_certificate\" is defined for the TLS address " + address +
                             " (\"listen … ssl\"), expected \"ssl_certificate\" and "
                             "\"ssl_certificate_key\" or \"ssl_reject_handshake on\"");
    }
  }
}

}  // namespace yoke::config
