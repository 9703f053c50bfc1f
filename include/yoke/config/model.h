#pragma once
// The typed, validated configuration. Built once by load_config (off the hot path), then
// turned into immutable runtime snapshots. Every setting here is already merged down the
// http → server → location hierarchy the way nginx merges it, so a Location holds its
// effective values.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "yoke/balancing/hash_key.h"
#include "yoke/balancing/resilience_settings.h"
#include "yoke/config/ast.h"
#include "yoke/config/source_location.h"
#include "yoke/config/value_template.h"
#include "yoke/core/poller_kind.h"
#include "yoke/core/socket_address.h"
#include "yoke/security/ip_prefix.h"

namespace yoke::config {

using Duration = std::chrono::milliseconds;

struct UpstreamServer {
  std::string name;  // as written: "api1.example.com", "10.0.0.1:8080", "unix:/run/a.sock"
  std::vector<SocketAddress> addresses;  // resolved at load; a name may give several
  int weight = 1;
  int max_fails = 1;  // 0 disables passive failure accounting
  Duration fail_timeout{10000};
  bool backup = false;
  bool down = false;
  int max_conns = 0;  // 0 = unlimited
  // HAProxy agent-check (docs/agent-protocol.md): agent_port=N agent_interval=T agent_send=S.
  int agent_port = 0;  // 0 = no agent
  Duration agent_interval{2000};
  std::string agent_send;
  // `slow_start=T` (nginx Plus): weight ramps up over T after the server comes back; 0 = off.
  Duration slow_start{0};
  // Zones and priority levels (docs/resilience.md): zone=NAME, priority=N (0 = first used).
  std::string zone;
  int priority = 0;
  // region=NAME for region_policy nearest (docs/global.md); empty: none.
  std::string region;
  // The parameters as written after the address, for checks that depend on the upstream's
  // balancing policy (which may come after the server).
  std::vector<Argument> parameters;
  SourceLocation where;
};

// `health_check [interval=T] [jitter=T] [fails=N] [passes=N] [uri=URI] [port=N] [match=NAME]
// [type=http|tcp] [timeout=T] [mandatory];` in an upstream (nginx Plus syntax; defaults are
// Yoke's, docs/configuration.md).
struct HealthCheck {
  enum class Type : std::uint8_t { kHttp, kTcp };
  Type type = Type::kHttp;
  Duration interval{2000};
  Duration jitter{0};
  int fails = 3;
  int passes = 2;
  std::string uri = "/health";
  int port = 0;       // 0 = each server's own port
  std::string match;  // a `match` block's name; empty = status 200-399
  SourceLocation match_where;
  Duration timeout{1000};
  bool mandatory = false;
  SourceLocation where;
};

// One test of a `match` block (nginx Plus ngx_http_upstream_hc_module); a response passes a
// block when it passes every test.
struct MatchTest {
  enum class Kind : std::uint8_t {
    kStatus,  // status [!] CODE|LOW-HIGH …
    kHeader,  // header [!] NAME [= | != | ~ | !~ VALUE]
    kBody,    // body ~|!~ REGEX
  };
  enum class Operator : std::uint8_t {
    kPresent,    // header NAME
    kAbsent,     // header ! NAME
    kEquals,     // =
    kNotEquals,  // !=
    kMatches,    // ~
    kNotMatches  // !~
  };
  struct StatusRange {
    int low = 0;
    int high = 0;
  };
  Kind kind = Kind::kStatus;
  bool negated = false;              // status ! …: passes when the status is in no range
  std::vector<StatusRange> ranges;   // kStatus
  std::string name;                  // kHeader
  Operator op = Operator::kPresent;  // kHeader, kBody (kMatches / kNotMatches)
  std::string value;                 // the string or regex compared with
  SourceLocation where;
};

struct Match {
  std::string name;
  std::vector<MatchTest> tests;
  SourceLocation where;
};

// `sticky cookie NAME [expires=TIME|max] [domain=D] [path=P] [httponly] [secure]
// [samesite=strict|lax|none];` (nginx Plus's ngx_http_upstream_sticky_module, cookie method):
// session affinity on top of the upstream's balancing policy.
struct StickyCookie {
  enum class Expiry : std::uint8_t {
    kSession,   // no expires=: the cookie ends with the browser session
    kRelative,  // expires=TIME: Expires = now + TIME, Max-Age = TIME
    kMax,       // expires=max: Expires = 31 Dec 2037 23:55:55 GMT (nginx's "max")
  };
  enum class SameSite : std::uint8_t { kUnset, kStrict, kLax, kNone };

