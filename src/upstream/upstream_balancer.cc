// Per-worker balancing over one upstream, following nginx's round-robin peer module
// (src/http/ngx_http_upstream_round_robin.c): primaries first, backups only when no primary can
// be picked (ngx_http_upstream_get_round_robin_peer falls through to `peers->next`), and passive
// health as in ngx_http_upstream_free_round_robin_peer (fails / accessed / checked).
#include "yoke/upstream/upstream_balancer.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

namespace yoke::upstream {

using balancing::Host;

struct UpstreamBalancer::HostState {
  int fails = 0;
  TimePoint accessed{};  // last failure
  TimePoint checked{};   // last failure, or the pick that probed the host after fail_timeout
  int active = 0;        // requests in flight, for max_conns (nginx peer->conns)
  // False for nginx's "single" peer: an upstream with exactly one primary and no backups never
  // counts failures (ngx_http_upstream_free_round_robin_peer returns early when
  // peers->single), because taking the only server out would just turn errors into 502s.
  bool counts_failures = true;
};

// The conditions nginx's ngx_http_upstream_get_peer checks before weighing a peer: not tried,
// not down, not failed within fail_timeout, below max_conns; and what the checker thread
// reports (active health, the agent's state and maxconn), read with relaxed loads
// (host_runtime.h). They apply whatever the policy.
class UpstreamBalancer::GroupEligibility final : public balancing::Eligibility {
 public:
  GroupEligibility(const UpstreamBalancer& balancer, const TriedHosts& tried, TimePoint now)
      : balancer_(balancer), tried_(tried), now_(now) {}

  bool eligible(const Host& host) const override {
    if (host.down || tried_.contains(host.index)) return false;
    // One relaxed load: closed by health or agent, and the agent's "maxconn:N".
    const balancing::HostRuntime::Gate gate =
        host.runtime == nullptr ? balancing::HostRuntime::Gate{} : host.runtime->gate();
    if (gate.closed) return false;
    // Ejected by outlier detection (a second shared word, loaded only when it is configured).
    if (!balancer_.outliers_.admits(host, now_)) return false;
    if (balancer_.is_failed(host, now_)) return false;
    const int active = balancer_.states_[host.index].active;
    if (host.max_conns > 0 && active >= host.max_conns) return false;
    // The agent's cap limits this worker's requests in flight as max_conns does (nginx counts
    // max_conns per worker unless a shared zone is configured; so does Yoke).
    return gate.maxconn <= 0 || active < gate.maxconn;
  }

 private:
  const UpstreamBalancer& balancer_;
  const TriedHosts& tried_;
  TimePoint now_;
};

// Narrows an eligibility to the hosts in, or out of, the balancer's own zone: the filter
// zone_aware puts in front of the policy, so any policy picks within a zone unchanged.
class UpstreamBalancer::ZoneEligibility final : public balancing::Eligibility {
 public:
  ZoneEligibility(const balancing::Eligibility& inner, bool local) : inner_(inner), local_(local) {}
  bool eligible(const Host& host) const override {
    return host.local_zone == local_ && inner_.eligible(host);
  }

