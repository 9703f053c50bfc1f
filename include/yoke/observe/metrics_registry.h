#pragma once
// Everything /metrics shows: the workers' counter blocks summed, the configuration's static
// facts (server weights, `down`), process facts from /proc and build information. Built on the
// main thread before the admin thread starts; render() runs on the admin thread and only reads
// (relaxed atomic loads of the workers' cells, the immutable RouteTable).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "yoke/observe/exposition.h"
#include "yoke/observe/worker_metrics.h"
#include "yoke/router/route_table.h"

namespace yoke::observe {

class MetricsRegistry {
 public:
  // workers: one block per worker, in worker order. config_loaded: when the running
  // configuration was loaded (yoke_config_last_reload_success_timestamp_seconds).
  MetricsRegistry(std::shared_ptr<const router::RouteTable> routes,
                  std::vector<std::shared_ptr<const WorkerMetrics>> workers,
                  std::chrono::system_clock::time_point config_loaded);

  // The whole exposition in format. now: the steady clock, against which passive-health
  // deadlines are compared.
  std::string render(ExpositionFormat format, TimePoint now) const;

 private:
  void write_requests(ExpositionWriter& out) const;
  void write_upstream_attempts(ExpositionWriter& out) const;
  void write_servers(ExpositionWriter& out, TimePoint now) const;
  void write_connections(ExpositionWriter& out) const;  // metrics_registry_process.cc
  void write_upstream_connections(ExpositionWriter& out) const;
  void write_process(ExpositionWriter& out) const;
  // metrics_registry_resilience.cc: ejections, ejected servers, retry budget refusals.
  void write_resilience(ExpositionWriter& out, TimePoint now) const;

  std::shared_ptr<const router::RouteTable> routes_;
  std::vector<std::shared_ptr<const WorkerMetrics>> workers_;
  std::vector<std::string> server_labels_;  // per upstream, per server: flattened, see .cc
  std::vector<std::size_t> first_server_;   // index into server_labels_ per upstream
  double config_loaded_seconds_;
};

}  // namespace yoke::observe
