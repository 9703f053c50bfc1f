#pragma once
// The checker thread: active health checks (`health_check` in an upstream) and HAProxy agent
// checks (`server … agent_port=N`) for every upstream of a routing snapshot, on a thread of its
// own with its own EventLoop and its own connections, never on a worker. Results go to each
// HostSet's HostRuntimes (yoke/balancing/host_runtime.h), which the workers read; this thread
// is the one writer of the health and agent fields there. An upstream that a location reaches
// with proxy_pass https:// is checked over TLS with that location's proxy_ssl_* settings.
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "yoke/health/check_history.h"
#include "yoke/router/route_table.h"
#include "yoke/tls/upstream_contexts.h"

namespace yoke {
class EventLoop;
}

namespace yoke::health {

class Probe;

class Checker {
 public:
  // Builds a probe per host for every upstream with health_check, and per host with an
  // agent_port. routes must outlive the Checker. Main thread.
  explicit Checker(std::shared_ptr<const router::RouteTable> routes);
  ~Checker();  // stops the thread if it runs
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  // The last results of every host's active health check (zero checks for hosts without
  // one), for the admin API. Written by the checker thread; any thread may read.
  std::shared_ptr<const CheckHistories> histories() const { return histories_; }
  // Nothing to check: start() would start no thread.
  bool empty() const { return probes_.empty(); }
  // Starts the thread (when there is something to check). Main thread.
  void start();
  // Stops the thread and waits for it; open check connections are closed. Main thread.
  void stop();

 private:
  void add_health_probes(const router::UpstreamEntry& upstream, std::size_t upstream_index);
  void add_agent_probes(const router::UpstreamEntry& upstream);

  std::shared_ptr<const router::RouteTable> routes_;
  std::shared_ptr<CheckHistories> histories_;
  std::unique_ptr<EventLoop> loop_;
  // Client contexts for upstreams reached with proxy_pass https:// (their checks speak TLS);
  // null when there are none. Destroyed after the probes that use them.
  std::unique_ptr<tls::UpstreamContexts> tls_;
  std::vector<std::unique_ptr<Probe>> probes_;  // destroyed before loop_
  std::thread thread_;
};

}  // namespace yoke::health
