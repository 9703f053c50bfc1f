// The `hash KEY [consistent | maglev] [balance_factor=F]` directive (nginx's
// ngx_http_upstream_hash_module, plus Maglev and bounded loads): KEY is a variable expression
// the proxy evaluates and hashes once per request (the registration declares it, so upstreams
// of other policies pay nothing). Plain `hash` is nginx's weighted modulo with rehashing
// (support/weighted_modulo.h); `consistent` a ketama ring (consistent_hash.cc); `maglev` a Maglev
// table (maglev_hash.cc). Ring and table are built once per snapshot and shared by the workers.
//
// As nginx's hash module, it has no backup servers (the loader rejects `backup`).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balancing/hash/hash_arguments.h"
#include "balancing/hash/hash_policies.h"
#include "balancing/maglev/maglev_table.h"
#include "balancing/support/weighted_modulo.h"
#include "yoke/balancing/policy.h"

namespace yoke::balancing {
namespace {

class ModuloHashPolicy final : public Policy {
 public:
  explicit ModuloHashPolicy(const std::vector<const Host*>& group) : picker_(group) {}

  const Host* choose(const LbContext& context, const Eligibility& eligibility) override {
    return picker_.pick(context.has_hash_key ? context.hash_key : 0, eligibility);
  }

 private:
  WeightedModulo picker_;
};

HashArguments parsed(const std::vector<config::Argument>& args) {
  HashArguments arguments;
  parse_hash_arguments(args, arguments);  // validated at config load
  return arguments;
}

std::optional<std::string> validate(const std::vector<config::Argument>& args) {
  HashArguments arguments;
  return parse_hash_arguments(args, arguments);
}

HashKeyNeed hash_key(const std::vector<config::Argument>& args) {
  if (args.empty()) return {};
  return {HashKeyKind::kExpression, &args[0]};
}

// A Maglev table slot holds a 16-bit host position (maglev_table.h).
std::size_t max_hosts(const std::vector<config::Argument>& args) {
  return parsed(args).mode == HashMode::kMaglev ? MaglevTable::kMaxServers : 0;
}

SharedPolicyStatePtr share(const std::vector<config::Argument>& args,
                           const std::vector<const Host*>& group) {
  switch (parsed(args).mode) {
    case HashMode::kConsistent:
      return build_ketama_ring(group);
    case HashMode::kMaglev:
      return build_maglev_state(group);
    case HashMode::kModulo:
      break;
  }
  return nullptr;
}

std::unique_ptr<Policy> create_shared(const std::vector<config::Argument>& args,
                                      const std::vector<const Host*>& group,
                                      SharedPolicyStatePtr shared) {
  const HashArguments arguments = parsed(args);
  switch (arguments.mode) {
    case HashMode::kConsistent:
      return make_consistent_hash(group, std::move(shared), arguments.balance_factor);
    case HashMode::kMaglev:
      return make_maglev_hash(group, std::move(shared), arguments.balance_factor);
    case HashMode::kModulo:
      break;
  }
  return std::make_unique<ModuloHashPolicy>(group);
}

std::unique_ptr<Policy> create(const std::vector<config::Argument>& args,
                               const std::vector<const Host*>& group) {
  return create_shared(args, group, share(args, group));
}

[[maybe_unused]] const bool kRegistered = register_policy({.directive = "hash",
                                                           .validate = &validate,
                                                           .create = &create,
                                                           .hash_key = &hash_key,
                                                           .supports_backup = false,
                                                           .max_hosts = &max_hosts,
                                                           .share = &share,
                                                           .create_shared = &create_shared});

}  // namespace
}  // namespace yoke::balancing
