#pragma once
// The immutable routing snapshot: listeners → virtual servers (by server_name) → locations
// (chosen the way nginx chooses them) → actions. Built on the main thread from a Config and
// shared read-only by every worker (std::shared_ptr<const RouteTable>).
#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yoke/balancing/host_set.h"
#include "yoke/balancing/policy.h"
#include "yoke/config/model.h"
#include "yoke/limits/conn_zone.h"
#include "yoke/limits/global_budget.h"
#include "yoke/limits/rate_zone.h"
#include "yoke/observe/log_format.h"
#include "yoke/router/user_variables.h"
#include "yoke/router/variables.h"
#include "yoke/security/ip_prefix.h"
#include "yoke/tls/credentials.h"
#include "yoke/upstream/retry_budget.h"
#include "yoke/upstream/session_affinity.h"
#include "yoke/upstream/upstream_balancer.h"

namespace re2 {
class RE2;
}

namespace yoke::router {

struct HeaderRule {
  std::string name;
  bool remove = false;  // proxy_set_header NAME ""; removes the field (nginx)
  CompiledTemplate value;
};

struct UpstreamEntry {
  const config::Upstream* config = nullptr;
  balancing::HostSetPtr hosts;
  const balancing::PolicyFactory* policy = nullptr;
  // State the policy shares between every worker's balancer (a Maglev table, a ketama ring),
  // built once with the snapshot.
  upstream::SharedPolicyGroups shared;
  // The request key the policy hashes (config->hash_key), compiled once.
  balancing::HashKeyKind hash_key = balancing::HashKeyKind::kNone;
  CompiledTemplate hash_key_expression;
  // `sticky cookie` (config->sticky) over the same hosts; null when the upstream has none.
  std::shared_ptr<const upstream::SessionAffinity> affinity;
  // `retry_budget` (config->resilience.retry_budget), shared by every worker; null when off.
  std::shared_ptr<upstream::RetryBudget> retry_budget;
  // `region_key` (config->region_key), compiled once; empty without region_policy.
  CompiledTemplate region_key;
};

// A limit_req_zone: its table, shared by every worker (atomics, no lock), and its key.
struct RateLimitEntry {
  std::shared_ptr<limits::RateZone> zone;
  CompiledTemplate key;
  // global=redis://…: this node's share of the cluster-wide budget (limits/global_budget.h),
  // synchronised by the global sync thread; null for a zone of this node only.
  std::shared_ptr<limits::GlobalBudget> global;
  const config::RateLimitZone* config = nullptr;  // in the table's own configuration
};

// One limit_req of a location.
struct RouteRateLimit {
  static constexpr std::size_t kRefuse = ~std::size_t{0};
  const RateLimitEntry* zone = nullptr;
  limits::RateRule rule;
  // reroute=UPSTREAM: the upstream (index into RouteTable::upstreams()) that takes requests
  // over the limit; kRefuse answers limit_req_status instead.
  std::size_t reroute = kRefuse;
};

// allow / deny of a location, compiled (security::AccessList), and its limit_except.
struct RouteAccess {
  security::AccessList rules;
  // limit_except: methods exempt from except_rules; empty when the location has none.
  std::vector<std::string> except_methods;
  security::AccessList except_rules;  // empty: the location's rules apply to them too (nginx)
};

// A limit_conn_zone and its key; one limit_conn of a location.
struct ConnLimitEntry {
  std::shared_ptr<limits::ConnZone> zone;
  CompiledTemplate key;
};

struct RouteConnLimit {
  const ConnLimitEntry* zone = nullptr;
  std::uint64_t limit = 0;
};

// A file access logs write to. Workers open one handle per file (docs/logging.md); several
// access_log directives naming the same path share it, with the largest buffer= and the
// shortest flush= among them.
struct LogFile {
  std::string path;
  std::uint64_t buffer = 0;
  Milliseconds flush{0};
};

// One access_log of a location (or of a server, for requests that reach no location).
struct RouteAccessLog {
  const observe::CompiledLogFormat* format = nullptr;     // owned by the RouteTable
  const observe::CompiledLogFormat* condition = nullptr;  // if=, or nullptr
  std::size_t file = 0;                                   // index into RouteTable::log_files()
  // Where this log's captured values start among the request's capture slots: the format's
  // captures first, then the condition's.
  std::uint32_t capture_base = 0;
};

// The access logs of a location or server, and the capture slots a request needs for them.
struct AccessLogs {
  std::vector<RouteAccessLog> logs;
  std::uint32_t capture_count = 0;
  bool empty() const { return logs.empty(); }
};

struct Route {
  const config::Location* config = nullptr;
  std::shared_ptr<re2::RE2> regex;  // for ~ and ~* locations
  std::size_t upstream = 0;         // index into RouteTable::upstreams() when proxying
  // proxy_pass http://$variable: the upstream is the one this value names, per request
  // (RouteTable::find_upstream); `upstream` is unused then.
  bool dynamic_upstream = false;
  CompiledTemplate upstream_name;
  bool sets_host = false;                   // a proxy_set_header Host rule exists
  std::vector<HeaderRule> headers;          // proxy_set_header rules, in order
  std::vector<RouteRateLimit> rate_limits;  // limit_req, in order
  std::vector<RouteConnLimit> conn_limits;  // limit_conn, in order (at most 4)
  AccessLogs access_logs;
  // allow / deny / limit_except; null when the location has none (the common case costs one
  // null test per request).
  std::shared_ptr<const RouteAccess> access;
};

struct VirtualServer {
  const config::Server* config = nullptr;
  std::vector<Route> routes;
  std::string primary_name;  // first server_name ($server_name)
  // Compiled "~regex" server names, parallel to config->server_names (null for plain names).
  std::vector<std::shared_ptr<re2::RE2>> name_patterns;
  AccessLogs access_logs;  // the server level's, for requests that reach no location
};

// limit_accept of an address (the default server's): a rate per client address, shared by
// every worker (limits/rate_zone.h).
struct AcceptLimit {
  std::shared_ptr<limits::RateZone> zone;
  limits::RateRule rule;
};

struct ListenerSpec {
  // listen.ssl / proxy_protocol / deferred: any server's listen on this address said so;
  // fastopen and max_conns: the first listen of the address that sets them.
  config::Listen listen;
  std::vector<const VirtualServer*> servers;  // servers with this address
  const VirtualServer* default_server = nullptr;
  std::optional<AcceptLimit> accept_limit;
  // Connections open on this address across workers, for listen … max_conns=N (null without).
  std::shared_ptr<std::atomic<std::int64_t>> open_connections;
};

class RouteTable {
 public:
  // Builds the table; throws config::ConfigError for problems found only here. previous: the
  // running table when this is a reload; its limit zones whose definition is unchanged are
  // taken over by name (their counts survive the reload), see same_rate_zone().
  static std::shared_ptr<const RouteTable> build(std::shared_ptr<const config::Config> config,
                                                 const RouteTable* previous = nullptr);

