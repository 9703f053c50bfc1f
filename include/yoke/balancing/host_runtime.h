#pragma once
// Per-host state that changes while Yoke runs (health checks, the HAProxy agent, later the admin
// API), beside the immutable HostSet. It is the one kind of state on the request path that is
// shared across threads (docs/architecture.md, "Runtime host state"):
// - every field is a single word (std::atomic of a byte, 32 or 64 bits, always lock-free);
// - each field has exactly one writer thread (the checker thread for health and agent fields),
//   which stores with memory_order_relaxed off the hot path, a few times per check interval;
// - workers load with memory_order_relaxed while choosing a host: eligibility reads one 64-bit
//   "gate" word per host (closed or not, and the agent's maxconn), which the writer recomputes
//   from its fields, so what must agree is read in one load. A pick that sees a new gate and an
//   old agent weight is as valid as one made a moment earlier or later. Nothing else is
//   published through these words, so no acquire/release ordering is needed.
// Stores become visible to the workers within the cache-coherence delay (nanoseconds), far
// below the check intervals that produce them.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "yoke/balancing/host_outlier.h"

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

class HostRuntime {
 public:
  static constexpr std::int32_t kFullWeight = 100;  // percent of the configured weight

  // What a pick needs, in one word so eligibility costs one load per host: whether the host
  // takes no new requests, and the agent's in-flight cap.
  struct Gate {
    bool closed = false;       // health not up, agent drain / maint / down, or 0 %
    std::int32_t maxconn = 0;  // the agent's "maxconn:N"; 0 = none given
  };

  // Reads: any thread, relaxed (see above).
  Gate gate() const {
    const std::uint64_t word = gate_.load(std::memory_order_relaxed);
    return Gate{(word & 1) != 0, static_cast<std::int32_t>(word >> 32)};
  }
  bool accepts_requests() const { return !gate().closed; }
  HealthState health() const { return health_.load(std::memory_order_relaxed); }
  AgentAdmin agent_admin() const { return agent_admin_.load(std::memory_order_relaxed); }
  bool agent_down() const { return agent_down_.load(std::memory_order_relaxed); }
  // The agent's last percentage (HAProxy: "75%" sets 75 % of the configured weight); 100 until
  // an agent answers one.
  std::int32_t weight_percent() const { return weight_percent_.load(std::memory_order_relaxed); }
  // The agent's "maxconn:N" in-flight cap; 0 = none given.
  std::int32_t agent_maxconn() const { return gate().maxconn; }

  // Writes: the checker thread only (the one writer of every field here, so the gate it
  // recomputes from them is consistent with them). A later writer on another thread (the
  // admin API's drain) gets fields and a gate bit of its own.
  void set_health(HealthState state) {
    health_.store(state, std::memory_order_relaxed);
    update_gate();
  }
  void set_agent_admin(AgentAdmin admin) {
    agent_admin_.store(admin, std::memory_order_relaxed);
    update_gate();
  }
  void set_agent_down(bool down) {
    agent_down_.store(down, std::memory_order_relaxed);
    update_gate();
  }
  void set_weight_percent(std::int32_t percent) {
    weight_percent_.store(percent, std::memory_order_relaxed);
    update_gate();
  }
  void set_agent_maxconn(std::int32_t maxconn) {
    maxconn_ = maxconn;
    update_gate();
  }

 private:
  // Whether new requests may go to this host: health up, agent neither draining nor in
  // maintenance nor reporting it down, and a weight above 0 % (HAProxy treats a weight of 0 as
  // "no new traffic", as drain).
  void update_gate() {
    const bool closed = health() != HealthState::kUp || agent_admin() != AgentAdmin::kReady ||
                        agent_down() || weight_percent() <= 0;
    const std::uint64_t word =
        (static_cast<std::uint64_t>(static_cast<std::uint32_t>(maxconn_)) << 32) |
        (closed ? 1U : 0U);
    gate_.store(word, std::memory_order_relaxed);
  }

  std::atomic<std::uint64_t> gate_{0};  // open, no cap
  std::atomic<HealthState> health_{HealthState::kUp};
  std::atomic<AgentAdmin> agent_admin_{AgentAdmin::kReady};
  std::atomic<bool> agent_down_{false};
  std::atomic<std::int32_t> weight_percent_{kFullWeight};
  std::int32_t maxconn_ = 0;  // the writer's copy; readers use gate()

 public:
  // ---- Passive outlier ejection (outlier_detection) ----
  // Kept apart from the gate on purpose: these words have MANY writers (every worker, through
  // health::OutlierDetector, by fetch_add / compare-and-swap; host_outlier.h states the rules),
  // while the gate keeps its single writer. Eligibility loads the ejection word beside the gate,
  // only for upstreams with outlier_detection.
  HostOutlier outlier;
};

static_assert(std::atomic<HealthState>::is_always_lock_free);
static_assert(std::atomic<std::int32_t>::is_always_lock_free);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

// The runtime state of every host of one HostSet, indexed like HostSet::hosts. Created with the
// HostSet and shared (std::shared_ptr) by the HostSet, which workers read, and by the threads
// that write it. The array never moves or resizes, so Host::runtime pointers stay valid.
class HostRuntimes {
 public:
  explicit HostRuntimes(std::size_t count)
      : count_(count), hosts_(std::make_unique<HostRuntime[]>(count)) {}
  std::size_t size() const { return count_; }
  HostRuntime& operator[](std::size_t index) { return hosts_[index]; }
  const HostRuntime& operator[](std::size_t index) const { return hosts_[index]; }

  // ---- Passive outlier ejection: the upstream-wide ejected-host count (host_outlier.h) ----
  UpstreamOutliers outliers;

 private:
  std::size_t count_;
  std::unique_ptr<HostRuntime[]> hosts_;
};

using HostRuntimesPtr = std::shared_ptr<HostRuntimes>;

}  // namespace yoke::balancing
