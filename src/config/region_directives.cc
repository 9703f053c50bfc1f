// region_policy, region_key, region_order and region_spill in an upstream (docs/global.md).
#include "config/region_directives.h"

#include <algorithm>

#include "config/directive_checks.h"
#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

void read_region_policy(const Directive& directive, Upstream& upstream) {
  require_simple(directive, 1);
  const Argument& mode = directive.args[0];
  if (mode.text != "nearest" && mode.text != "off") {
    fail(mode.where, "invalid value " + quote(mode.text) +
                         " in \"region_policy\" directive, it must be \"nearest\" or \"off\"");
  }
  upstream.resilience.regions.enabled = mode.text == "nearest";
  upstream.region_where = directive.where;
}

// "eu: eu, us, ap" however the lexer split it ("eu:" "eu," "us," "ap", or "eu:eu,us,ap").
balancing::RegionOrder read_region_order(const Directive& directive) {
  require_no_block(directive);
  require_args(directive, 1, 64);
  std::string text;
  for (const Argument& argument : directive.args) text += argument.text + " ";
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) {
    fail(directive.args[0].where, "expected \"CLIENT_REGION: REGION, …\" in \"region_order\"");
  }
  balancing::RegionOrder order;
  order.client_region = text.substr(0, colon);
  std::erase(order.client_region, ' ');
  std::string name;
  auto flush = [&] {
    if (name.empty()) return;
    if (std::find(order.regions.begin(), order.regions.end(), name) != order.regions.end()) {
      fail(directive.where, "region " + quote(name) + " is listed twice in \"region_order\"");
    }
    order.regions.push_back(name);
    name.clear();
  };
  for (char c : text.substr(colon + 1)) {
    if (c == ',' || c == ' ') {
      flush();
    } else {
      name += c;
    }
  }
  flush();
  if (order.client_region.empty() || order.regions.empty()) {
    fail(directive.args[0].where, "expected \"CLIENT_REGION: REGION, …\" in \"region_order\"");
  }
  return order;
}

int read_region_spill(const Directive& directive) {
  require_simple(directive, 1);
  const Argument& argument = directive.args[0];
  const std::size_t equals = argument.text.find('=');
  if (argument.text.substr(0, equals) != "min_healthy_percent" || equals == std::string::npos) {
    fail(argument.where,
         "invalid parameter " + quote(argument.text) + ", expected \"min_healthy_percent=P\"");
  }
  return count_value(directive, value_of(argument, equals), 1, 100);
}

}  // namespace

bool read_region_directive(const Directive& directive, std::set<std::string>& seen,
                           Upstream& upstream) {
  const std::string& name = directive.name;
  balancing::RegionSettings& regions = upstream.resilience.regions;
  if (name == "region_order") {
    balancing::RegionOrder order = read_region_order(directive);
    for (const balancing::RegionOrder& existing : regions.orders) {
      if (existing.client_region == order.client_region) {
        fail(directive.where, "duplicate \"region_order\" for " + quote(order.client_region));
      }
    }
    regions.orders.push_back(std::move(order));
    upstream.region_order_where.push_back(directive.where);
    return true;
  }
  if (name != "region_policy" && name != "region_key" && name != "region_spill") return false;
  reject_duplicate(directive, !seen.insert(name).second);
  if (name == "region_policy") {
    read_region_policy(directive, upstream);
  } else if (name == "region_key") {
    require_simple(directive, 1);
    upstream.region_key = parse_value_template(directive.args[0]);
  } else {
    regions.min_healthy_percent = read_region_spill(directive);
  }
  return true;
}

namespace {

bool has_region(const Upstream& upstream, const std::string& region) {
  return std::any_of(upstream.servers.begin(), upstream.servers.end(),
                     [&](const UpstreamServer& server) { return server.region == region; });
}

void check_servers(const Upstream& upstream, bool enabled) {
  for (const UpstreamServer& server : upstream.servers) {
    if (!enabled && !server.region.empty()) {
      fail(server.where, "parameter \"region=" + server.region + "\" needs \"region_policy " +
                             "nearest\" in upstream " + quote(upstream.name));
    }
    if (enabled && server.region.empty() && !server.backup) {
      fail(server.where, "server " + quote(server.name) + " has no region=NAME, which " +
                             "\"region_policy nearest\" needs in upstream " + quote(upstream.name));
    }
    if (enabled && server.priority != 0) {
      fail(server.where, "parameter \"priority=\" cannot be combined with \"region_policy " +
                             std::string("nearest\": the regions are the levels"));
    }
  }
}

}  // namespace

void check_regions(const Upstream& upstream, bool policy_supports_backup) {
  const balancing::RegionSettings& regions = upstream.resilience.regions;
  check_servers(upstream, regions.enabled);
  if (!regions.enabled) {
    if (!upstream.region_key.parts.empty() || !regions.orders.empty()) {
      fail(upstream.where, "\"region_key\" and \"region_order\" need \"region_policy nearest\" " +
                               std::string("in upstream ") + quote(upstream.name));
    }
    return;
  }
  if (!policy_supports_backup) {
    fail(upstream.region_where, "\"region_policy nearest\" is not supported by balancing policy " +
                                    quote(upstream.policy) + " (regions are fallbacks)");
  }
  if (upstream.region_key.parts.empty()) {
    fail(upstream.region_where,
         "\"region_policy nearest\" needs \"region_key\" in upstream " + quote(upstream.name));
  }
  for (std::size_t i = 0; i < regions.orders.size(); ++i) {
    const balancing::RegionOrder& order = regions.orders[i];
    for (const std::string& region : order.regions) {
      if (!has_region(upstream, region)) {
        fail(upstream.region_order_where[i],
             "\"region_order " + order.client_region + ":\" names region " + quote(region) +
                 ", which no server of upstream " + quote(upstream.name) + " has");
      }
    }
  }
}

}  // namespace yoke::config
