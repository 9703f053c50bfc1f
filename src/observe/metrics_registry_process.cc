// The /metrics families about connections, the process, the build and the configuration.
#include <array>

#include "yoke/observe/metrics_registry.h"
#include "yoke/observe/process_stats.h"

namespace yoke::observe {

void MetricsRegistry::write_connections(ExpositionWriter& out) const {
  auto sum = [&](auto read) {
    std::uint64_t total = 0;
    for (const auto& worker : workers_) total += read(*worker);
    return total;
  };
  std::uint64_t accepted =
      sum([](const WorkerMetrics& w) { return w.connections_accepted.value(); });
  std::array<std::uint64_t, static_cast<std::size_t>(ClientCloseReason::kCount)> closed{};
  for (std::size_t r = 0; r < closed.size(); ++r) {
    closed[r] = sum([r](const WorkerMetrics& w) { return w.connections_closed[r].value(); });
  }
  std::uint64_t closed_total = 0;
  for (std::uint64_t count : closed) closed_total += count;
  out.family("yoke_client_connections_open", MetricType::kGauge, "Client connections open now.");
  // Accepted and closed are read one after the other: a connection closing in between could
  // make the difference negative for a moment, so it is clamped.
  out.sample({}, accepted >= closed_total ? static_cast<double>(accepted - closed_total) : 0);
  out.family("yoke_client_connections_accepted_total", MetricType::kCounter,
             "Client connections accepted.");
  out.sample_count({}, accepted);
  constexpr auto kWorkerConnections = static_cast<std::size_t>(RejectReason::kWorkerConnections);
  out.family("yoke_client_connections_refused_total", MetricType::kCounter,
             "Client connections closed at accept because worker_connections were in use.");
  out.sample_count({}, sum([](const WorkerMetrics& w) {
                     return w.connections_rejected[kWorkerConnections].value();
                   }));
  out.family("yoke_connections_rejected_total", MetricType::kCounter,
             "Client connections closed at accept (or at an invalid PROXY header), by reason.");
  for (std::size_t r = 0; r < static_cast<std::size_t>(RejectReason::kCount); ++r) {
    out.sample_count(
        {{"reason", reject_reason_name(static_cast<RejectReason>(r))}},
        sum([r](const WorkerMetrics& w) { return w.connections_rejected[r].value(); }));
  }
  out.family("yoke_client_min_rate_closed_total", MetricType::kCounter,
             "Client connections closed for sending a request head or body below "
             "client_min_rate.");
  out.sample_count({}, sum([](const WorkerMetrics& w) { return w.min_rate_closed.value(); }));
  out.family("yoke_limit_req_rerouted_total", MetricType::kCounter,
             "Requests over a limit_req sent to its reroute= upstream instead of refused.");
  out.sample_count({}, sum([](const WorkerMetrics& w) { return w.rerouted.value(); }));
  out.family("yoke_client_connections_closed_total", MetricType::kCounter,
             "Client connections closed, by reason.");
  for (std::size_t r = 0; r < closed.size(); ++r) {
    out.sample_count({{"reason", client_close_reason_name(static_cast<ClientCloseReason>(r))}},
                     closed[r]);
  }
  out.family("yoke_access_log_write_errors_total", MetricType::kCounter,
             "Access log writes (and opens) that failed: full disk, unwritable file, full pipe.");
  out.sample_count({},
                   sum([](const WorkerMetrics& w) { return w.access_log_write_errors.value(); }));
  out.family("yoke_access_log_lines_dropped_total", MetricType::kCounter,
             "Access log lines lost to failed writes or a file that could not be opened.");
  out.sample_count({},
                   sum([](const WorkerMetrics& w) { return w.access_log_lines_dropped.value(); }));
  write_denylist(out);
  write_upstream_connections(out);
}

// The runtime deny list (docs/admin-api.md): its size, and what it refused at each stage.
void MetricsRegistry::write_denylist(ExpositionWriter& out) const {
  out.family("yoke_denylist_entries", MetricType::kGauge,
             "Entries in the runtime deny list (admin API /api/v1/denylist).");
  out.sample({}, denylist_size_ ? static_cast<double>(denylist_size_()) : 0.0);
  constexpr auto kDenylist = static_cast<std::size_t>(RejectReason::kDenylist);
  std::uint64_t connections = 0;
  std::uint64_t requests = 0;
  for (const auto& worker : workers_) {
    connections += worker->connections_rejected[kDenylist].value();
    requests += worker->denylist_forbidden.value();
  }
  out.family("yoke_denylist_rejected_total", MetricType::kCounter,
             "Connections closed at accept (or at their PROXY header) and requests answered "
             "403 (after realip) because the runtime deny list holds the client.");
  out.sample_count({{"stage", "connection"}}, connections);
  out.sample_count({{"stage", "request"}}, requests);
}

void MetricsRegistry::write_upstream_connections(ExpositionWriter& out) const {
  const auto& upstreams = routes_->upstreams();
  auto each_upstream = [&](auto read) {
    for (std::size_t u = 0; u < upstreams.size(); ++u) {
      std::int64_t total = 0;
      for (const auto& worker : workers_) total += read(worker->upstream(u));
      out.sample({{"upstream", upstreams[u].hosts->upstream}}, static_cast<double>(total));
    }
  };
  auto value = [](const Counter& counter) { return static_cast<std::int64_t>(counter.value()); };
  out.family("yoke_upstream_connections_open", MetricType::kGauge,
             "Connections to the upstream's servers open now (busy or idle).");
  each_upstream([&](const UpstreamCells& cells) {
    return value(cells.connections_created) - value(cells.connections_closed);
  });
  out.family("yoke_upstream_connections_idle", MetricType::kGauge,
             "Connections waiting in the keep-alive pool.");
  each_upstream([](const UpstreamCells& cells) { return cells.connections_idle.value(); });
  out.family("yoke_upstream_connections_created_total", MetricType::kCounter,
             "Connections opened to the upstream's servers.");
  each_upstream([&](const UpstreamCells& cells) { return value(cells.connections_created); });
  out.family("yoke_upstream_connections_reused_total", MetricType::kCounter,
             "Attempts that took a keep-alive connection from the pool.");
  each_upstream([&](const UpstreamCells& cells) { return value(cells.connections_reused); });
}

void MetricsRegistry::write_process(ExpositionWriter& out) const {
  if (std::optional<ProcessStats> stats = read_process_stats()) {
    out.family("process_cpu_seconds_total", MetricType::kCounter,
               "Total user and system CPU time spent in seconds.", "seconds");
    out.sample({}, stats->cpu_seconds);
    out.family("process_resident_memory_bytes", MetricType::kGauge,
               "Resident memory size in bytes.", "bytes");
    out.sample({}, static_cast<double>(stats->resident_bytes));
    out.family("process_virtual_memory_bytes", MetricType::kGauge, "Virtual memory size in bytes.",
               "bytes");
    out.sample({}, static_cast<double>(stats->virtual_bytes));
    out.family("process_open_fds", MetricType::kGauge, "Number of open file descriptors.");
    out.sample({}, static_cast<double>(stats->open_fds));
    out.family("process_max_fds", MetricType::kGauge, "Maximum number of open file descriptors.");
    out.sample({}, static_cast<double>(stats->max_fds));
    out.family("process_start_time_seconds", MetricType::kGauge,
               "Start time of the process since unix epoch in seconds.", "seconds");
    out.sample({}, stats->start_time_seconds);
  }
  out.family("yoke_workers", MetricType::kGauge, "Worker threads serving requests.");
  out.sample({}, static_cast<double>(current_.size()));
  out.family("yoke_build_info", MetricType::kInfo,
             "Yoke's version and the compiler that built it.");
  out.sample_count({{"version", YOKE_VERSION}, {"compiler", __VERSION__}}, 1);
  // Prometheus' own names for the same facts (prometheus_config_last_reload_*). A failed first
  // load stops Yoke before anything is served, so until a reload the last load succeeded.
  out.family("yoke_config_last_reload_successful", MetricType::kGauge,
             "Whether the last configuration load or reload succeeded.");
  out.sample({}, last_reload_successful_ ? 1 : 0);
  out.family("yoke_config_last_reload_success_timestamp_seconds", MetricType::kGauge,
             "When the running configuration was loaded, in seconds since the epoch.", "seconds");
  out.sample({}, config_loaded_seconds_);
  out.family("yoke_config_reloads_total", MetricType::kCounter,
             "Configuration reloads after the first load, by result.");
  out.sample_count({{"result", "success"}}, reloads_succeeded_);
  out.sample_count({{"result", "failure"}}, reloads_failed_);
}

}  // namespace yoke::observe