  std::string name;
  Expiry expiry = Expiry::kSession;
  Duration expires{0};  // for kRelative: whole seconds, at least one
  std::string domain;   // empty: no Domain attribute
  std::string path;     // empty: no Path attribute
  bool httponly = false;
  bool secure = false;
  SameSite samesite = SameSite::kUnset;
  SourceLocation where;
};

struct Upstream {
  std::string name;
  bool implicit = false;               // made from a proxy_pass address, not an upstream block
  std::string policy = "round_robin";  // a registered balancing policy's directive name
  std::vector<Argument> policy_args;
  SourceLocation policy_where;
  // What the policy hashes per request (its registration declares it), checked at load.
  balancing::HashKeyKind hash_key = balancing::HashKeyKind::kNone;
  ValueTemplate hash_key_expression;  // for kExpression
  std::vector<UpstreamServer> servers;
  std::optional<StickyCookie> sticky;  // session affinity, when `sticky cookie` is set
  int keepalive = 0;                   // idle connections kept per worker; 0 = no keep-alive pool
  Duration keepalive_timeout{60000};
  int keepalive_requests = 1000;
  std::optional<HealthCheck> health_check;  // active checks; none when absent
  // `state FILE;` (nginx Plus): the servers are kept in FILE, read at start and reload instead
  // of the block's `server` lines and rewritten on every runtime change (docs/configuration.md).
  // The path as resolved (relative to the configuration file's folder); empty = none.
  std::string state_file;
  // outlier_detection, retry_budget, zone_aware, priority_spill (docs/resilience.md).
  balancing::UpstreamResilience resilience;
  SourceLocation zone_aware_where;  // where `zone_aware` was written, for messages
  // `region_key VALUE;` (docs/global.md): the client's region, e.g. "$region" from a map.
  ValueTemplate region_key;
  SourceLocation region_where;  // where `region_policy` was written, for messages
  std::vector<SourceLocation> region_order_where;  // parallel to resilience.regions.orders
  SourceLocation where;
};

// proxy_next_upstream conditions (nginx names).
struct NextUpstream {
  bool error = true;
  bool timeout = true;
  bool invalid_header = false;
  bool http_500 = false;
  bool http_502 = false;
  bool http_503 = false;
  bool http_504 = false;
  bool http_403 = false;
  bool http_404 = false;
  bool http_429 = false;
  bool non_idempotent = false;
  bool off = false;
};

struct HeaderSetting {
  std::string name;
  ValueTemplate value;  // an empty value removes the header (nginx semantics)
};

struct ProxyPass {
  std::string scheme = "http";
  bool tls = false;      // proxy_pass https://: TLS to the upstream (docs/tls.md)
  std::string upstream;  // name of an Upstream in Http::upstreams (maybe implicit)
  // proxy_pass http://$variable: the upstream is named at request time by this value (nginx
  // takes an upstream block of that name); `upstream` is then empty.
  std::optional<ValueTemplate> upstream_variable;
  std::string host_text;  // host[:port] as written: the value of $proxy_host
  std::string host;       // host_text without its port: proxy_ssl_name's default
  // With tls: this location's index into Http::upstream_tls (set after its settings merge).
  std::size_t tls_profile = 0;
  bool has_uri = false;  // "http://up/" has URI "/", "http://up" has none
  std::string uri;
  SourceLocation where;
};

struct Return {
  int status = 200;
  std::string text;  // body, or the redirect URL for 301/302/303/307/308
  SourceLocation where;
};

// How log_format escapes variable values (nginx's escape= parameter, docs/logging.md).
enum class LogEscape : std::uint8_t {
  kDefault,  // '"', '\\' and bytes outside 32-126 as \xHH; an empty value as "-"
  kJson,     // JSON string escaping; an empty value as nothing
  kNone      // as is; an empty value as "-"
};

// log_format NAME [escape=default|json|none] 'string' …; (http only). The strings are joined.
struct LogFormat {
  std::string name;
  LogEscape escape = LogEscape::kDefault;
  ValueTemplate text;
  SourceLocation where;
};

// One access_log PATH [FORMAT] [buffer=SIZE] [flush=TIME] [if=CONDITION]; directive.
struct AccessLog {
  std::string path;                 // "/dev/stdout" allowed
  std::string format = "combined";  // a log_format name, "combined" or "json"
  SourceLocation format_where;
  std::uint64_t buffer = 64 * 1024;        // bytes gathered before a write()
  Duration flush{1000};                    // the longest a line waits in the buffer
  std::optional<ValueTemplate> condition;  // if=: no line when it expands to "" or "0"
  SourceLocation where;
};

// trace_context on|off|pass: what Yoke does with W3C Trace Context headers (docs/logging.md).
enum class TraceContext : std::uint8_t {
  kOn,    // take part: a new span id per request, a traceparent always sent upstream
  kOff,   // headers pass untouched, $trace_id and $span_id are empty
  kPass,  // traceparent/tracestate pass untouched; the variables show the incoming ids
};

enum class LocationMatch : std::uint8_t {
  kPrefix,         // location /api/
  kExact,          // location = /status
  kPreferPrefix,   // location ^~ /static/   (stops the regex search)
  kRegex,          // location ~ \.php$
  kRegexCaseless,  // location ~* \.jpg$
};

// global=redis://HOST[:PORT] [redis_fail=open|closed] of a limit_req_zone (Yoke,
// docs/redis-limits.md): the rate holds across every node sharing that Redis.
struct GlobalRateLimit {
  std::string host;
  int port = 6379;
  bool fail_open = true;  // while Redis cannot be reached: local limit (open) or refuse (closed)
  bool operator==(const GlobalRateLimit&) const = default;
};

// limit_req_zone KEY zone=NAME:SIZE rate=R r/s|r/m [global=…] (http context).
struct RateLimitZone {
  std::string name;
  ValueTemplate key;
  std::uint64_t size = 0;                 // bytes of the zone's table
  std::uint64_t rate_milli = 0;           // requests per second × 1000, as nginx keeps it
  std::optional<GlobalRateLimit> global;  // limit_req_zone only; none: this node's own limit
  SourceLocation where;
};

// limit_req zone=NAME [burst=N] [nodelay | delay=N] [reroute=UPSTREAM].
struct RateLimitRule {
  std::string zone;
  std::uint64_t burst = 0;
  std::uint64_t no_delay = 0;  // excess requests served at once: nodelay = burst, delay=N = N
  // Yoke: a request over the limit is proxied to this upstream instead of refused; empty = refuse.
  std::string reroute;
  SourceLocation reroute_where;
  SourceLocation where;
};

// limit_accept zone=NAME [burst=N] (http, server): new connections per client address, checked
// right after accept(). The zone is a limit_accept_zone (a RateLimitZone without a key).
struct AcceptLimitRule {
  std::string zone;
  std::uint64_t burst = 0;
  SourceLocation where;
};

// allow / deny ADDRESS | CIDR | all | unix: (ngx_http_access_module), in order.
using AccessRule = security::AccessList::Rule;

// limit_except METHOD ... { allow/deny ...; }: the block's rules apply to every other method
// (GET implies HEAD, as in nginx).
struct LimitExcept {
  std::vector<std::string> methods;
  std::vector<AccessRule> access;
  SourceLocation where;
};

// set_real_ip_from / real_ip_header / real_ip_recursive (ngx_http_realip_module).
struct RealIp {
  std::vector<security::IpPrefix> trusted;  // empty: realip is off
  bool proxy_protocol = false;              // real_ip_header proxy_protocol
  std::string header = "X-Real-IP";         // otherwise, the field read
  bool recursive = false;
};

// client_min_rate RATE [after=TIME] (Yoke): from TIME after a request head or body began, the
// client must have sent at least RATE bytes per second on average since it began.
struct MinRate {
  std::uint64_t bytes_per_second = 0;  // 0 = off
  Duration after{5000};
};

// limit_conn_zone KEY zone=NAME:SIZE (http context).
struct ConnLimitZone {
  std::string name;
  ValueTemplate key;
  std::uint64_t size = 0;
  SourceLocation where;
};

// limit_conn NAME N: at most N requests of one key in progress.
struct ConnLimitRule {
  std::string zone;
  std::uint64_t limit = 0;
  SourceLocation where;
};

// TLS protocol versions of ssl_protocols (bits).
enum SslProtocol : unsigned {
  kTlsV1 = 1U << 0,
  kTlsV1_1 = 1U << 1,
  kTlsV1_2 = 1U << 2,
  kTlsV1_3 = 1U << 3,
};

// proxy_ssl_* (ngx_http_proxy_module), inherited http → server → location like nginx's. One
// distinct set of effective values, with the name resolved, is an upstream TLS profile
// (Http::upstream_tls): every worker builds one client SSL_CTX per profile.
struct ProxySsl {
  bool server_name = false;  // proxy_ssl_server_name: send SNI (nginx default off)
  std::string name;          // proxy_ssl_name; in a profile, the effective name (never empty)
  bool verify = false;       // proxy_ssl_verify
  int verify_depth = 1;      // proxy_ssl_verify_depth (nginx default 1)
  std::string trusted_certificate;  // PEM CAs (absolute path); empty = none
  SourceLocation trusted_certificate_where;
  std::string certificate;  // proxy_ssl_certificate (mTLS to the upstream); empty = none
  SourceLocation certificate_where;
  std::string certificate_key;
  SourceLocation certificate_key_where;
  unsigned protocols = kTlsV1_2 | kTlsV1_3;
  std::string ciphers = "DEFAULT";  // OpenSSL's default list, nginx's proxy_ssl_ciphers default
  SourceLocation ciphers_where;
  bool session_reuse = true;  // proxy_ssl_session_reuse
  SourceLocation where;       // the proxy_pass that made the profile, for messages
};

// Whether two profiles would build the same context and verify the same name (source
// locations aside): locations that agree share contexts, pooled connections and sessions.
bool same_tls_profile(const ProxySsl& a, const ProxySsl& b);

struct Location {
  LocationMatch match = LocationMatch::kPrefix;
  std::string pattern;
  std::optional<ProxyPass> proxy_pass;
  std::optional<Return> return_action;
  std::vector<HeaderSetting> proxy_set_headers;  // in configured order, after inheritance
  int proxy_http_version_minor = 1;              // Yoke default 1.1 (nginx: 1.0)
  Duration proxy_connect_timeout{60000};
  Duration proxy_read_timeout{60000};
  Duration proxy_send_timeout{60000};
  NextUpstream next_upstream;
  int next_upstream_tries = 0;                                      // 0 = no limit
  Duration next_upstream_timeout{0};                                // 0 = no limit
  std::uint64_t client_max_body_size = std::uint64_t{1024} * 1024;  // 0 = unlimited
  Duration client_body_timeout{60000};
  Duration send_timeout{60000};
  Duration keepalive_timeout{75000};
  int keepalive_requests = 1000;
  std::vector<AccessLog> access_logs;  // empty: access_log off
  TraceContext trace_context = TraceContext::kPass;
  std::vector<RateLimitRule> limit_req;  // inherited as a list (nginx)
  int limit_req_status = 429;            // Yoke default (nginx: 503)
  bool limit_req_dry_run = false;
  std::vector<ConnLimitRule> limit_conn;  // inherited as a list (nginx)
  int limit_conn_status = 429;            // Yoke default (nginx: 503)
  bool limit_conn_dry_run = false;
  std::vector<AccessRule> access;           // allow / deny, inherited as a list (nginx)
  std::optional<LimitExcept> limit_except;  // this location's own only
  RealIp real_ip;
  MinRate client_min_rate;  // for request bodies
  ProxySsl proxy_ssl;       // used when proxy_pass is https://
  SourceLocation where;
};

struct Listen {
  SocketAddress address;  // "listen 80" is 0.0.0.0:80
  bool ssl = false;       // TLS on this address (any server's "listen … ssl" makes it so)
  bool reuseport = false;
  bool default_server = false;
  int backlog = 511;
  bool proxy_protocol = false;  // a PROXY protocol header (v1 or v2) precedes each connection
  bool deferred = false;        // TCP_DEFER_ACCEPT
  int fastopen = 0;             // TCP_FASTOPEN queue length; 0 = off
  int max_conns = 0;            // open connections on this address, all workers; 0 = no limit
  bool freebind = false;        // IP_FREEBIND: bind an address this host does not hold (yet)
  SourceLocation where;
};

// One certificate chain and its key (ssl_certificate / ssl_certificate_key, paired in order).
// Paths are absolute: relative ones were taken from the folder of the file that named them.
struct SslCertificate {
  std::string certificate;
  std::string key;
  SourceLocation certificate_where;
  SourceLocation key_where;
};

// ssl_verify_client: whether clients must present a certificate signed by a CA of
// ssl_client_certificate.
enum class VerifyClient : std::uint8_t { kOff, kOn, kOptional, kOptionalNoCa };

// ngx_http_ssl_module settings of one server (inherited from http as nginx merges them).
struct Ssl {
  std::vector<SslCertificate> certificates;  // RSA and ECDSA pairs may both be given
  unsigned protocols = kTlsV1_2 | kTlsV1_3;
  // TLS 1.2 cipher list: forward-secret AEAD suites only (Mozilla's "intermediate" profile
  // without DHE), where nginx's default HIGH:!aNULL:!MD5 also allows RSA key exchange and CBC.
  std::string ciphers =
      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
      "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
  bool prefer_server_ciphers = false;
  // Sessions kept per worker for session-ID resumption; 0 = none (nginx's default "none").
  std::size_t session_cache_entries = 0;
  Duration session_timeout{300000};
  bool session_tickets = true;
  bool reject_handshake = false;
  std::vector<std::pair<std::string, std::string>> conf_commands;  // ssl_conf_command NAME VALUE
  VerifyClient verify_client = VerifyClient::kOff;
  int verify_depth = 1;
  std::string client_certificate;  // PEM file of trusted CAs (absolute path); empty = none
  SourceLocation client_certificate_where;
  // ssl_stapling on + ssl_stapling_file: a DER OCSP response stapled when clients ask.
  std::string stapling_file;  // empty = no stapling
  SourceLocation stapling_file_where;
};

struct Server {
  std::vector<Listen> listens;
  Ssl ssl;
  std::vector<std::string> server_names;  // exact, "*.example.com", "www.example.*", "~regex"
  std::vector<Location> locations;        // in configured order
  Duration client_header_timeout{60000};
  int large_header_buffers = 4;  // large_client_header_buffers NUMBER SIZE
  std::uint64_t large_header_buffer_size = 8192;
  // The server level's access logs: for requests that reach no location (400, 404, 408 …).
  std::vector<AccessLog> access_logs;
  RealIp real_ip;                               // before a location is chosen (404s, logs)
  MinRate client_min_rate;                      // for request heads
  std::optional<AcceptLimitRule> limit_accept;  // this server's, or http's
  SourceLocation where;
};

// One line of a map block: `KEY VALUE;`, `~REGEX VALUE;` or `~*REGEX VALUE;`.
struct MapEntry {
  enum class Kind : std::uint8_t { kExact, kRegex, kRegexCaseless };
  Kind kind = Kind::kExact;
  std::string key;      // the string, or the regex without "~" / "~*"
  ValueTemplate value;  // may use $1 … $9 (the regex's captures) when kind is a regex
  SourceLocation where;
};

// `map SOURCE $VARIABLE { default V; hostnames; KEY V; ~REGEX V; }` (ngx_http_map_module), at
// http level.
struct Map {
  ValueTemplate source;
  std::string variable;           // without '$'
  std::vector<MapEntry> entries;  // in configured order
  ValueTemplate default_value;    // empty when not given (nginx: an empty string)
  bool hostnames = false;         // keys may be "*.example.com", ".example.com", "www.example.*"
  SourceLocation where;
};

// One variable of a geoip2 block: `$VARIABLE [default=V] [source=$VAR] PATH …;`.
struct GeoIp2Variable {
  std::string variable;           // without '$'
  std::vector<std::string> path;  // e.g. {"country", "iso_code"}
  std::string default_value;      // when the address or the path is not in the database
  std::string source;             // a variable name without '$'; empty: the client's address
  SourceLocation where;
};

// `geoip2 FILE { … }` (the nginx GeoIP2 module's syntax), at http level.
struct GeoIp2 {
  std::string file;  // absolute path (relative ones are taken from the including file's folder)
  std::vector<GeoIp2Variable> variables;
  SourceLocation where;
};

struct Http {
  std::vector<Upstream> upstreams;
  std::vector<Map> maps;
  std::vector<GeoIp2> geoip2;
  std::vector<RateLimitZone> limit_req_zones;
  std::vector<ConnLimitZone> limit_conn_zones;
  std::vector<RateLimitZone> limit_accept_zones;  // keyed by the client address
  std::vector<Match> matches;          // `match NAME { }` blocks, for health_check match=NAME
  std::vector<LogFormat> log_formats;  // "combined" and "json" first, then log_format's
  std::vector<Server> servers;
  // Distinct proxy_ssl settings of the https:// locations (ProxyPass::tls_profile).
  std::vector<ProxySsl> upstream_tls;
};

// admin { listen ADDRESS; token_file PATH; }: the admin listener (/healthz, /metrics), served by
// its own thread. Absent unless configured.
struct Admin {
  SocketAddress address;   // listen; 127.0.0.1:9901 when not given
  std::string token_file;  // as written, resolved against the including file's folder
  std::string token;       // the file's first line, trimmed; empty = no Authorization needed
  // denylist_file: where the runtime deny list is kept (resolved like token_file); empty =
  // in memory only (admin/denylist_file.h).
  std::string denylist_file;
  SourceLocation where;
};

struct Config {
  std::string file;                       // the main configuration file
  int worker_processes = 0;               // 0 = auto (one per core)
  std::string error_log_path;             // empty = stderr
  std::string error_log_level = "error";  // debug info notice warn error crit alert emerg
  std::string pid_path;                   // empty = no pid file
  int worker_connections = 16384;
  bool worker_connections_set = false;  // given in the file (only then is clamping a warning)
  PollerKind event_method = PollerKind::kEpoll;  // events { use …; }
  Duration shutdown_grace{10000};  // graceful stop bound (Yoke: worker_shutdown_timeout)
  // `yoke -s drain`: how long /healthz fails while the node still serves, before the graceful
  // stop begins (drain_grace; docs/cluster.md).
  Duration drain_grace{3000};
  Http http;
  std::optional<Admin> admin;
  // The balancer's own zone (`yoke_zone NAME;`, overridden by --zone): zone_aware upstreams
  // prefer servers with zone=NAME. Empty: none.
  std::string zone;
};

// Loads, expands includes, validates and resolves names. Throws ConfigError naming
// file:line:column, what was found and what was expected. Blocking (reads files, resolves
// hostnames): call on the main thread only.
Config load_config(const std::string& path);
// Same, from text (for tests); file_name is used in messages and for relative includes.
Config load_config_text(const std::string& text, const std::string& file_name);
// The balancer's zone from the command line (--zone NAME): overrides `yoke_zone` in every
// configuration loaded afterwards (start, reload, -t); empty clears it. Main thread, before
// loading.
void set_zone_override(std::string zone);

}  // namespace yoke::config
