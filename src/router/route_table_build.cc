// Building the routing snapshot from a validated Config.
#include <re2/re2.h>

#include <algorithm>
#include <span>

#include "yoke/balancing/policy.h"
#include "yoke/http1/message.h"
#include "yoke/router/route_table.h"

namespace yoke::router {
namespace {

using UserNames = std::span<const std::string>;

balancing::HostSetPtr make_host_set(const config::Upstream& upstream,
                                    const std::string& local_zone) {
  auto set = std::make_shared<balancing::HostSet>();
  set->upstream = upstream.name;
  set->resilience = upstream.resilience;
  for (const auto& server : upstream.servers) {
    for (const auto& address : server.addresses) {
      balancing::Host host;
      host.index = set->hosts.size();
      host.name = server.name;
      host.address = address;
      host.weight = server.weight;
      host.max_fails = server.max_fails;
      host.fail_timeout = server.fail_timeout;
      host.backup = server.backup;
      host.down = server.down;
      host.max_conns = server.max_conns;
      host.agent_port = static_cast<std::uint16_t>(server.agent_port);
      host.agent_interval = server.agent_interval;
      host.agent_send = server.agent_send;
      host.slow_start = std::chrono::duration_cast<Milliseconds>(server.slow_start);
      host.zone = server.zone;
      host.local_zone = !server.zone.empty() && server.zone == local_zone;
      host.priority = server.priority;
      host.region = server.region;
      set->hosts.push_back(std::move(host));
    }
  }
  // `health_check … mandatory`: not eligible until a first check passes (nginx Plus).
  const balancing::HostRuntimesPtr& runtime = balancing::attach_runtime(*set);
  if (upstream.health_check && upstream.health_check->mandatory) {
    for (std::size_t i = 0; i < runtime->size(); ++i) {
      (*runtime)[i].set_health(balancing::HealthState::kChecking);
    }
  }
  return set;
}

std::vector<UpstreamEntry> build_upstreams(const config::Config& config, UserNames names) {
  std::vector<UpstreamEntry> entries;
  for (const auto& upstream : config.http.upstreams) {
    UpstreamEntry entry;
    entry.config = &upstream;
    entry.hosts = make_host_set(upstream, config.zone);
    entry.policy = balancing::find_policy(upstream.policy);
    if (entry.policy == nullptr) {
      throw config::ConfigError(upstream.where, "unknown balancing policy \"" + upstream.policy +
                                                    "\" in upstream \"" + upstream.name + "\"");
    }
    entry.shared =
        upstream::UpstreamBalancer::share(*entry.hosts, *entry.policy, upstream.policy_args);
    entry.hash_key = upstream.hash_key;
    entry.hash_key_expression = compile_template(upstream.hash_key_expression, names);
    entry.region_key = compile_template(upstream.region_key, names);
    if (upstream.sticky) {
      entry.affinity =
          std::make_shared<const upstream::SessionAffinity>(*upstream.sticky, entry.hosts);
    }
    if (upstream.resilience.retry_budget.enabled) {
      entry.retry_budget =
          std::make_shared<upstream::RetryBudget>(upstream.resilience.retry_budget, Clock::now());
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::size_t upstream_index(const std::vector<UpstreamEntry>& upstreams, const std::string& name,
                           const config::SourceLocation& where) {
  for (std::size_t i = 0; i < upstreams.size(); ++i) {
    if (upstreams[i].config->name == name) return i;
  }
  throw config::ConfigError(where, "no upstream \"" + name + "\"");
}

std::shared_ptr<const RouteAccess> build_access(const config::Location& location) {
  if (location.access.empty() && !location.limit_except) return nullptr;
  auto access = std::make_shared<RouteAccess>();
  access->rules = security::AccessList(location.access);
  if (location.limit_except) {
    access->except_methods = location.limit_except->methods;
    access->except_rules = security::AccessList(location.limit_except->access);
  }
  return access;
}

Route build_route(const config::Location& location, const std::vector<UpstreamEntry>& upstreams,
                  UserNames names) {
  Route route;
  route.config = &location;
  if (location.match == config::LocationMatch::kRegex ||
      location.match == config::LocationMatch::kRegexCaseless) {
    RE2::Options options;
    options.set_case_sensitive(location.match == config::LocationMatch::kRegex);
    options.set_log_errors(false);
    route.regex = std::make_shared<re2::RE2>(location.pattern, options);
    if (!route.regex->ok()) {
      throw config::ConfigError(
          location.where, "invalid regex \"" + location.pattern + "\": " + route.regex->error());
    }
  }
  if (location.proxy_pass && location.proxy_pass->upstream_variable) {
    route.dynamic_upstream = true;
    route.upstream_name = compile_template(*location.proxy_pass->upstream_variable, names);
  } else if (location.proxy_pass) {
    route.upstream =
        upstream_index(upstreams, location.proxy_pass->upstream, location.proxy_pass->where);
  }
  route.access = build_access(location);
  for (const auto& header : location.proxy_set_headers) {
    HeaderRule rule;
    rule.name = header.name;
    rule.remove = header.value.source.empty();
    rule.value = compile_template(header.value, names);
    if (http1::iequals(rule.name, "host")) route.sets_host = true;
    route.headers.push_back(std::move(rule));
  }
  return route;
}

std::unique_ptr<VirtualServer> build_server(const config::Server& server,
                                            const std::vector<UpstreamEntry>& upstreams,
                                            UserNames names) {
  auto built = std::make_unique<VirtualServer>();
  built->config = &server;
  built->primary_name = server.server_names.empty() ? "" : server.server_names.front();
  for (const auto& name : server.server_names) {
    std::shared_ptr<re2::RE2> pattern;
    if (name.starts_with("~")) {
      pattern = std::make_shared<re2::RE2>(name.substr(1), RE2::Quiet);
      if (!pattern->ok()) {
        throw config::ConfigError(
            server.where, "invalid server_name regex \"" + name + "\": " + pattern->error());
      }
    }
    built->name_patterns.push_back(std::move(pattern));
  }
  for (const auto& location : server.locations) {
    built->routes.push_back(build_route(location, upstreams, names));
  }
  return built;
}

// Groups servers by listen address; the first server (or the default_server one) is the
// default for its address, as in nginx.
void add_listens(const VirtualServer& server, std::vector<ListenerSpec>& listeners) {
  for (const auto& listen : server.config->listens) {
    auto same = std::find_if(listeners.begin(), listeners.end(), [&](const ListenerSpec& spec) {
      return spec.listen.address == listen.address;
    });
    if (same == listeners.end()) {
      listeners.push_back(ListenerSpec{listen, {&server}, &server, std::nullopt, nullptr});
      continue;
    }
    same->servers.push_back(&server);
    same->listen.ssl = same->listen.ssl || listen.ssl;
    same->listen.proxy_protocol = same->listen.proxy_protocol || listen.proxy_protocol;
    same->listen.deferred = same->listen.deferred || listen.deferred;
    same->listen.freebind = same->listen.freebind || listen.freebind;
    if (same->listen.fastopen == 0) same->listen.fastopen = listen.fastopen;
    if (same->listen.max_conns == 0) same->listen.max_conns = listen.max_conns;
    if (listen.default_server) {
      if (same->listen.default_server) {
        throw config::ConfigError(listen.where,
                                  "a duplicate default server for " + listen.address.to_string());
      }
      same->listen.default_server = true;
      same->default_server = &server;
    }
  }
}

// One table per limit_req_zone, or the running one on a reload when unchanged. Its epoch is
// now: times in a zone are kept relative to it.
std::vector<std::unique_ptr<RateLimitEntry>> build_rate_zones(const config::Http& http,
                                                              const RouteTable* previous,
                                                              UserNames names) {
  std::vector<std::unique_ptr<RateLimitEntry>> zones;
  const TimePoint epoch = Clock::now();
  for (const config::RateLimitZone& zone : http.limit_req_zones) {
    auto entry = std::make_unique<RateLimitEntry>();
    const RateLimitEntry* kept = previous != nullptr ? previous->same_rate_zone(zone) : nullptr;
    if (kept != nullptr) {
      entry->zone = kept->zone;
      entry->global = kept->global;
    } else {
      entry->zone =
          std::make_shared<limits::RateZone>(zone.name, zone.size, zone.rate_milli, epoch);
      if (zone.global) {
        entry->global = std::make_shared<limits::GlobalBudget>(zone.size, zone.global->fail_open);
      }
    }
    entry->config = &zone;
    entry->key = compile_template(zone.key, names);
    zones.push_back(std::move(entry));
  }
  return zones;
}

std::vector<std::unique_ptr<ConnLimitEntry>> build_conn_zones(const config::Http& http,
                                                              const RouteTable* previous,
                                                              UserNames names) {
  std::vector<std::unique_ptr<ConnLimitEntry>> zones;
  for (const config::ConnLimitZone& zone : http.limit_conn_zones) {
    auto entry = std::make_unique<ConnLimitEntry>();
    if (previous != nullptr) entry->zone = previous->same_conn_zone(zone);
    if (entry->zone == nullptr)
      entry->zone = std::make_shared<limits::ConnZone>(zone.name, zone.size);
    entry->key = compile_template(zone.key, names);
    zones.push_back(std::move(entry));
  }
  return zones;
}

// Each location's limit_req and limit_conn rules, pointing at their zones (the loader checked
// the names).
void attach_limits(const std::vector<std::unique_ptr<RateLimitEntry>>& zones,
                   const std::vector<std::unique_ptr<ConnLimitEntry>>& conn_zones,
                   const std::vector<UpstreamEntry>& upstreams, VirtualServer& server) {
  for (Route& route : server.routes) {
    for (const config::ConnLimitRule& rule : route.config->limit_conn) {
      for (const auto& zone : conn_zones) {
        if (zone->zone->name() == rule.zone) {
          route.conn_limits.push_back(RouteConnLimit{zone.get(), rule.limit});
        }
      }
    }
    for (const config::RateLimitRule& rule : route.config->limit_req) {
      for (const auto& zone : zones) {
        if (zone->zone->name() != rule.zone) continue;
        RouteRateLimit limit{zone.get(), limits::RateRule{rule.burst * 1000, rule.no_delay * 1000}};
        if (!rule.reroute.empty()) {
          limit.reroute = upstream_index(upstreams, rule.reroute, rule.reroute_where);
        }
        route.rate_limits.push_back(limit);
      }
    }
  }
}

// limit_accept_zone tables, and each address's limit_accept (its default server's) and
// max_conns counter.
// A reload takes over the previous table's zones and counters (as limit_req zones), so
// limits and open-connection counts hold across it.
void attach_accept_limits(const config::Http& http,
                          std::vector<std::shared_ptr<limits::RateZone>>& zones,
                          std::vector<ListenerSpec>& listeners, const RouteTable* previous) {
  const TimePoint epoch = Clock::now();
  for (const config::RateLimitZone& zone : http.limit_accept_zones) {
    std::shared_ptr<limits::RateZone> kept =
        previous != nullptr ? previous->same_accept_zone(zone) : nullptr;
    zones.push_back(kept != nullptr ? kept
                                    : std::make_shared<limits::RateZone>(zone.name, zone.size,
                                                                         zone.rate_milli, epoch));
  }
  for (ListenerSpec& spec : listeners) {
    if (spec.listen.max_conns > 0) {
      if (previous != nullptr)
        spec.open_connections = previous->open_connections_of(spec.listen.address);
      if (spec.open_connections == nullptr) {
        spec.open_connections = std::make_shared<std::atomic<std::int64_t>>(0);
      }
    }
    const auto& rule = spec.default_server->config->limit_accept;
    if (!rule) continue;
    for (const auto& zone : zones) {
      if (zone->name() != rule->zone) continue;
      // An accepted connection is never delayed: the whole burst passes at once (nodelay).
      spec.accept_limit =
          AcceptLimit{zone, limits::RateRule{rule->burst * 1000, rule->burst * 1000}};
    }
  }
}

}  // namespace

std::shared_ptr<const RouteTable> RouteTable::build(std::shared_ptr<const config::Config> config,
                                                    const RouteTable* previous) {
  auto table = std::make_shared<RouteTable>();
  table->config_ = std::move(config);
  table->variables_ = std::make_shared<const UserVariables>(table->config_->http);
  const UserNames names = table->variables_->names();
  table->upstreams_ = build_upstreams(*table->config_, names);
  for (const auto& server : table->config_->http.servers) {
    table->servers_.push_back(build_server(server, table->upstreams_, names));
  }
  table->rate_zones_ = build_rate_zones(table->config_->http, previous, names);
  table->conn_zones_ = build_conn_zones(table->config_->http, previous, names);
  for (const auto& server : table->servers_) {
    attach_limits(table->rate_zones_, table->conn_zones_, table->upstreams_, *server);
  }
  for (const auto& server : table->servers_) add_listens(*server, table->listeners_);
  table->attach_access_logs();
  attach_accept_limits(table->config_->http, table->accept_zones_, table->listeners_, previous);
  table->tls_ = tls::Credentials::load(*table->config_);
  return table;
}

bool RouteTable::find_upstream(std::string_view name, std::size_t& index) const {
  for (std::size_t i = 0; i < upstreams_.size(); ++i) {
    if (!upstreams_[i].config->implicit && upstreams_[i].config->name == name) {
      index = i;
      return true;
    }
  }
  return false;
}

}  // namespace yoke::router