  const config::Config& config() const { return *config_; }
  const std::vector<ListenerSpec>& listeners() const { return listeners_; }
  const std::vector<UpstreamEntry>& upstreams() const { return upstreams_; }
  // The upstream block named name (not an implicit proxy_pass address), for proxy_pass with a
  // variable; false when there is none. Worker thread; no allocation.
  bool find_upstream(std::string_view name, std::size_t& index) const;
  // map and geoip2 variables (user_variables.h).
  const UserVariables& variables() const { return *variables_; }
  // Certificates and ticket keys of the TLS servers (src/tls/), loaded with the snapshot.
  const tls::Credentials& tls() const { return *tls_; }
  // The limit_req zones, in configuration order (the global sync thread and /metrics read the
  // global ones).
  const std::vector<std::unique_ptr<RateLimitEntry>>& rate_zones() const { return rate_zones_; }
  // The files access logs write to, each once (Route::access_logs index them).
  const std::vector<LogFile>& log_files() const { return log_files_; }

  // Reload (route_table_carry_over.cc): this table's zone named zone.name when its definition
  // (key, size, rate and global=) is the same, to share with the new table; else null.
  const RateLimitEntry* same_rate_zone(const config::RateLimitZone& zone) const;
  std::shared_ptr<limits::ConnZone> same_conn_zone(const config::ConnLimitZone& zone) const;
  // A limit_accept_zone of this table with the same name, size and rate, or null.
  std::shared_ptr<limits::RateZone> same_accept_zone(const config::RateLimitZone& zone) const;
  // The max_conns counter of this table's listener on address (connections accepted under it
  // are still open after a reload), or null.
  std::shared_ptr<std::atomic<std::int64_t>> open_connections_of(
      const SocketAddress& address) const;

  // The virtual server for a Host value on listener listener_index (nginx order: exact name,
  // longest leading wildcard, longest trailing wildcard, first matching regex, default).
  const VirtualServer& select_server(std::size_t listener_index, std::string_view host) const;
  // The route for a normalized path (nginx: exact; else longest prefix; ^~ stops; else first
  // matching regex in order; else the longest prefix). nullptr when nothing matches.
  const Route* select_route(const VirtualServer& server, std::string_view path) const;

 private:
  std::shared_ptr<const config::Config> config_;
  std::vector<std::unique_ptr<VirtualServer>> servers_;
  std::vector<ListenerSpec> listeners_;
  std::vector<UpstreamEntry> upstreams_;
  std::vector<std::unique_ptr<RateLimitEntry>> rate_zones_;  // stable addresses for routes
  std::vector<std::unique_ptr<ConnLimitEntry>> conn_zones_;
  std::vector<std::shared_ptr<limits::RateZone>> accept_zones_;
  std::shared_ptr<const tls::Credentials> tls_;
  std::shared_ptr<const UserVariables> variables_;
  std::vector<LogFile> log_files_;
  std::vector<std::unique_ptr<observe::CompiledLogFormat>> log_formats_;  // and conditions

  // route_table_logs.cc: compiles the formats and fills every server's and route's logs.
  void attach_access_logs();
  AccessLogs build_access_logs(const std::vector<config::AccessLog>& logs);
  std::size_t log_file_index(const config::AccessLog& log);
  const observe::CompiledLogFormat* compiled_format(std::string_view name) const;
};

}  // namespace yoke::router
