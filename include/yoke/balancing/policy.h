#pragma once
// The balancing contract (docs/architecture.md, "Balancing"). A Policy is created per worker
// over a group of hosts (the primaries, or the backups) of one HostSet; it is only ever used by
// that worker's thread, so it may keep mutable state without locks. choose() is synchronous:
// no I/O, no allocation, no locks.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "yoke/balancing/hash_key.h"
#include "yoke/balancing/host_set.h"
#include "yoke/config/ast.h"
#include "yoke/core/clock.h"

namespace yoke::balancing {

// What a caller knows about the request when it asks for a host.
struct LbContext {
  std::uint64_t hash_key = 0;  // precomputed key for hashing policies (client IP, header …)
  bool has_hash_key = false;
  TimePoint now{};
  int attempt = 0;  // 0 for the first try, 1 for the first retry, …
  // The client's region (the upstream's region_key, evaluated once per request); empty when the
  // upstream has no region_policy or the key was empty. Points into the request's state.
  std::string_view client_region;
};

// How one attempt on a host ended, as the proxy reports it to on_request_end.
struct AttemptOutcome {
  // It met a proxy_next_upstream condition (nginx counts those toward max_fails).
  bool failed = false;
  // From the attempt's start (connect or pooled-connection reuse) to the response's last byte,
  // or to the failure. For an upgraded (101) exchange, to the response head.
  Microseconds latency{0};
  // From the attempt's start to the complete response head; negative when no head arrived.
  Microseconds header_latency{-1};
  // The response's status code; 0 when no head arrived. A 5xx that proxy_next_upstream does
  // not list is passed to the client and is not `failed`, but latency policies treat it as an
  // error (a server that answers 500 at once is not fast).
  int status = 0;
  // Cut short before a complete response: the client went away, the response broke off after
  // its head was passed on, a local error. Counts end; the latencies are no sample.
  bool aborted = false;
  TimePoint now{};  // the loop's cached time when the attempt ended
};

// Whether a host may be picked now; maintained by UpstreamBalancer (down, passive failures,
// max_conns, already tried by this request). Policies must only return eligible hosts.
class Eligibility {
 public:
  virtual ~Eligibility() = default;
  virtual bool eligible(const Host& host) const = 0;
};

class Policy {
 public:
  virtual ~Policy() = default;
  // Picks one of the group's hosts for which eligibility.eligible() is true, or nullptr when
  // none is. Called on the worker thread only.
  virtual const Host* choose(const LbContext& context, const Eligibility& eligibility) = 0;
  // Feedback hooks: a request was sent to host at now / its attempt on host ended. Every start
  // is followed by exactly one end for the same host.
  virtual void on_request_start(const Host& /*host*/, TimePoint /*now*/) {}
  virtual void on_request_end(const Host& /*host*/, const AttemptOutcome& /*outcome*/) {}
};

// Read-only state a policy builds once per HostSet group on the main thread and shares with
// every worker's instance (a Maglev table, a ketama ring). Immutable once built, so workers read
// it without locks; it refers to hosts by their position in the group, never by pointer.
class SharedPolicyState {
 public:
  virtual ~SharedPolicyState() = default;
};
using SharedPolicyStatePtr = std::shared_ptr<const SharedPolicyState>;

// What a policy hashes per request (hash_key.h).
struct HashKeyNeed {
  HashKeyKind kind = HashKeyKind::kNone;
  const config::Argument* expression = nullptr;  // for kExpression: one of the arguments
};

// A registered policy: what the `upstream` block directive is called and how to make one.
// Only directive, validate and create are required; the other members declare what the policy
// needs and supports, so the config loader can reject combinations that make no sense.
struct PolicyFactory {
  std::string_view directive;  // e.g. "round_robin", "least_conn", "hash"
  // Checks the directive's arguments at config load; returns an error message (mentioning
  // what was expected) or std::nullopt. Called on the main thread.
  std::optional<std::string> (*validate)(const std::vector<config::Argument>& args);
  // Creates a per-worker instance over `group` (pointers into a HostSet that outlives it).
  std::unique_ptr<Policy> (*create)(const std::vector<config::Argument>& args,
                                    const std::vector<const Host*>& group);
  // The request key the policy hashes, for validated args; nullptr: none.
  HashKeyNeed (*hash_key)(const std::vector<config::Argument>& args) = nullptr;
  // Server parameters that change what the policy does; the loader rejects `backup` servers
  // and `weight=` where these are false (nginx rejects `backup` with ip_hash, hash and random).
  bool supports_backup = true;
  bool uses_weight = true;
  // The most hosts (addresses, after names are resolved) the policy can take with these
  // validated args; 0 or nullptr: no limit. The loader rejects larger upstreams at the policy.
  std::size_t (*max_hosts)(const std::vector<config::Argument>& args) = nullptr;
  // Optional pair for policies with state worth building once per snapshot: share() builds it
  // on the main thread, create_shared() makes a worker's instance that reads it. create() must
  // still work alone (it may call both).
  SharedPolicyStatePtr (*share)(const std::vector<config::Argument>& args,
                                const std::vector<const Host*>& group) = nullptr;
  std::unique_ptr<Policy> (*create_shared)(const std::vector<config::Argument>& args,
                                           const std::vector<const Host*>& group,
                                           SharedPolicyStatePtr shared) = nullptr;
  // The policy reads Host::effective_weight at each pick, so the admin API's weights, agent
  // percentages and `slow_start=` apply to it; the loader rejects slow_start= and the admin API
  // weight changes where this is false (nginx Plus rejects slow_start with hash, ip_hash and
  // random, whose tables are built from configured weights).
  bool runtime_weights = false;
};

// Registers a policy; call from a static initialiser in the policy's own folder:
//   static const bool kRegistered = register_policy({"round_robin", &validate, &create});
bool register_policy(const PolicyFactory& factory);
// The factory registered under directive, or nullptr.
const PolicyFactory* find_policy(std::string_view directive);
// All registered directive names (for messages like "expected one of: …").
std::vector<std::string_view> policy_names();

}  // namespace yoke::balancing
