// MetricsRegistry across reloads: the retired generations' blocks, summed by label into the
// current series (metrics_carry_over.h, docs/architecture.md "Reload").
#include <atomic>

#include "yoke/observe/metrics_registry.h"

namespace yoke::observe {

void MetricsRegistry::replace(std::shared_ptr<const router::RouteTable> routes,
                              std::vector<std::shared_ptr<const WorkerMetrics>> workers,
                              const Carry& carry) {
  std::lock_guard lock(mutex_);
  if (carry) carry(*routes_, *routes);
  const MetricsLayout previous = layout_;
  routes_ = std::move(routes);
  set_layout();
  certificates_ = tls::certificate_expiries(routes_->config(), routes_->tls());
  const LayoutMap to_new = LayoutMap::between(previous, layout_);
  for (Retired& retired : retired_) {
    // Compose: old layout → previous → new. Positions that ended stay ended.
    for (std::size_t u = 0; u < retired.map.upstream.size(); ++u) {
      std::size_t& target = retired.map.upstream[u];
      if (target == LayoutMap::kNone) continue;
      for (std::size_t& server : retired.map.server[u]) {
        if (server != LayoutMap::kNone) server = to_new.server[target][server];
      }
      target = to_new.upstream[target];
    }
  }
  for (auto& block : current_) retired_.push_back(Retired{std::move(block), to_new});
  std::shared_ptr<WorkerMetrics> folded = make_carry_block(layout_);
  if (folded_ != nullptr) accumulate(*folded, *folded_, to_new);
  folded_ = std::move(folded);
  current_ = std::move(workers);
}

void MetricsRegistry::record_reload(bool success, std::chrono::system_clock::time_point when) {
  std::lock_guard lock(mutex_);
  last_reload_successful_ = success;
  if (!success) {
    ++reloads_failed_;
    return;
  }
  ++reloads_succeeded_;
  config_loaded_seconds_ = std::chrono::duration<double>(when.time_since_epoch()).count();
}

// A retired block that only the registry still holds belongs to a generation every worker
// connection has left: its counts are final, so they move into folded_ and the block goes.
// The acquire fence pairs with the release of the worker's last reference (shared_ptr's
// decrement), so the worker's last stores are visible here.
void MetricsRegistry::fold_finished() const {
  for (std::size_t i = 0; i < retired_.size();) {
    if (retired_[i].block.use_count() != 1) {
      ++i;
      continue;
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    accumulate(*folded_, *retired_[i].block, retired_[i].map);
    retired_.erase(retired_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

// What the write functions add to the current workers' blocks: folded_ alone once every retired
// generation has finished, else a fresh block with folded_ and the live retired blocks (built
// per scrape: their counts still move).
std::shared_ptr<const WorkerMetrics> MetricsRegistry::carried_block() const {
  if (folded_ == nullptr) return nullptr;
  fold_finished();
  if (retired_.empty()) return folded_;
  std::shared_ptr<WorkerMetrics> sum = make_carry_block(layout_);
  LayoutMap same = LayoutMap::between(layout_, layout_);
  accumulate(*sum, *folded_, same);
  for (const Retired& retired : retired_) accumulate(*sum, *retired.block, retired.map);
  return sum;
}

}  // namespace yoke::observe
