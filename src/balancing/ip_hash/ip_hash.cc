// nginx's ip_hash (src/http/modules/ngx_http_upstream_ip_hash_module.c): clients of one IPv4
// /24 network — the first three octets of the address — or one whole IPv6 address go to the
// same server, in proportion to the weights, and move only when that server cannot be used.
//
// The proxy hashes those bytes into LbContext::hash_key (the policy declares
// HashKeyKind::kClientNetwork; src/proxy/session_hash_key.cc). nginx's own hash
// (`hash = (hash * 113 + octet) % 6271`) would spread 16 million /24 networks over only 6,271
// values; xxHash spreads them over 2^64. The peer walk is nginx's (support/weighted_modulo.h).
//
// Like nginx, ip_hash has no backup servers: the config loader rejects `backup` with it
// (nginx: "balancing method does not support parameter backup").
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balancing/support/weighted_modulo.h"
#include "yoke/balancing/policy.h"

namespace yoke::balancing {
namespace {

class IpHashPolicy final : public Policy {
 public:
  explicit IpHashPolicy(const std::vector<const Host*>& group) : picker_(group) {}

  const Host* choose(const LbContext& context, const Eligibility& eligibility) override {
    // Without a key (a caller that does not provide one) every request hashes as key 0, as
    // nginx's pseudo address sends every non-IP client to one server.
    return picker_.pick(context.has_hash_key ? context.hash_key : 0, eligibility);
  }

 private:
  WeightedModulo picker_;
};

std::optional<std::string> validate(const std::vector<config::Argument>& args) {
  if (!args.empty()) return std::string("ip_hash takes no arguments");
  return std::nullopt;
}

std::unique_ptr<Policy> create(const std::vector<config::Argument>& /*args*/,
                               const std::vector<const Host*>& group) {
  return std::make_unique<IpHashPolicy>(group);
}

HashKeyNeed hash_key(const std::vector<config::Argument>& /*args*/) {
  return {HashKeyKind::kClientNetwork, nullptr};
}

[[maybe_unused]] const bool kRegistered = register_policy({.directive = "ip_hash",
                                                           .validate = &validate,
                                                           .create = &create,
                                                           .hash_key = &hash_key,
                                                           .supports_backup = false});

}  // namespace
}  // namespace yoke::balancing
