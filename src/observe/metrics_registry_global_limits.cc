// The global rate limit families of /metrics (docs/metrics.md, docs/redis-limits.md): how each
// zone with global=redis://… synchronised with Redis and whether Redis answers, read from the
// zones' budgets (written by the global sync thread alone). Absent without such a zone.
#include "yoke/observe/metrics_registry.h"

namespace yoke::observe {

void MetricsRegistry::write_global_limits(ExpositionWriter& out) const {
  const auto& zones = routes_->rate_zones();
  auto each_global = [&](auto write) {
    for (const auto& entry : zones) {
      if (entry->global != nullptr) write(entry->zone->name(), *entry->global);
    }
  };
  bool any = false;
  each_global([&](const std::string&, const limits::GlobalBudget&) { any = true; });
  if (!any) return;
  out.family("yoke_rate_limit_global_sync_total", MetricType::kCounter,
             "Synchronisations of a global limit_req_zone with Redis (every 50 ms while Redis "
             "answers, with back-off while it does not), by result: ok or error.");
  each_global([&](const std::string& zone, const limits::GlobalBudget& budget) {
    out.sample_count({{"zone", zone}, {"result", "ok"}}, budget.syncs_ok());
    out.sample_count({{"zone", zone}, {"result", "error"}}, budget.syncs_failed());
  });
  out.family("yoke_rate_limit_global_redis_up", MetricType::kGauge,
             "1 while the zone's last synchronisation with Redis succeeded and its limit holds "
             "across nodes; 0 while its redis_fail fallback applies.");
  each_global([&](const std::string& zone, const limits::GlobalBudget& budget) {
    out.sample({{"zone", zone}}, budget.mode() == limits::GlobalMode::kGlobal ? 1 : 0);
  });
}

}  // namespace yoke::observe
