#pragma once
// Per-host state that changes while Yoke runs (health checks, the HAProxy agent, the admin API),
// beside the immutable HostSet. It is the one kind of state on the request path that is shared
// across threads (docs/architecture.md, "Runtime host state"):
// - every field is a single word (std::atomic of a byte, 32 or 64 bits, always lock-free);
// - each field has exactly one writer thread (the checker thread for health and agent fields,
//   the admin thread for the admin API's fields), which stores with memory_order_relaxed off
//   the hot path, a few times per check interval or per API call;
// - workers load with memory_order_relaxed while choosing a host: eligibility reads one 64-bit
//   "gate" word per host (closed or not, and the agent's maxconn), so what must agree is read in
//   one load. The gate is the one word with several writers: each writer owns its own "closed"
//   bit and changes only that bit with an atomic read-modify-write (fetch_or / fetch_and, or a
//   compare-and-swap loop for the checker, which also owns the maxconn half), so no writer can
//   undo another's. A pick that sees a new gate and an old weight is as valid as one made a
//   moment earlier or later. Nothing else is published through these words, so no
//   acquire/release ordering is needed.
// Stores become visible to the workers within the cache-coherence delay (nanoseconds), far
// below the check intervals and API round trips that produce them.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "yoke/balancing/host_outlier.h"
#include "yoke/core/clock.h"

namespace yoke::balancing {

// The active health check's verdict (nginx Plus: "checking", "up", "unhealthy").
enum class HealthState : std::uint8_t {
  kUp,        // passed (or no active check configured)
  kDown,      // failed `fails` checks in a row; up again after `passes` in a row
  kChecking,  // `health_check … mandatory`: not yet checked; up after the first pass
};

// The agent's administrative word (HAProxy agent-check "ready", "drain", "maint").
enum class AgentAdmin : std::uint8_t {
  kReady,  // takes requests
  kDrain,  // finishes requests in flight, takes no new ones
  kMaint,  // out of service
};

// The last active health check's outcome, for the admin API.
enum class CheckResult : std::uint8_t { kNone, kPassed, kFailed };

class HostRuntime {
 public:
  static constexpr std::int32_t kFullWeight = 100;  // percent of the configured weight
  static constexpr std::int32_t kNoAdminWeight = -1;

  // The gate's "closed" bits, one per writer thread (each changes only its own).
  static constexpr std::uint64_t kClosedByChecker = 1U << 0;  // health, agent
  static constexpr std::uint64_t kClosedByAdmin = 1U << 1;    // admin API: down, drain, weight 0
  static constexpr std::uint64_t kClosedMask = 0xffU;         // bits 2-7: later writers

  // What a pick needs, in one word so eligibility costs one load per host: whether the host
  // takes no new requests, and the agent's in-flight cap.
  struct Gate {
    bool closed = false;       // closed by any writer (see the bits above)
    std::int32_t maxconn = 0;  // the agent's "maxconn:N"; 0 = none given
  };

  // Reads: any thread, relaxed (see above).
  Gate gate() const {
    const std::uint64_t word = gate_.load(std::memory_order_relaxed);
    return Gate{(word & kClosedMask) != 0, static_cast<std::int32_t>(word >> 32)};
  }
  bool accepts_requests() const { return !gate().closed; }
  // Which writers keep the gate closed (kClosedBy… bits), for the admin API.
  std::uint64_t closed_bits() const { return gate_.load(std::memory_order_relaxed) & kClosedMask; }
  HealthState health() const { return health_.load(std::memory_order_relaxed); }
  AgentAdmin agent_admin() const { return agent_admin_.load(std::memory_order_relaxed); }
  bool agent_down() const { return agent_down_.load(std::memory_order_relaxed); }
  // The agent's last percentage (HAProxy: "75%" sets 75 % of the configured weight); 100 until
  // an agent answers one.
  std::int32_t weight_percent() const { return weight_percent_.load(std::memory_order_relaxed); }
  // The agent's "maxconn:N" in-flight cap; 0 = none given.
  std::int32_t agent_maxconn() const { return gate().maxconn; }
  CheckResult last_check() const { return last_check_.load(std::memory_order_relaxed); }

