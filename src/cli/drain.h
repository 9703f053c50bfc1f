#pragma once
// `yoke -s drain` (SIGWINCH; docs/cluster.md): planned maintenance of one node of a redundant
// pair. At once /healthz answers 503 (admin/healthz.h), so keepalived's check fails and the
// virtual IP moves to the peer, while this node keeps serving whatever still reaches it with
// `Connection: close` on every response (clients reconnect, to whoever holds the address now).
// After drain_grace the graceful stop of `-s quit` begins: listeners close, requests in flight
// finish. SIGWINCH as in nginx, where it gracefully stops the workers of an old master.
// Main thread only.
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "admin/healthz.h"
#include "proxy/worker.h"

namespace yoke::cli {

class Drain {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;

  // node and workers outlive the Drain.
  Drain(admin::NodeHealth& node, const std::vector<std::unique_ptr<proxy::Worker>>& workers)
      : node_(node), workers_(workers) {}

  // The signal arrived: fail /healthz, make every worker close connections after their next
  // response, and stop gracefully once grace has passed. A second signal changes nothing.
  void start(SteadyTime now, std::chrono::milliseconds grace);
  // Called from the main loop: begins the graceful stop when the grace has passed (once).
  void poll(SteadyTime now);

 private:
  admin::NodeHealth& node_;
  const std::vector<std::unique_ptr<proxy::Worker>>& workers_;
  std::optional<SteadyTime> stop_at_;
  bool stopping_ = false;
};

}  // namespace yoke::cli
