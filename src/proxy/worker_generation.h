#pragma once
// What one worker builds from one routing snapshot: the snapshot itself, the TLS contexts, per
// upstream a balancer and a keep-alive pool, and the counter block sized for it. A reload gives
// every worker a new generation (docs/architecture.md, "Reload"); the worker serves new requests
// from the newest one while each connection keeps the generation its current request started
// on (std::shared_ptr, held by the connection), so requests in flight finish on the
// configuration they began with. All holders live on the worker thread.
// Built on the main thread (the constructor), then handed to the worker through EventLoop::post;
// worker thread only afterwards.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "access_log.h"
#include "upstream_pool.h"
#include "yoke/observe/worker_metrics.h"
#include "yoke/router/route_table.h"
#include "yoke/tls/worker_contexts.h"
#include "yoke/upstream/upstream_balancer.h"

namespace yoke::proxy {

struct UpstreamRuntime {
  std::unique_ptr<upstream::UpstreamBalancer> balancer;
  std::unique_ptr<UpstreamPool> pool;
  upstream::RetryBudget::Local retry_budget;  // this worker's requests not yet deposited
  std::vector<std::string> addresses;         // each host's address as text ($upstream_addr)
  std::string_view address_text(std::size_t host) const { return addresses[host]; }
};

class WorkerGeneration {
 public:
  // Throws std::runtime_error if OpenSSL refuses a context (tls::WorkerContexts).
  explicit WorkerGeneration(std::shared_ptr<const router::RouteTable> routes);
  ~WorkerGeneration();
  WorkerGeneration(const WorkerGeneration&) = delete;
  WorkerGeneration& operator=(const WorkerGeneration&) = delete;

  const router::RouteTable& routes() const { return *routes_; }
  const std::shared_ptr<const router::RouteTable>& routes_handle() const { return routes_; }
  tls::WorkerContexts& tls() { return *tls_; }
  UpstreamRuntime& upstream(std::size_t index) { return upstreams_[index]; }
  observe::WorkerMetrics& metrics() { return *metrics_; }
  std::shared_ptr<const observe::WorkerMetrics> metrics_handle() const { return metrics_; }
  // The worker's file for RouteTable::log_files()[index] (the worker owns the files and sets
  // the map when it adopts this generation: Worker::open_log_files).
  AccessLogFile& log_file(std::size_t index) { return *log_files_[index]; }
  void use_log_files(std::vector<AccessLogFile*> files) { log_files_ = std::move(files); }

  // The listener of routes() with address, or kNoListener.
  static constexpr std::size_t kNoListener = ~std::size_t{0};
  std::size_t listener_index(const SocketAddress& address) const;

  // A newer generation took over (worker thread): idle pooled upstream connections close now,
  // busy ones close when their exchange ends instead of going back to the pool.
  void retire();
  bool retired() const { return retired_; }

 private:
  std::shared_ptr<const router::RouteTable> routes_;
  std::unique_ptr<tls::WorkerContexts> tls_;
  std::vector<UpstreamRuntime> upstreams_;
  std::shared_ptr<observe::WorkerMetrics> metrics_;
  std::vector<AccessLogFile*> log_files_;
  bool retired_ = false;
};

using WorkerGenerationPtr = std::shared_ptr<WorkerGeneration>;

}  // namespace yoke::proxy
