#pragma once
// The balancing contract (docs/architecture.md, "Balancing"). A Policy is created per worker
// over a group of hosts (the primaries, or the backups) of one HostSet; it is only ever used by
// that worker's thread, so it may keep mutable state without locks. choose() is synchronous:
// no I/O, no allocation, no locks.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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
  // Feedback hooks: a request was sent to host / finished on host.
  virtual void on_request_start(const Host& /*host*/) {}
  virtual void on_request_end(const Host& /*host*/, bool /*failed*/, Microseconds /*latency*/) {}
};

// A registered policy: what the `upstream` block directive is called and how to make one.
struct PolicyFactory {
  std::string_view directive;  // e.g. "round_robin", "least_conn", "hash"
  // Checks the directive's arguments at config load; returns an error message (mentioning
  // what was expected) or std::nullopt. Called on the main thread.
  std::optional<std::string> (*validate)(const std::vector<config::Argument>& args);
  // Creates a per-worker instance over `group` (pointers into a HostSet that outlives it).
  std::unique_ptr<Policy> (*create)(const std::vector<config::Argument>& args,
                                    const std::vector<const Host*>& group);
};

// Registers a policy; call from a static initialiser in the policy's own folder:
//   static const bool kRegistered = register_policy({"round_robin", &validate, &create});
bool register_policy(const PolicyFactory& factory);
// The factory registered under directive, or nullptr.
const PolicyFactory* find_policy(std::string_view directive);
// All registered directive names (for messages like "expected one of: …").
std::vector<std::string_view> policy_names();

}  // namespace yoke::balancing
