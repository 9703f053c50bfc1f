// upstream NAME { }: servers, the upstream keep-alive pool, and at most one balancing policy.
// Policies are not known here: any directive a policy registered (yoke/balancing/policy.h) is
// accepted, so adding a policy touches no config code.
#include <climits>
#include <set>

#include "config/build.h"
#include "config/directive_checks.h"
#include "config/region_directives.h"
#include "config/resilience_directives.h"
#include "config/value_template_parse.h"
#include "yoke/balancing/policy.h"
#include "yoke/config/upstream_members.h"

namespace yoke::config {
namespace {

std::string registered_policies() {
  std::string names;
  for (auto name : balancing::policy_names()) {
    names += names.empty() ? "" : ", ";
    names += name;
  }
  return names.empty() ? "none" : names;
}

[[noreturn]] void reject_upstream_directive(const Directive& directive) {
  fail(directive.where, "unknown directive " + quote(directive.name) +
                            " in upstream: neither an upstream directive (server, state, sticky, "
                            "keepalive, keepalive_timeout, keepalive_requests, health_check, "
                            "outlier_detection, retry_budget, zone_aware, priority_spill) nor "
                            "a registered balancing policy (" +
                            registered_policies() + ")");
}

void read_policy(const Directive& directive, const balancing::PolicyFactory& factory,
                 bool& policy_set, Upstream& upstream) {
  require_no_block(directive);
  if (policy_set) {
    if (upstream.policy == directive.name) reject_duplicate(directive, true);
    fail(directive.where, "balancing policy " + quote(directive.name) + " conflicts with " +
                              quote(upstream.policy) + " set at " +
                              upstream.policy_where.to_string() +
                              ": an upstream has one balancing policy");
  }
  if (factory.validate != nullptr) {
    if (auto error = factory.validate(directive.args)) fail(directive.where, *error);
  }
  policy_set = true;
  upstream.policy = directive.name;
  upstream.policy_args = directive.args;
  upstream.policy_where = directive.where;
}

struct UpstreamOnce {
  std::optional<int> keepalive;
  std::optional<Duration> keepalive_timeout;
  std::optional<int> keepalive_requests;
  bool policy_set = false;
  std::set<std::string> resilience;  // outlier_detection, retry_budget, … read so far
};

void read_upstream_directive(const Directive& directive, const BuildOptions& options,
                             UpstreamOnce& once, Upstream& upstream) {
  const std::string& name = directive.name;
  if (name == "server") {
    upstream.servers.push_back(build_upstream_server(directive, options));
  } else if (name == "sticky") {
    if (upstream.sticky) {
      fail(directive.where,
           "\"sticky\" directive is duplicate, first set at " + upstream.sticky->where.to_string());
    }
    upstream.sticky = build_sticky(directive);
  } else if (name == "keepalive") {
    require_simple(directive, 1);
    set_once(directive, once.keepalive, count_value(directive, directive.args[0], 1, INT_MAX));
  } else if (name == "keepalive_timeout") {
    require_simple(directive, 1);
    set_once(directive, once.keepalive_timeout,
             duration_value(directive, directive.args[0], false));
  } else if (name == "keepalive_requests") {
    require_simple(directive, 1);
    set_once(directive, once.keepalive_requests,
             count_value(directive, directive.args[0], 1, INT_MAX));
  } else if (name == "state") {
    require_simple(directive, 1);
    reject_duplicate(directive, !upstream.state_file.empty());
    upstream.state_file = resolve_path(directive.args[0]);
  } else if (name == "health_check") {
    reject_duplicate(directive, upstream.health_check.has_value());
    upstream.health_check = build_health_check(directive);
  } else if (read_resilience_directive(directive, once.resilience, upstream) ||
             read_region_directive(directive, once.resilience, upstream)) {
    // outlier_detection, retry_budget, zone_aware, priority_spill (resilience_directives.cc);
    // region_policy, region_key, region_order, region_spill (region_directives.cc)
  } else if (const auto* factory = balancing::find_policy(name)) {
    read_policy(directive, *factory, once.policy_set, upstream);
  } else {
    reject_upstream_directive(directive);
  }
}

// A server parameter the upstream's policy declared it does not support (PolicyFactory's
// supports_backup / uses_weight), reported at the parameter.
void check_server_parameters(const Upstream& upstream, const balancing::PolicyFactory& factory) {
  for (const UpstreamServer& server : upstream.servers) {
    for (const Argument& parameter : server.parameters) {
      const bool backup = parameter.text == "backup";
      const bool weight = parameter.text.rfind("weight=", 0) == 0;
      const bool slow_start = parameter.text.rfind("slow_start=", 0) == 0;
      if ((backup && !factory.supports_backup) || (weight && !factory.uses_weight) ||
          (slow_start && !factory.runtime_weights)) {
        fail(parameter.where,
             "parameter " + quote(parameter.text) + " is not supported by balancing policy " +
                 quote(upstream.policy) + " set at " + upstream.policy_where.to_string() +
                 (backup       ? ", which has no backup servers"
                  : slow_start ? ", whose weights are fixed when the configuration loads"
                               : ", which ignores weights"));
      }
    }
  }
}

// More hosts than the policy can take (PolicyFactory::max_hosts), counted after resolution,
// reported at the policy directive.
void check_host_count(const Upstream& upstream, const balancing::PolicyFactory& factory) {
  if (factory.max_hosts == nullptr) return;
  const std::size_t limit = factory.max_hosts(upstream.policy_args);
  std::size_t hosts = 0;
  for (const UpstreamServer& server : upstream.servers) hosts += server.addresses.size();
  if (limit == 0 || hosts <= limit) return;
  fail(upstream.policy_where,
       "balancing policy " + quote(upstream.policy) + " takes at most " + std::to_string(limit) +
           " servers with these arguments; upstream " + quote(upstream.name) + " has " +
           std::to_string(hosts) + " (every address its server names resolve to counts)");
}

// What the upstream's policy needs, once every directive of the block is read (the policy may
// follow its servers): the request key it hashes, and servers without unsupported parameters.
void apply_policy_needs(Upstream& upstream) {
  const balancing::PolicyFactory* factory = balancing::find_policy(upstream.policy);
  if (factory == nullptr) return;  // the routing table reports an unknown default policy
  check_server_parameters(upstream, *factory);
  check_resilience(upstream, factory->supports_backup);
  check_regions(upstream, factory->supports_backup);
  check_host_count(upstream, *factory);
  if (factory->hash_key == nullptr) return;
  const balancing::HashKeyNeed need = factory->hash_key(upstream.policy_args);
  upstream.hash_key = need.kind;
  if (need.kind == balancing::HashKeyKind::kExpression && need.expression != nullptr) {
    upstream.hash_key_expression = parse_value_template(*need.expression);
  }
}

}  // namespace

Upstream build_upstream(const Directive& directive, const BuildOptions& options) {
  require_block(directive);
  require_args(directive, 1, 1);
  Upstream upstream;
  upstream.name = directive.args[0].text;
  upstream.where = directive.where;
  UpstreamOnce once;
  for (const auto& inner : directive.block) read_upstream_directive(inner, options, once, upstream);
  // nginx Plus: with `state`, the servers are the file's; its `server` lines seed an absent one.
  if (!upstream.state_file.empty()) {
    if (auto kept = read_state_servers(upstream.state_file, options)) upstream.servers = *kept;
  }
  if (upstream.servers.empty()) {
    fail(directive.where, "no servers are inside upstream " + quote(upstream.name));
  }
  apply_policy_needs(upstream);
  upstream.keepalive = once.keepalive.value_or(upstream.keepalive);
  upstream.keepalive_timeout = once.keepalive_timeout.value_or(upstream.keepalive_timeout);
  upstream.keepalive_requests = once.keepalive_requests.value_or(upstream.keepalive_requests);
  return upstream;
}

void set_members(Upstream& upstream, std::vector<UpstreamServer> members) {
  if (members.empty()) {
    fail(upstream.where, "upstream " + quote(upstream.name) + " would have no server left");
  }
  upstream.servers = std::move(members);
  apply_policy_needs(upstream);
}

}  // namespace yoke::config
