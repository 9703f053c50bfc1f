#include "reload.h"

#include <stdexcept>

#include "yoke/core/socket.h"
#include "yoke/observe/error_log.h"
#include "yoke/router/carry_over.h"

namespace yoke::cli {
namespace {

void close_all(std::vector<std::vector<int>>& opened) {
  for (auto& sockets : opened) {
    for (int& fd : sockets) {
      if (fd >= 0) close_fd(fd);
      fd = -1;
    }
  }
}

}  // namespace

Reloader::Reloader(std::string config_path, std::shared_ptr<const router::RouteTable> routes,
                   const std::vector<std::unique_ptr<proxy::Worker>>& workers,
                   std::shared_ptr<observe::MetricsRegistry> metrics)
    : config_path_(std::move(config_path)),
      routes_(std::move(routes)),
      workers_(workers),
      metrics_(std::move(metrics)) {}

void Reloader::start_checker() {
  checker_ = std::make_unique<health::Checker>(routes_);
  // Its result histories are indexed like routes_: /api/v1/stats shows them (a stats request
  // between this and metrics_->replace() may pair them with the old layout for a moment; the
  // lookup is bounds-checked).
  metrics_->set_check_histories(checker_->histories());
  checker_->start();
}

void Reloader::stop_checker() {
  if (checker_ != nullptr) checker_->stop();
  checker_.reset();
}

bool Reloader::reload() {
  const auto started = std::chrono::steady_clock::now();
  observe::log_line(observe::LogLevel::kNotice, "reloading configuration from " + config_path_);
  std::shared_ptr<const router::RouteTable> next;
  try {
    next = build_next();
  } catch (const std::runtime_error& error) {  // config::ConfigError: file:line:column: why
    fail(error.what());
    return false;
  }
  warn_restart_only(next->config());
  std::vector<std::vector<int>> opened;
  if (!open_new_listeners(*next, opened)) return false;
  std::vector<proxy::WorkerGenerationPtr> generations;
  try {
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      generations.push_back(std::make_shared<proxy::WorkerGeneration>(next));
    }
  } catch (const std::runtime_error& error) {
    close_all(opened);
    fail(error.what());
    return false;
  }
  const std::size_t carried = apply(next, std::move(generations), std::move(opened));
  last_duration_ = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  observe::log_line(observe::LogLevel::kNotice,
                    "configuration reloaded in " + std::to_string(last_duration_.count()) +
                        " us: " + std::to_string(next->upstreams().size()) + " upstreams, " +
                        std::to_string(next->listeners().size()) + " listen addresses, state of " +
                        std::to_string(carried) + " servers carried over");
  return true;
}

// Reads and checks the file as `yoke -t` would; limit zones whose definition is unchanged are
// shared with the running snapshot (RouteTable::build). Throws config::ConfigError.
std::shared_ptr<const router::RouteTable> Reloader::build_next() const {
  auto config = std::make_shared<config::Config>(config::load_config(config_path_));
  return router::RouteTable::build(config, routes_.get());
}

// Settings fixed for the life of the process: the threads and their event loops exist already.
void Reloader::warn_restart_only(const config::Config& next) const {
  const config::Config& running = routes_->config();
  auto warn = [](const std::string& what) {
    observe::log_line(observe::LogLevel::kWarn,
                      "reload: a change of " + what +
                          " takes effect only after a restart (or `yoke -s upgrade`); the "
                          "running value is kept");
  };
  if (next.worker_processes != running.worker_processes) warn("\"worker_processes\"");
  if (next.event_method != running.event_method) warn("\"events { use }\"");
  if (next.error_log_path != running.error_log_path) warn("\"error_log\"");
  if (next.pid_path != running.pid_path) warn("\"pid\"");
  if (next.admin.has_value() != running.admin.has_value()) warn("the \"admin\" block");
  if (next.admin && running.admin && next.admin->denylist_file != running.admin->denylist_file) {
    warn("\"denylist_file\"");
  }
}

// Sockets for listen addresses the running snapshot lacks, one per worker (SO_REUSEPORT),
// opened here so that a port in use fails the reload before anything changed.
bool Reloader::open_new_listeners(const router::RouteTable& next,
                                  std::vector<std::vector<int>>& opened) {
  opened.assign(workers_.size(), std::vector<int>(next.listeners().size(), -1));
  const auto& specs = next.listeners();
  for (std::size_t l = 0; l < specs.size(); ++l) {
    bool running = false;
    for (const auto& spec : routes_->listeners())
      running = running || spec.listen.address == specs[l].listen.address;
    if (running) continue;
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      std::string error;
      const config::Listen& listen = specs[l].listen;
      int fd = open_listener(listen.address, true, listen.backlog, error, listen.freebind);
      if (fd < 0) {
        close_all(opened);
        fail(specs[l].listen.where.to_string() + ": " + error);
        return false;
      }
      opened[w][l] = fd;
    }
  }
  return true;
}

// The point of no return: every check passed. Returns how many servers' state was carried over.
std::size_t Reloader::apply(const std::shared_ptr<const router::RouteTable>& next,
                            std::vector<proxy::WorkerGenerationPtr> generations,
                            std::vector<std::vector<int>> opened) {
  // The checker thread is the one writer of the host state: stop it before copying its
  // findings, and start the new one on the new snapshot.
  stop_checker();
  std::size_t carried = router::carry_over_host_state(*routes_, *next);
  std::vector<std::shared_ptr<const observe::WorkerMetrics>> blocks;
  blocks.reserve(generations.size());
  for (const auto& generation : generations) blocks.push_back(generation->metrics_handle());
  // The admin API's view swaps first, its state carried over under the same lock as its
  // changes, so a drain the API has answered is in `next` before any worker picks from it.
  metrics_->replace(next, std::move(blocks),
                    [](const router::RouteTable& from, const router::RouteTable& to) {
                      router::carry_over_admin_state(from, to);
                    });
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    workers_[w]->request_reload(std::move(generations[w]), std::move(opened[w]));
  }
  routes_ = next;
  start_checker();
  metrics_->record_reload(true, std::chrono::system_clock::now());
  return carried;
}

void Reloader::fail(const std::string& why) {
  metrics_->record_reload(false, std::chrono::system_clock::now());
  observe::log_line(observe::LogLevel::kError,
                    "reload failed, the running configuration is kept: " + why);
}

}  // namespace yoke::cli
