#pragma once
// One worker's view of one upstream: picks hosts with the configured policy, falls back to the
// backup group when no primary is eligible (nginx `backup`), and keeps passive health as nginx
// does with max_fails / fail_timeout ("ngx_http_upstream_round_robin.c": a host that failed
// max_fails times within fail_timeout is skipped for fail_timeout). Primaries may form priority
// levels (`priority=N`) and zones (`zone_aware`), between which traffic spills gradually
// (load_spill.h), or, with `region_policy nearest`, regions ordered per client region
// (region_plan.h, docs/global.md) with the same spill arithmetic; outlier ejection
// (health::OutlierDetector) applies to every host. Worker thread only; no locks.
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "yoke/balancing/host_set.h"
#include "yoke/balancing/policy.h"
#include "yoke/balancing/random.h"
#include "yoke/core/clock.h"
#include "yoke/health/outlier_detector.h"
#include "yoke/upstream/load_spill.h"
#include "yoke/upstream/region_plan.h"

namespace yoke::upstream {

// Hosts already tried by one request (retries never pick a tried host while an untried
// eligible one remains).
class TriedHosts {
 public:
  explicit TriedHosts(std::size_t host_count = 0) : tried_(host_count, false) {}
  void reset(std::size_t host_count) {
    tried_.assign(host_count, false);
    count_ = 0;
  }
  void mark(std::size_t index) {
    if (!tried_[index]) {
      tried_[index] = true;
      ++count_;
    }
  }
  bool contains(std::size_t index) const { return tried_[index]; }
  std::size_t count() const { return count_; }

 private:
  std::vector<bool> tried_;
  std::size_t count_ = 0;
};

// What a policy shares between the workers' balancers of one HostSet (PolicyFactory::share),
// per group. Built once on the main thread; either pointer may be null. Policies that share
// state support no backup servers, hence no priority levels: primaries are one group for them.
struct SharedPolicyGroups {
  balancing::SharedPolicyStatePtr primaries;
  balancing::SharedPolicyStatePtr backups;
};

class UpstreamBalancer {
 public:
  // Builds the state policy shares between workers for hosts, split into the same groups every
  // UpstreamBalancer uses. Main thread; empty when the policy shares nothing.
  static SharedPolicyGroups share(const balancing::HostSet& hosts,
                                  const balancing::PolicyFactory& policy,
                                  const std::vector<config::Argument>& args);

  // policy: the registered policy's factory; args: its directive arguments; shared: from
  // share() over the same hosts, or empty (each group then builds its own, e.g. in tests).
  UpstreamBalancer(balancing::HostSetPtr hosts, const balancing::PolicyFactory& policy,
                   const std::vector<config::Argument>& args,
                   const SharedPolicyGroups& shared = {});
  // Defined in the .cc, where HostState is complete (it is private to the implementation).
  ~UpstreamBalancer();
  UpstreamBalancer(UpstreamBalancer&&) noexcept;
  UpstreamBalancer& operator=(UpstreamBalancer&&) noexcept;

  // Picks an eligible host not in tried: a primary if any is eligible, else a backup.
  // Returns nullptr when nothing is eligible (the caller answers 502/503).
  const balancing::Host* choose(const balancing::LbContext& context, const TriedHosts& tried);
  // The same, for a request bound to a host by `sticky cookie`. affinity: the host the cookie
  // names (a member of this balancer's HostSet), or nullptr. When it is eligible now (not down,
  // not failed, under max_conns, not in tried) it is returned without asking the policy,
  // whether primary or backup; otherwise the policy picks as without it (nginx Plus: "If the
  // designated server cannot process a request, the new server is selected as if the client
  // has not been bound yet"). Inline so that requests without a sticky host pay one test.
  const balancing::Host* choose(const balancing::LbContext& context, const TriedHosts& tried,
                                const balancing::Host* affinity) {
    if (affinity != nullptr) return choose_bound(context, tried, *affinity);
    return choose(context, tried);
  }

  // The request was sent to host at now, the loop's cached time (counts toward max_conns and
  // policy feedback).
  void on_request_start(const balancing::Host& host, TimePoint now);
  // The attempt on host ended (outcome.failed counts toward max_fails, as nginx's
  // proxy_next_upstream conditions do).
  void on_request_end(const balancing::Host& host, const balancing::AttemptOutcome& outcome);
  // The same for callers that see a response as one event (the simulator): the head (status
  // 200) arrived with the last byte, unless the attempt failed.
  void on_request_end(const balancing::Host& host, bool failed, Microseconds latency,
                      TimePoint now);

  const balancing::HostSet& host_set() const { return *hosts_; }
  // Passive state, for tests and metrics.
  bool is_failed(const balancing::Host& host, TimePoint now) const;
  int active_requests(const balancing::Host& host) const;

 private:
  struct HostState;
  class GroupEligibility;
  class ZoneEligibility;
  // The primaries of one priority level (all primaries when no server sets priority=).
  struct Level {
    int priority = 0;
    std::vector<const balancing::Host*> hosts;
    std::unique_ptr<balancing::Policy> policy;
  };

  // Priority levels and zones: draws a level by its load and a zone by the local share, and
  // falls back over the others in order (upstream_balancer_spill.cc).
  const balancing::Host* choose_spilled(const balancing::LbContext& context,
                                        const GroupEligibility& eligibility);
  const balancing::Host* choose_in_level(const balancing::LbContext& context, const Level& level,
                                         const GroupEligibility& eligibility);
  // region_policy nearest: the client region's order of regions, spilled like priority levels
  // (upstream_balancer_regions.cc).
  const balancing::Host* choose_by_region(const balancing::LbContext& context,
                                          const GroupEligibility& eligibility);
  // Healthy and total capacity of a level's hosts at now.
  Capacity capacity_of(const Level& level, TimePoint now) const;
  // Draws an index below loads.size() with probability loads[i] / kAllLoad.
  std::size_t draw_level(std::span<const std::uint32_t> loads);
  // Whether host counts as healthy capacity for spilling: not down, not closed by health
  // checks or the agent, not ejected, not failed by passive health in this worker.
  bool healthy(const balancing::Host& host, TimePoint now) const;
  balancing::Policy* policy_of(const balancing::Host& host) const;

  void build_priority_levels(const std::vector<const balancing::Host*>& primaries,
                             const balancing::PolicyFactory& policy,
                             const std::vector<config::Argument>& args,
                             const SharedPolicyGroups& shared);
  void build_region_levels(const balancing::PolicyFactory& policy,
                           const std::vector<config::Argument>& args);
  const balancing::Host* choose_bound(const balancing::LbContext& context, const TriedHosts& tried,
                                      const balancing::Host& affinity);
  // Bookkeeping of a pick (nginx's `checked` on a probe after fail_timeout).
  const balancing::Host* picked(const balancing::Host& host, TimePoint now);

  balancing::HostSetPtr hosts_;
  std::vector<HostState> states_;
  std::vector<Level> levels_;  // ascending priority; empty when every server is a backup
  // region_policy nearest: one level per region (RegionPlan's index), used instead of levels_.
  RegionPlan regions_;
  std::vector<Level> region_levels_;
  std::unique_ptr<balancing::Policy> backup_;
  health::OutlierDetector outliers_;  // outlier_detection over hosts_ (inactive when off)
  // Set when picks need choose_spilled (several levels, or zone_aware): its draws and a
  // scratch array of per-level loads sized once, so a pick never allocates.
  bool spills_ = false;
  balancing::PolicyRandom random_{0};
  std::vector<std::uint32_t> loads_;
  std::vector<Capacity> capacities_;
};

}  // namespace yoke::upstream
