// Per-worker balancing over one upstream, following nginx's round-robin peer module
// (src/http/ngx_http_upstream_round_robin.c): primaries first, backups only when no primary can
// be picked (ngx_http_upstream_get_round_robin_peer falls through to `peers->next`), and passive
// health as in ngx_http_upstream_free_round_robin_peer (fails / accessed / checked).
#include "yoke/upstream/upstream_balancer.h"

#include <utility>

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
// not down, not failed within fail_timeout, below max_conns.
class UpstreamBalancer::GroupEligibility final : public balancing::Eligibility {
 public:
  GroupEligibility(const UpstreamBalancer& balancer, const TriedHosts& tried, TimePoint now)
      : balancer_(balancer), tried_(tried), now_(now) {}

  bool eligible(const Host& host) const override {
    if (host.down || tried_.contains(host.index)) return false;
    if (balancer_.is_failed(host, now_)) return false;
    const HostState& state = balancer_.states_[host.index];
    return host.max_conns <= 0 || state.active < host.max_conns;
  }

 private:
  const UpstreamBalancer& balancer_;
  const TriedHosts& tried_;
  TimePoint now_;
};

UpstreamBalancer::UpstreamBalancer(balancing::HostSetPtr hosts,
                                   const balancing::PolicyFactory& policy,
                                   const std::vector<config::Argument>& args)
    : hosts_(std::move(hosts)), states_(hosts_->hosts.size()) {
  std::vector<const Host*> primaries;
  std::vector<const Host*> backups;
  for (const Host& host : hosts_->hosts) (host.backup ? backups : primaries).push_back(&host);

  // ngx_http_upstream_init_round_robin: `peers->single = (n == 1)`, reset to 0 when backup
  // servers exist.
  if (primaries.size() == 1 && backups.empty())
    states_[primaries[0]->index].counts_failures = false;

  if (!primaries.empty()) primary_ = policy.create(args, primaries);
  if (!backups.empty()) backup_ = policy.create(args, backups);
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

  // ngx_http_upstream_get_peer: `if (now - best->checked > best->fail_timeout) best->checked =
  // now;` — the pick that probes a host after fail_timeout moves `checked` past `accessed`, so a
  // success on it resets fails (on_request_end). It also ages out failures of a host that never
  // reached max_fails once fail_timeout has passed without another failure.
  HostState& state = states_[host->index];
  if (context.now - state.checked >= host->fail_timeout) state.checked = context.now;
  return host;
}

void UpstreamBalancer::on_request_start(const Host& host) {
  ++states_[host.index].active;
  balancing::Policy* policy = host.backup ? backup_.get() : primary_.get();
  if (policy != nullptr) policy->on_request_start(host);
}

void UpstreamBalancer::on_request_end(const Host& host, bool failed, Microseconds latency,
                                      TimePoint now) {
  HostState& state = states_[host.index];
  if (state.active > 0) --state.active;

  if (state.counts_failures) {
    if (failed) {
      ++state.fails;
      state.accessed = now;
      state.checked = now;
    } else if (state.accessed < state.checked) {
      // "mark peer live if check passed": the host succeeded after being re-probed.
      state.fails = 0;
    }
  }

  balancing::Policy* policy = host.backup ? backup_.get() : primary_.get();
  if (policy != nullptr) policy->on_request_end(host, failed, latency);
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
