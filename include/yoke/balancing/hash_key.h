#pragma once
// What a hashing policy hashes per request. A policy declares it at registration
// (PolicyFactory::hash_key); the config loader checks the expression, and the proxy computes
// LbContext::hash_key once per request, only for upstreams whose policy needs one.
#include <cstdint>

namespace yoke::balancing {

enum class HashKeyKind : std::uint8_t {
  kNone,
  kExpression,     // a variable expression given as an argument (`hash $http_x_user`)
  kClientNetwork,  // the client's IPv4 /24 or whole IPv6 address (nginx's ip_hash)
};

}  // namespace yoke::balancing
