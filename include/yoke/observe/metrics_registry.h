#pragma once
// Everything /metrics shows: the workers' counter blocks summed, the configuration's static
// facts (server weights, `down`), process facts from /proc and build information. Built on the
// main thread before the admin thread starts; render() runs on the admin thread and reads
// (relaxed atomic loads of the workers' cells, the immutable RouteTable). A reload (main thread)
// replaces the snapshot and the blocks; the retired blocks are kept and summed into the new
// series by label (metrics_carry_over.h), so counters never go backwards. The mutex orders a
// reload against a scrape; neither is on a worker's path.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "yoke/observe/exposition.h"
#include "yoke/observe/metrics_carry_over.h"
#include "yoke/observe/stats_snapshot.h"
#include "yoke/observe/worker_metrics.h"
#include "yoke/router/route_table.h"
#include "yoke/tls/certificate_expiry.h"

namespace yoke::observe {

class MetricsRegistry {
 public:
  // workers: one block per worker, in worker order. config_loaded: when the running
  // configuration was loaded (yoke_config_last_reload_success_timestamp_seconds).
  MetricsRegistry(std::shared_ptr<const router::RouteTable> routes,
                  std::vector<std::shared_ptr<const WorkerMetrics>> workers,
                  std::chrono::system_clock::time_point config_loaded);

  // The whole exposition in format. now: the steady clock, against which passive-health
  // deadlines are compared. Admin thread.
  std::string render(ExpositionFormat format, TimePoint now) const;
  // The same sources as plain values, for /api/v1/stats (metrics_registry_stats.cc).
  StatsSnapshot stats(TimePoint now) const;
  // The health checker's result histories, shown by stats() and yoke_health_checks_total;
  // null = none. Main thread (at start and after each reload's new checker).
  void set_check_histories(std::shared_ptr<const health::CheckHistories> histories) {
    std::lock_guard lock(mutex_);
    check_histories_ = std::move(histories);
  }

  // How many entries the runtime deny list holds (yoke_denylist_entries); called by render()
  // on the admin thread, which owns the list. Main thread, before the admin thread starts.
  void set_denylist_size(std::function<std::size_t()> size) {
    std::lock_guard lock(mutex_);
    denylist_size_ = std::move(size);
  }

  // A reload applied routes (main thread): workers are the blocks of the new generation.
  // carry(from, to) runs under the lock, between the admin API's changes (with_routes).
  using Carry = std::function<void(const router::RouteTable& from, const router::RouteTable& to)>;
  void replace(std::shared_ptr<const router::RouteTable> routes,
               std::vector<std::shared_ptr<const WorkerMetrics>> workers, const Carry& carry);
  // Runs change(current snapshot) under the lock a reload's swap takes, so a change the admin
  // API makes to the snapshot's runtime state is either carried over or made on the new one.
  template <typename Change>
  auto with_routes(Change change) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return change(*routes_);
  }
  // A reload ended (main thread): yoke_config_reloads_total, yoke_config_last_reload_*.
  void record_reload(bool success, std::chrono::system_clock::time_point when);
  // The snapshot whose upstreams the blocks are sized for (the admin API lists them); a
  // reload replaces it, so callers keep their own reference.
  std::shared_ptr<const router::RouteTable> routes() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return routes_;
  }
  // Requests in flight to server (its HostSet index) of upstream (RouteTable index) of the
  // current snapshot, summed over the workers' current blocks; a relaxed read of each, so a
  // value a moment old.
  // Counts 0 when routes is no longer the current snapshot (a reload swapped it meanwhile).
  std::int64_t in_flight(const router::RouteTable& routes, std::size_t upstream,
                         std::size_t server) const;

 private:
  struct Retired {
    std::shared_ptr<const WorkerMetrics> block;
    LayoutMap map;  // its layout → the current one
  };
  void set_layout();
  void fold_finished() const;
  std::shared_ptr<const WorkerMetrics> carried_block() const;

  void write_requests(ExpositionWriter& out) const;
  void write_upstream_attempts(ExpositionWriter& out) const;
  void write_servers(ExpositionWriter& out, TimePoint now) const;
  void write_connections(ExpositionWriter& out) const;  // metrics_registry_process.cc
  void write_denylist(ExpositionWriter& out) const;     // metrics_registry_process.cc
  void write_upstream_connections(ExpositionWriter& out) const;
  void write_process(ExpositionWriter& out) const;
  void write_tls(ExpositionWriter& out) const;  // metrics_registry_tls.cc
  ServerStats server_stats(std::size_t upstream, std::size_t server, TimePoint now) const;
  struct StateAndReason {
    ServerState state;
    std::string_view reason;
  };
  StateAndReason server_state(std::size_t upstream, std::size_t server, TimePoint now) const;
  // metrics_registry_resilience.cc: ejections, ejected servers, retry budget refusals.
  void write_resilience(ExpositionWriter& out, TimePoint now) const;

  mutable std::mutex mutex_;  // guards everything below
  std::shared_ptr<const router::RouteTable> routes_;
  std::vector<std::shared_ptr<const WorkerMetrics>> current_;  // the workers' blocks
  // What the write functions sum: current_, plus the carried block after a reload.
  mutable std::vector<std::shared_ptr<const WorkerMetrics>> workers_;
  MetricsLayout layout_;
  mutable std::vector<Retired> retired_;  // blocks a worker may still write to
  // Sum of retired blocks nobody writes to any more (current layout); null before a reload.
  mutable std::shared_ptr<WorkerMetrics> folded_;
  std::vector<std::string> server_labels_;  // per upstream, per server: flattened, see .cc
  std::vector<std::size_t> first_server_;   // index into server_labels_ per upstream
  double config_loaded_seconds_;
  std::vector<tls::CertificateExpiry> certificates_;  // read from the credentials once
  std::shared_ptr<const health::CheckHistories> check_histories_;
  std::function<std::size_t()> denylist_size_;  // null without an admin listener
  std::uint64_t reloads_succeeded_ = 0;
  std::uint64_t reloads_failed_ = 0;
  bool last_reload_successful_ = true;
};

}  // namespace yoke::observe