  // Writes: the checker thread only (the one writer of these fields and of the gate's
  // kClosedByChecker bit and maxconn half).
  void set_health(HealthState state, TimePoint now = {}) {
    const HealthState before = health_.exchange(state, std::memory_order_relaxed);
    // slow_start ramps from a recovery, not from the first pass of a `mandatory` check.
    if (before == HealthState::kDown && state == HealthState::kUp) {
      health_up_since_ns_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
    }
    update_checker_gate();
  }
  void set_last_check(CheckResult result) { last_check_.store(result, std::memory_order_relaxed); }
  void set_agent_admin(AgentAdmin admin) {
    agent_admin_.store(admin, std::memory_order_relaxed);
    update_checker_gate();
  }
  void set_agent_down(bool down) {
    agent_down_.store(down, std::memory_order_relaxed);
    update_checker_gate();
  }
  void set_weight_percent(std::int32_t percent) {
    const std::int32_t before = weight_percent_.exchange(percent, std::memory_order_relaxed);
    count_reweighting(before != kFullWeight, percent != kFullWeight);
    update_checker_gate();
  }
  void set_agent_maxconn(std::int32_t maxconn) {
    maxconn_ = maxconn;
    update_checker_gate();
  }

  // ---- Admin API fields (docs/admin-api.md). Writer: the admin thread only. ----
  bool admin_down() const { return admin_down_.load(std::memory_order_relaxed); }
  bool admin_drain() const { return admin_drain_.load(std::memory_order_relaxed); }
  // The weight the API set, replacing the configured one; kNoAdminWeight = the configured one.
  std::int32_t admin_weight() const { return admin_weight_.load(std::memory_order_relaxed); }

  // Applies an API change at once (the gate bit is set with a locked read-modify-write, which
  // also orders it before the API's response is written). now: when the host reopens, the
  // start of its slow_start ramp.
  void set_admin_state(bool down, bool drain, std::int32_t weight, TimePoint now) {
    const bool was_closed = admin_closes();
    admin_down_.store(down, std::memory_order_relaxed);
    admin_drain_.store(drain, std::memory_order_relaxed);
    const std::int32_t before = admin_weight_.exchange(weight, std::memory_order_relaxed);
    count_reweighting(before != kNoAdminWeight, weight != kNoAdminWeight);
    const bool closed = admin_closes();
    if (was_closed && !closed) {
      admin_open_since_ns_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
    }
    if (closed) {
      gate_.fetch_or(kClosedByAdmin, std::memory_order_seq_cst);
    } else {
      gate_.fetch_and(~kClosedByAdmin, std::memory_order_seq_cst);
    }
  }

  // A reload's copy of the same host's admin state from the running snapshot (the admin
  // thread's lock is held: router/carry_over.h), reopening time included.
  void carry_admin_state_from(const HostRuntime& from) {
    set_admin_state(from.admin_down(), from.admin_drain(), from.admin_weight(), TimePoint{});
    admin_open_since_ns_.store(from.admin_open_since_ns_.load(std::memory_order_relaxed),
                               std::memory_order_relaxed);
  }

  // A host that joins its upstream at run time (membership/member_change.h) ramps in from
  // now, as one reopened through the API. Writer: as the admin fields, under the registry's
  // lock, before the snapshot holding the host is published.
  void start_ramp(TimePoint now) {
    admin_open_since_ns_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
  }

  // ---- slow_start (docs/configuration.md): when the host last came back. ----
  // The later of the checker's down→up and the admin API's reopening; the epoch (a time long
  // past) when neither happened. Read by workers only for hosts with slow_start.
  TimePoint back_since() const {
    const std::int64_t health = health_up_since_ns_.load(std::memory_order_relaxed);
    const std::int64_t admin = admin_open_since_ns_.load(std::memory_order_relaxed);
    return TimePoint(TimePoint::duration(health > admin ? health : admin));
  }

  // Whether any host of this one's HostRuntimes has a weight changed at run time (agent
  // percentage or admin weight); policies that precompute schedules from configured weights
  // fall back to reading weights per pick while it is so. One relaxed load.
  bool set_reweighted() const {
    return reweighted_hosts_ != nullptr && reweighted_hosts_->load(std::memory_order_relaxed) > 0;
  }
  void attach_reweighted_counter(std::atomic<std::int32_t>* counter) {
    reweighted_hosts_ = counter;
  }