 private:
  const balancing::Eligibility& inner_;
  bool local_;
};

namespace {

struct Groups {
  std::vector<const Host*> primaries;
  std::vector<const Host*> backups;
};

// The one place hosts are split into groups, so share() and the constructor agree on every
// host's position in its group (shared policy state refers to hosts by that position).
Groups split_groups(const balancing::HostSet& hosts) {
  Groups groups;
  for (const Host& host : hosts.hosts) {
    (host.backup ? groups.backups : groups.primaries).push_back(&host);
  }
  return groups;
}

// Primaries by priority=N, ascending, each keeping the configured order of its hosts.
std::vector<std::vector<const Host*>> split_levels(const std::vector<const Host*>& primaries) {
  std::vector<int> priorities;
  priorities.reserve(primaries.size());
  for (const Host* host : primaries) priorities.push_back(host->priority);
  std::sort(priorities.begin(), priorities.end());
  priorities.erase(std::unique(priorities.begin(), priorities.end()), priorities.end());
  std::vector<std::vector<const Host*>> levels(priorities.size());
  for (const Host* host : primaries) {
    const auto at = std::lower_bound(priorities.begin(), priorities.end(), host->priority);
    levels[static_cast<std::size_t>(at - priorities.begin())].push_back(host);
  }
  return levels;
}

std::unique_ptr<balancing::Policy> create_policy(const balancing::PolicyFactory& policy,
                                                 const std::vector<config::Argument>& args,
                                                 const std::vector<const Host*>& group,
                                                 const balancing::SharedPolicyStatePtr& shared) {
  if (group.empty()) return nullptr;
  if (shared != nullptr && policy.create_shared != nullptr) {
    return policy.create_shared(args, group, shared);
  }
  return policy.create(args, group);
}

}  // namespace

SharedPolicyGroups UpstreamBalancer::share(const balancing::HostSet& hosts,
                                           const balancing::PolicyFactory& policy,
                                           const std::vector<config::Argument>& args) {
  SharedPolicyGroups shared;
  if (policy.share == nullptr || policy.create_shared == nullptr) return shared;
  const Groups groups = split_groups(hosts);
  if (!groups.primaries.empty()) shared.primaries = policy.share(args, groups.primaries);
  if (!groups.backups.empty()) shared.backups = policy.share(args, groups.backups);
  return shared;
}

UpstreamBalancer::UpstreamBalancer(balancing::HostSetPtr hosts,
                                   const balancing::PolicyFactory& policy,
                                   const std::vector<config::Argument>& args,
                                   const SharedPolicyGroups& shared)
    : hosts_(std::move(hosts)), states_(hosts_->hosts.size()), outliers_(*hosts_) {
  const Groups groups = split_groups(*hosts_);

  // ngx_http_upstream_init_round_robin: `peers->single = (n == 1)`, reset to 0 when backup
  // servers exist.
  if (groups.primaries.size() == 1 && groups.backups.empty())
    states_[groups.primaries[0]->index].counts_failures = false;

  if (hosts_->resilience.regions.enabled) {
    build_region_levels(policy, args);
  } else {
    build_priority_levels(groups.primaries, policy, args, shared);
  }
  backup_ = create_policy(policy, args, groups.backups, shared.backups);
  spills_ = levels_.size() > 1 || hosts_->resilience.zone_aware.enabled || !region_levels_.empty();
  if (spills_) {
    random_ = balancing::PolicyRandom(balancing::next_policy_seed());
    const std::size_t count = std::max(levels_.size(), region_levels_.size());
    loads_.assign(count, 0);
    capacities_.assign(count, Capacity{});
  }
}

void UpstreamBalancer::build_priority_levels(const std::vector<const Host*>& primaries,
                                             const balancing::PolicyFactory& policy,
                                             const std::vector<config::Argument>& args,
                                             const SharedPolicyGroups& shared) {
  const std::vector<std::vector<const Host*>> levels = split_levels(primaries);
  for (const std::vector<const Host*>& members : levels) {
    Level level;
    level.priority = members.front()->priority;
    level.hosts = members;
    // Shared state was built over all primaries: it fits only when they are one level.
    level.policy =
        create_policy(policy, args, members, levels.size() == 1 ? shared.primaries : nullptr);
    levels_.push_back(std::move(level));
  }
}

void UpstreamBalancer::build_region_levels(const balancing::PolicyFactory& policy,
                                           const std::vector<config::Argument>& args) {
  regions_ = RegionPlan(*hosts_);
  std::vector<std::vector<const Host*>> members(regions_.region_count());
  for (const Host& host : hosts_->hosts) {
    const std::uint16_t region = regions_.region_of(host);
    if (region != RegionPlan::kNoRegion) members[region].push_back(&host);
  }
  for (const std::vector<const Host*>& hosts : members) {
    Level level;
    level.hosts = hosts;
    level.policy = create_policy(policy, args, hosts, nullptr);
    region_levels_.push_back(std::move(level));
  }
}

UpstreamBalancer::~UpstreamBalancer() = default;
UpstreamBalancer::UpstreamBalancer(UpstreamBalancer&&) noexcept = default;
UpstreamBalancer& UpstreamBalancer::operator=(UpstreamBalancer&&) noexcept = default;

const Host* UpstreamBalancer::choose(const balancing::LbContext& context, const TriedHosts& tried) {
  const GroupEligibility eligibility(*this, tried, context.now);
  const Host* host = nullptr;
  if (!region_levels_.empty()) {
    host = choose_by_region(context, eligibility);
  } else if (spills_) {
    host = choose_spilled(context, eligibility);
  } else if (!levels_.empty()) {
    host = levels_.front().policy->choose(context, eligibility);
  }
  // nginx switches to the backup peers only when no primary could be picked for this request
  // (all down, failed, full or already tried).
  if (host == nullptr && backup_) host = backup_->choose(context, eligibility);
  if (host == nullptr) return nullptr;
  return picked(*host, context.now);
}

const Host* UpstreamBalancer::choose_bound(const balancing::LbContext& context,
                                           const TriedHosts& tried, const Host& affinity) {
  // The identity check keeps a host of another snapshot (never expected) from being used here.
  const bool member =
      affinity.index < hosts_->hosts.size() && &hosts_->hosts[affinity.index] == &affinity;
  if (member && GroupEligibility(*this, tried, context.now).eligible(affinity)) {
    return picked(affinity, context.now);
  }
  return choose(context, tried);
}

const Host* UpstreamBalancer::picked(const Host& host, TimePoint now) {
  // ngx_http_upstream_get_peer: `if (now - best->checked > best->fail_timeout) best->checked =
  // now;` — the pick that probes a host after fail_timeout moves `checked` past `accessed`, so a
  // success on it resets fails (on_request_end). It also ages out failures of a host that never
  // reached max_fails once fail_timeout has passed without another failure.
  HostState& state = states_[host.index];
  if (now - state.checked >= host.fail_timeout) state.checked = now;
  return &host;
}

balancing::Policy* UpstreamBalancer::policy_of(const Host& host) const {
  if (host.backup) return backup_.get();
  if (!region_levels_.empty()) return region_levels_[regions_.region_of(host)].policy.get();
  if (levels_.size() == 1) return levels_.front().policy.get();
  for (const Level& level : levels_) {
    if (level.priority == host.priority) return level.policy.get();
  }
  return nullptr;
}

void UpstreamBalancer::on_request_start(const Host& host, TimePoint now) {
  ++states_[host.index].active;
  balancing::Policy* policy = policy_of(host);
  if (policy != nullptr) policy->on_request_start(host, now);
}

void UpstreamBalancer::on_request_end(const Host& host, bool failed, Microseconds latency,
                                      TimePoint now) {
  balancing::AttemptOutcome outcome;
  outcome.failed = failed;
  outcome.latency = latency;
  outcome.header_latency = failed ? Microseconds(-1) : latency;
  outcome.status = failed ? 0 : 200;
  outcome.now = now;
  on_request_end(host, outcome);
}

void UpstreamBalancer::on_request_end(const Host& host, const balancing::AttemptOutcome& outcome) {
  HostState& state = states_[host.index];
  if (state.active > 0) --state.active;

  if (state.counts_failures) {
    if (outcome.failed) {
      ++state.fails;
      state.accessed = outcome.now;
      state.checked = outcome.now;
    } else if (state.accessed < state.checked) {
      // "mark peer live if check passed": the host succeeded after being re-probed.
      state.fails = 0;
    }
  }

  if (outliers_.active()) outliers_.record(host, outcome);

  balancing::Policy* policy = policy_of(host);
  if (policy != nullptr) policy->on_request_end(host, outcome);
}

bool UpstreamBalancer::is_failed(const Host& host, TimePoint now) const {
  const HostState& state = states_[host.index];
  // nginx skips a peer while `max_fails && fails >= max_fails && now - checked <= fail_timeout`
  // in whole seconds; with a millisecond clock we use the documented meaning, "unavailable for
  // the duration of fail_timeout" (ngx_http_upstream_module, `server ... fail_timeout`).
  return state.counts_failures && host.max_fails > 0 && state.fails >= host.max_fails &&
         now - state.checked < host.fail_timeout;
}

bool UpstreamBalancer::healthy(const Host& host, TimePoint now) const {
  if (host.down || !host.accepts_requests()) return false;
  if (!outliers_.admits(host, now)) return false;
  return !is_failed(host, now);
}

// Draws the level by its priority load and, with zone_aware, the zone by the local share; what
// the draw prefers is tried first and the rest in priority order, so a request fails only when
// no primary anywhere is eligible (then the backups are tried, as nginx does).
const Host* UpstreamBalancer::choose_spilled(const balancing::LbContext& context,
                                             const GroupEligibility& eligibility) {
  std::size_t first = 0;
  if (levels_.size() > 1) {
    for (std::size_t i = 0; i < levels_.size(); ++i) {
      capacities_[i] = capacity_of(levels_[i], context.now);
    }
    priority_loads(capacities_, hosts_->resilience.priority_min_healthy_percent, loads_);
    first = draw_level(loads_);
  }
  if (const Host* host = choose_in_level(context, levels_[first], eligibility)) return host;
  for (std::size_t i = 0; i < levels_.size(); ++i) {
    if (i == first) continue;
    if (const Host* host = choose_in_level(context, levels_[i], eligibility)) return host;
  }
  return nullptr;
}

// Within one level: with zone_aware, the local zone keeps local_zone_share of the requests and
// the rest go to the other zones; whichever side is drawn, the other is the fallback.
const Host* UpstreamBalancer::choose_in_level(const balancing::LbContext& context,
                                              const Level& level,
                                              const GroupEligibility& eligibility) {
  if (!hosts_->resilience.zone_aware.enabled) return level.policy->choose(context, eligibility);
  Capacity local;
  for (const Host* host : level.hosts) {
    if (!host->local_zone) continue;
    const std::int64_t weight = host->scaled_weight();
    local.total += weight;
    if (healthy(*host, context.now)) local.healthy += weight;
  }
  const std::uint32_t share =
      local_zone_share(local, hosts_->resilience.zone_aware.min_healthy_percent);
  const bool local_first = random_.below(kAllLoad) < share;
  const ZoneEligibility preferred(eligibility, local_first);
  if (const Host* host = level.policy->choose(context, preferred)) return host;
  const ZoneEligibility other(eligibility, !local_first);
  return level.policy->choose(context, other);
}

Capacity UpstreamBalancer::capacity_of(const Level& level, TimePoint now) const {
  Capacity capacity;
  for (const Host* host : level.hosts) {
    const std::int64_t weight = host->scaled_weight();
    capacity.total += weight;
    if (healthy(*host, now)) capacity.healthy += weight;
  }
  return capacity;
}

std::size_t UpstreamBalancer::draw_level(std::span<const std::uint32_t> loads) {
  const std::uint64_t draw = random_.below(kAllLoad);
  std::size_t level = 0;
  for (std::uint64_t cumulative = loads[0]; level + 1 < loads.size() && draw >= cumulative;) {
    cumulative += loads[++level];
  }
  return level;
}

int UpstreamBalancer::active_requests(const Host& host) const { return states_[host.index].active; }

}  // namespace yoke::upstream
