// change_members (yoke/membership/member_change.h): the edit, the ramp of new hosts, and the
// state file, over whichever SnapshotSwap publishes snapshots.
#include "yoke/membership/member_change.h"

#include <stdexcept>
#include <unordered_set>

#include "yoke/config/upstream_members.h"
#include "yoke/membership/state_file.h"
#include "yoke/observe/error_log.h"

namespace yoke::membership {
namespace {

const router::UpstreamEntry* entry_named(const router::RouteTable& table, std::string_view name) {
  for (const router::UpstreamEntry& entry : table.upstreams()) {
    if (entry.hosts->upstream == name) return &entry;
  }
  return nullptr;
}

// New hosts of the upstream (an address `from` did not have) ramp in over their slow_start
// from now, as nginx Plus ramps a server added through its API.
void start_ramps(const router::RouteTable& from, const router::RouteTable& to,
                 std::string_view upstream, TimePoint now) {
  const router::UpstreamEntry* before = entry_named(from, upstream);
  const router::UpstreamEntry* after = entry_named(to, upstream);
  if (after == nullptr || after->hosts->runtime == nullptr) return;
  std::unordered_set<std::string> known;
  if (before != nullptr) {
    for (const balancing::Host& host : before->hosts->hosts) known.insert(host.address.to_string());
  }
  for (const balancing::Host& host : after->hosts->hosts) {
    if (host.slow_start.count() > 0 && !known.contains(host.address.to_string())) {
      (*after->hosts->runtime)[host.index].start_ramp(now);
    }
  }
}

// The running configuration with upstream's members replaced; throws config::ConfigError (or
// std::runtime_error for an unknown upstream).
// unknown: set when there is no such upstream block, so the caller can answer 404.
std::shared_ptr<const config::Config> with_members(
    const config::Config& running, std::string_view upstream,
    const std::vector<config::UpstreamServer>& members, bool& unknown) {
  auto next = std::make_shared<config::Config>(running);
  for (config::Upstream& candidate : next->http.upstreams) {
    if (candidate.name != upstream || candidate.implicit) continue;
    config::set_members(candidate, members);
    return next;
  }
  unknown = true;
  throw std::runtime_error("no upstream block named \"" + std::string(upstream) + "\"");
}

std::string describe(std::string_view upstream,
                     const std::vector<config::UpstreamServer>& members) {
  std::string text = "upstream \"" + std::string(upstream) + "\" now has";
  for (const config::UpstreamServer& member : members) text += " " + member.name;
  return text;
}

}  // namespace

ChangeResult change_members(SnapshotSwap& swap, std::string_view upstream,
                            std::vector<config::UpstreamServer> members) {
  ChangeResult result;
  bool unknown = false;
  std::string state_file;
  const TimePoint now = Clock::now();
  const std::optional<std::string> refused = swap.swap(
      [&](const config::Config& running) {
        auto next = with_members(running, upstream, members, unknown);
        for (const config::Upstream& entry : next->http.upstreams) {
          if (entry.name == upstream && !entry.implicit) state_file = entry.state_file;
        }
        return next;
      },
      [&](const router::RouteTable& from, const router::RouteTable& to) {
        start_ramps(from, to, upstream, now);
      },
      [&](const router::RouteTable& /*to*/) {
        if (state_file.empty()) return;
        std::string error;
        if (!write_state_file(state_file, std::string(upstream), members, error)) {
          result.state_error = error;
          observe::log_line(
              observe::LogLevel::kError,
              "state of upstream \"" + std::string(upstream) + "\" not saved: " + error);
        }
      });
  if (refused) {
    result.outcome =
        unknown ? ChangeResult::Outcome::kUnknownUpstream : ChangeResult::Outcome::kInvalid;
    result.error = *refused;
    return result;
  }
  observe::log_line(observe::LogLevel::kNotice, describe(upstream, members));
  return result;
}

}  // namespace yoke::membership
