// Per-worker balancing over one upstream, following nginx's round-robin peer module
// (src/http/ngx_http_upstream_round_robin.c): primaries first, backups only when no primary can
// be picked (ngx_http_upstream_get_round_robin_peer falls through to `peers->next`), and passive
// health as in ngx_http_upstream_free_round_robin_peer (fails / accessed / checked).
#include "yoke/upstream/upstream_balancer.h"

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
    : hosts_(std::move(hosts)), states_(hosts_->hosts.size()) {
  const Groups groups = split_groups(*hosts_);

  // ngx_http_upstream_init_round_robin: `peers->single = (n == 1)`, reset to 0 when backup
  // servers exist.
  if (groups.primaries.size() == 1 && groups.backups.empty())
    states_[groups.primaries[0]->index].counts_failures = false;

  primary_ = create_policy(policy, args, groups.primaries, shared.primaries);
  backup_ = create_policy(policy, args, groups.backups, shared.backups);
}

UpstreamBalancer::~UpstreamBalancer() = default;
UpstreamBalancer::UpstreamBalancer(UpstreamBalancer&&) noexcept = default;
UpstreamBalancer& UpstreamBalancer::operator=(UpstreamBalancer&&) noexcept = default;

const Host* UpstreamBalancer::choose(const balancing::LbContext& context, const TriedHosts& tried) {
  const GroupEligibility eligibility(*this, tried, context.now);
  const Host* host = primary_ ? primary_->choose(context, eligibility) : nullptr;
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

void UpstreamBalancer::on_request_start(const Host& host, TimePoint now) {
  ++states_[host.index].active;
  balancing::Policy* policy = host.backup ? backup_.get() : primary_.get();
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

  balancing::Policy* policy = host.backup ? backup_.get() : primary_.get();
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

int UpstreamBalancer::active_requests(const Host& host) const { return states_[host.index].active; }

}  // namespace yoke::upstream