 private:
  // The checker's half of the gate: closed unless health is up and the agent neither drains,
  // is in maintenance, reports the host down nor gives it 0 % (HAProxy treats a weight of 0 as
  // "no new traffic", as drain); and the agent's maxconn. A compare-and-swap keeps other
  // writers' bits.
  void update_checker_gate() {
    const bool closed = health() != HealthState::kUp || agent_admin() != AgentAdmin::kReady ||
                        agent_down() || weight_percent() <= 0;
    const std::uint64_t mine =
        (static_cast<std::uint64_t>(static_cast<std::uint32_t>(maxconn_)) << 32) |
        (closed ? kClosedByChecker : 0U);
    std::uint64_t word = gate_.load(std::memory_order_relaxed);
    while (!gate_.compare_exchange_weak(word, (word & kClosedMask & ~kClosedByChecker) | mine,
                                        std::memory_order_relaxed)) {
    }
  }
  // The admin API's half: down, drain, or a weight of 0 (as HAProxy's "set weight 0").
  bool admin_closes() const { return admin_down() || admin_drain() || admin_weight() == 0; }
  // Each writer counts its own field's changes from and back to the default, so the shared
  // counter is balanced per writer.
  void count_reweighting(bool was_changed, bool is_changed) {
    if (reweighted_hosts_ == nullptr || was_changed == is_changed) return;
    reweighted_hosts_->fetch_add(is_changed ? 1 : -1, std::memory_order_relaxed);
  }

  std::atomic<std::uint64_t> gate_{0};  // open, no cap
  // Checker thread.
  std::atomic<HealthState> health_{HealthState::kUp};
  std::atomic<AgentAdmin> agent_admin_{AgentAdmin::kReady};
  std::atomic<bool> agent_down_{false};
  std::atomic<CheckResult> last_check_{CheckResult::kNone};
  std::atomic<std::int32_t> weight_percent_{kFullWeight};
  std::int32_t maxconn_ = 0;  // the writer's copy; readers use gate()
  std::atomic<std::int64_t> health_up_since_ns_{0};
  // Admin thread.
  std::atomic<bool> admin_down_{false};
  std::atomic<bool> admin_drain_{false};
  std::atomic<std::int32_t> admin_weight_{kNoAdminWeight};
  std::atomic<std::int64_t> admin_open_since_ns_{0};
  // Owned by HostRuntimes; null for a HostRuntime made alone (tests).
  std::atomic<std::int32_t>* reweighted_hosts_ = nullptr;

 public:
  // ---- Passive outlier ejection (outlier_detection) ----
  // Kept apart from the gate on purpose: these words have MANY writers (every worker, through
  // health::OutlierDetector, by fetch_add / compare-and-swap; host_outlier.h states the rules),
  // while each gate bit keeps a single writer. Eligibility loads the ejection word beside the gate,
  // only for upstreams with outlier_detection.
  HostOutlier outlier;
};

static_assert(std::atomic<HealthState>::is_always_lock_free);
static_assert(std::atomic<std::int32_t>::is_always_lock_free);
static_assert(std::atomic<std::int64_t>::is_always_lock_free);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

// The runtime state of every host of one HostSet, indexed like HostSet::hosts. Created with the
// HostSet and shared (std::shared_ptr) by the HostSet, which workers read, and by the threads
// that write it. The array never moves or resizes, so Host::runtime pointers stay valid.
class HostRuntimes {
 public:
  explicit HostRuntimes(std::size_t count)
      : count_(count), hosts_(std::make_unique<HostRuntime[]>(count)) {
    for (std::size_t i = 0; i < count; ++i) hosts_[i].attach_reweighted_counter(&reweighted_);
  }
  HostRuntimes(const HostRuntimes&) = delete;
  HostRuntimes& operator=(const HostRuntimes&) = delete;
  std::size_t size() const { return count_; }
  HostRuntime& operator[](std::size_t index) { return hosts_[index]; }
  const HostRuntime& operator[](std::size_t index) const { return hosts_[index]; }

  // ---- Passive outlier ejection: the upstream-wide ejected-host count (host_outlier.h) ----
  UpstreamOutliers outliers;

 private:
  std::size_t count_;
  std::unique_ptr<HostRuntime[]> hosts_;
  // Hosts × writers whose weight differs from the default (HostRuntime::set_reweighted).
  std::atomic<std::int32_t> reweighted_{0};
};

using HostRuntimesPtr = std::shared_ptr<HostRuntimes>;

}  // namespace yoke::balancing
