#pragma once
// Configuration reload on the main thread (SIGHUP, `yoke -s reload`; docs/architecture.md,
// "Reload"): read the same file again, build and check the new snapshot, and only when all of it
// is valid hand every worker a generation built from it. An invalid file changes nothing.
// Owns the checker thread and the global sync thread, which restart on every snapshot. Runtime
// membership changes (membership/member_change.h) publish their snapshots through the same
// steps (swap()).
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "proxy/worker.h"
#include "yoke/health/checker.h"
#include "yoke/limits/global_sync.h"
#include "yoke/membership/member_change.h"
#include "yoke/observe/metrics_registry.h"
#include "yoke/router/route_table.h"

namespace yoke::cli {

class Reloader final : public membership::SnapshotSwap {
 public:
  // workers and metrics outlive the Reloader. Main thread, except swap() (any thread but a
  // worker's); reload() and swap() are serialised by a mutex.
  Reloader(std::string config_path, std::shared_ptr<const router::RouteTable> routes,
           const std::vector<std::unique_ptr<proxy::Worker>>& workers,
           std::shared_ptr<observe::MetricsRegistry> metrics);

  // Starts (or stops) the active health and agent checks of the running snapshot.
  void start_checker();
  void stop_checker();
  // Starts (or stops) the global rate limits' sync with Redis for the running snapshot's zones
  // with global=redis://… (yoke/limits/global_sync.h).
  void start_global_sync();
  void stop_global_sync();

  // Loads the configuration file again and applies it. False (logged with file:line:column
  // and counted) when it is invalid or cannot be applied; the running configuration is then
  // untouched.
  bool reload();
  // A snapshot built from edit(running configuration), published as reload() publishes one
  // (membership::SnapshotSwap).
  std::optional<std::string> swap(const Edit& edit, const Carry& carry,
                                  const Installed& installed) override;
  // How long the last successful reload took to apply, from reading the file to the posts.
  std::chrono::microseconds last_duration() const { return last_duration_; }
  const std::shared_ptr<const router::RouteTable>& routes() const { return routes_; }

 private:
  std::shared_ptr<const router::RouteTable> build_next() const;
  std::optional<std::string> install(const std::shared_ptr<const router::RouteTable>& next,
                                     const Carry& carry, std::size_t& carried);
  void warn_restart_only(const config::Config& next) const;
  std::optional<std::string> open_new_listeners(const router::RouteTable& next,
                                                std::vector<std::vector<int>>& opened);
  std::size_t apply(const std::shared_ptr<const router::RouteTable>& next,
                    std::vector<proxy::WorkerGenerationPtr> generations,
                    std::vector<std::vector<int>> opened, const Carry& carry);
  void fail(const std::string& why);

  std::string config_path_;
  std::shared_ptr<const router::RouteTable> routes_;
  const std::vector<std::unique_ptr<proxy::Worker>>& workers_;
  std::shared_ptr<observe::MetricsRegistry> metrics_;
  std::unique_ptr<health::Checker> checker_;
  std::unique_ptr<limits::GlobalSync> global_sync_;
  std::chrono::microseconds last_duration_{0};
  // Orders reloads (main thread) against swaps (the admin thread, discovery): each builds on
  // the snapshot the one before published.
  std::mutex swap_mutex_;
};

}  // namespace yoke::cli
