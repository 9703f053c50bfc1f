// The resilience families of /metrics (docs/metrics.md): outlier ejections, read from the
// hosts' shared runtime words (host_outlier.h), and retry-budget refusals, summed over workers.
#include "yoke/observe/metrics_registry.h"

namespace yoke::observe {

void MetricsRegistry::write_resilience(ExpositionWriter& out, TimePoint now) const {
  const auto& upstreams = routes_->upstreams();
  auto each_server = [&](auto write) {
    for (std::size_t u = 0; u < upstreams.size(); ++u) {
      for (std::size_t s = 0; s < upstreams[u].hosts->hosts.size(); ++s) {
        const balancing::Host& host = upstreams[u].hosts->hosts[s];
        if (host.runtime == nullptr) continue;
        write(upstreams[u].hosts->upstream, host.runtime->outlier,
              server_labels_[first_server_[u] + s]);
      }
    }
  };
  out.family("yoke_server_ejections_total", MetricType::kCounter,
             "Times outlier_detection ejected the server (consecutive 5xx or gateway "
             "failures counted across all workers).");
  each_server([&](std::string_view upstream, const balancing::HostOutlier& outlier,
                  const std::string& label) {
    out.sample_count({{"upstream", upstream}, {"server", label}}, outlier.ejections_total());
  });
  out.family("yoke_server_ejected", MetricType::kGauge,
             "1 while outlier_detection keeps the server out of every worker's choices.");
  each_server([&](std::string_view upstream, const balancing::HostOutlier& outlier,
                  const std::string& label) {
    out.sample({{"upstream", upstream}, {"server", label}}, outlier.ejected(now) ? 1 : 0);
  });
  out.family("yoke_upstream_retry_budget_exhausted_total", MetricType::kCounter,
             "Retries (proxy_next_upstream) refused because the upstream's retry_budget was "
             "spent; the failure went to the client.");
  for (std::size_t u = 0; u < upstreams.size(); ++u) {
    std::uint64_t total = 0;
    for (const auto& worker : workers_) total += worker->upstream(u).retry_budget_exhausted.value();
    out.sample_count({{"upstream", upstreams[u].hosts->upstream}}, total);
  }
}

}  // namespace yoke::observe
