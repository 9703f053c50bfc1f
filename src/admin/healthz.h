#pragma once
// GET /healthz: whether this node should receive traffic, for keepalived's vrrp_script, a cloud
// load balancer's target check or a Kubernetes readiness probe (docs/cluster.md). The rule:
//   503 "draining"  after `yoke -s drain` (NodeHealth::start_drain), whatever the upstreams say;
//   503 "stopping"  during a graceful stop (quit, stop): the listeners are closed already;
//   503 "unhealthy" when the configuration has upstreams and not one of them has a server up
//                   (balancing::host_state() == kUp: not down, draining, checking or ejected);
//   200 "ok"        otherwise, including a configuration without upstreams (it only answers
//                   `return`, which needs no backend).
// One healthy upstream is enough: a node that can serve part of its routes is still better than
// a failover to a peer that sees the same backends. The body's first word is the verdict; one
// line per upstream follows, so an operator's curl shows why.
#include <atomic>
#include <cstdint>

#include "admin/admin_router.h"
#include "yoke/core/clock.h"
#include "yoke/router/route_table.h"

namespace yoke::admin {

// Where the node is in its life; it only moves forward.
enum class NodePhase : std::uint8_t { kServing, kDraining, kStopping };

// The node's own state, beside the configuration: set by the main thread (signals), read by
// the admin thread. A plain atomic, so either side may read it at any time.
class NodeHealth {
 public:
  void start_drain() { advance(NodePhase::kDraining); }
  void start_stop() { advance(NodePhase::kStopping); }
  NodePhase phase() const { return phase_.load(std::memory_order_relaxed); }

 private:
  // Main thread only writes, so a load then a store cannot race another writer.
  void advance(NodePhase next) {
    if (phase() < next) phase_.store(next, std::memory_order_relaxed);
  }
  std::atomic<NodePhase> phase_{NodePhase::kServing};
};

// The /healthz answer for routes (the running snapshot) at now. Admin thread (any thread: it
// only reads relaxed host state).
AdminResponse healthz_response(const router::RouteTable& routes, NodePhase phase, TimePoint now);

}  // namespace yoke::admin
