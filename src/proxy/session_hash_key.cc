// Phase "choose upstream": the request's key for hashing policies (LbContext::hash_key). It is
// computed once per request, before the first attempt, and only when the upstream's policy
// declared that it hashes one (PolicyFactory::hash_key); retries reuse it.
#include <netinet/in.h>

#include "client_session.h"
#include "worker.h"
#include "yoke/balancing/hash.h"

namespace yoke::proxy {

void ClientSession::compute_hash_key(const router::UpstreamEntry& entry) {
  has_hash_key_ = entry.hash_key != balancing::HashKeyKind::kNone;
  if (!has_hash_key_) return;
  if (entry.hash_key == balancing::HashKeyKind::kClientNetwork) {
    hash_key_ = balancing::hash_bytes(client_network());
    return;
  }
  // nginx's hash module evaluates the key's complex value per request, then hashes the bytes.
  std::string& key = worker_.scratch().key;
  key.clear();
  router::expand(entry.hash_key_expression, *this,
                 [&key](std::string_view part) { key.append(part); });
  hash_key_ = balancing::hash_bytes(key);
}

// nginx's ngx_http_upstream_init_ip_hash_peer: the first three octets of an IPv4 address, the
// whole sixteen of an IPv6 one, and three zero bytes for any other family (a unix socket), so
// those clients all share one server.
std::string_view ClientSession::client_network() const {
  static constexpr char kPseudoAddress[3] = {0, 0, 0};
  const sockaddr* address = peer_.get();
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return {reinterpret_cast<const char*>(&v4->sin_addr), 3};
  }
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    return {reinterpret_cast<const char*>(&v6->sin6_addr), 16};
  }
  return {kPseudoAddress, sizeof kPseudoAddress};
}

}  // namespace yoke::proxy
