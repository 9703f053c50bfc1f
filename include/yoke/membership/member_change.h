#pragma once
// Changing an upstream's members at run time (docs/architecture.md, "Runtime membership"): the
// one step the admin API's POST and DELETE take, and that DNS re-resolution and etcd discovery
// will take. A change never mutates the running snapshot: it copies the running configuration,
// gives the upstream its new member list, checks it as a configuration file's servers are
// checked, builds a new routing snapshot from it off the hot path (balancing schedules, hash
// rings and Maglev tables rebuilt for the new list) and publishes it through the path a reload
// takes, with the health, outlier, agent and admin state of the members that stay carried over.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yoke/config/model.h"
#include "yoke/router/route_table.h"

namespace yoke::membership {

// Who owns the running snapshot and publishes new ones (cli::Reloader).
class SnapshotSwap {
 public:
  // Builds the next configuration from the running one; throws config::ConfigError to refuse.
  using Edit = std::function<std::shared_ptr<const config::Config>(const config::Config& running)>;
  // Runs while the running table `from` is replaced by `to`, under the lock that orders admin
  // API changes against the swap (observe::MetricsRegistry::replace), before any worker picks
  // from `to`.
  using Carry = std::function<void(const router::RouteTable& from, const router::RouteTable& to)>;
  // Runs once `to` is published, still serialised with other swaps and reloads.
  using Installed = std::function<void(const router::RouteTable& to)>;

  virtual ~SnapshotSwap() = default;
  // Builds a snapshot from edit(running configuration) and publishes it as a reload does (new
  // generations for the workers, host state carried over, checker restarted). Returns why not
  // when the edit refused or the snapshot could not be built; nothing changed then. Any thread
  // but a worker's; serialised with reloads and other swaps (it may wait for one).
  virtual std::optional<std::string> swap(const Edit& edit, const Carry& carry,
                                          const Installed& installed) = 0;
};

struct ChangeResult {
  enum class Outcome : std::uint8_t {
    kApplied,          // the new members serve
    kUnknownUpstream,  // no upstream block of that name (implicit upstreams cannot change)
    kInvalid,          // the member list fails the configuration's checks
  };
  Outcome outcome = Outcome::kApplied;
  std::string error;  // why not applied, with the checker's file:line:column when it has one
  // Applied, but the upstream's `state` file could not be written (its last content stays).
  std::string state_error;
};

// Gives upstream `upstream` exactly `members` (config servers, numeric addresses already
// resolved) and publishes the result through swap. Members that stay (same address) keep their
// runtime state; new ones start as the upstream's health_check says (`mandatory`: checking
// until a first pass) and ramp in over their slow_start from now. With `state FILE;` the file
// is rewritten (temp file + rename) after the new snapshot is published. Blocking (builds a
// snapshot, writes a file): the admin thread or a discovery thread, never a worker.
ChangeResult change_members(SnapshotSwap& swap, std::string_view upstream,
                            std::vector<config::UpstreamServer> members);

}  // namespace yoke::membership
