#include "server.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "admin/admin_endpoints.h"
#include "cli/log_reopen.h"
#include "cli/drain.h"
#include "cli/reload.h"
#include "cli/upgrade.h"
#include "fd_budget.h"
#include "proxy/worker.h"
#include "yoke/observe/error_log.h"
#include "yoke/tls/ticket_key_ring.h"

namespace yoke::cli {
namespace {

int worker_count(const config::Config& config) {
  if (config.worker_processes > 0) return config.worker_processes;
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

// Signals are taken synchronously by the main thread (sigtimedwait), so no handler runs on
// a worker and nothing async-signal-unsafe can happen.
sigset_t control_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGQUIT);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR1);   // reopen log files (cli/log_reopen.h)
  sigaddset(&set, SIGUSR2);   // binary upgrade: hand the listening sockets over (cli/upgrade.h)
  sigaddset(&set, SIGWINCH);  // yoke -s drain (cli/drain.h)
  return set;
}

void write_pid_file(const std::string& path) {
  if (path.empty()) return;
  std::ofstream out(path, std::ios::trunc);
  out << getpid() << "\n";
  if (!out) observe::log_line(observe::LogLevel::kError, "cannot write pid file \"" + path + "\"");
}

// Every worker's counters, summed for /metrics (docs/metrics.md); a reload replaces them.
std::shared_ptr<observe::MetricsRegistry> make_registry(
    const std::shared_ptr<const router::RouteTable>& routes,
    const std::vector<std::unique_ptr<proxy::Worker>>& workers) {
  std::vector<std::shared_ptr<const observe::WorkerMetrics>> blocks;
  blocks.reserve(workers.size());
  for (const auto& worker : workers) blocks.push_back(worker->metrics_handle());
  return std::make_shared<observe::MetricsRegistry>(routes, std::move(blocks),
                                                    std::chrono::system_clock::now());
}

// Only while it still names this process: after a binary upgrade it names the new one.
void remove_pid_file(const std::string& path) {
  if (path.empty()) return;
  std::ifstream in(path);
  long pid = 0;
  if (in >> pid && pid == getpid()) unlink(path.c_str());
}

// Where the runtime deny list's tables go: set on each worker directly while none runs yet
// (so the first connection is already checked), posted to each worker's loop afterwards.
struct DenyPublisher {
  std::vector<proxy::Worker*> workers;
  std::atomic<bool> running{false};

  void operator()(const std::shared_ptr<const security::DenyTable>& table) {
    for (proxy::Worker* worker : workers) {
      if (!running.load()) {
        worker->set_deny_table(table);
      } else {
        worker->loop().post([worker, table] { worker->set_deny_table(table); });
      }
    }
  }
};

// The runtime deny list (with an admin listener only: the API is how it changes), loaded from
// denylist_file. Null with error set when that file is broken.
std::shared_ptr<admin::DenylistStore> open_denylist(const config::Config& config,
                                                    const std::shared_ptr<DenyPublisher>& publisher,
                                                    std::string& error) {
  if (!config.admin) return nullptr;
  auto store = std::make_shared<admin::DenylistStore>(
      config.admin->denylist_file,
      [publisher](const std::shared_ptr<const security::DenyTable>& table) {
        (*publisher)(table);
      });
  if (!store->load(admin::DenyClock::now(), error)) return nullptr;
  return store;
}

// The admin listener, when configured, over the workers' counters.
std::unique_ptr<admin::AdminServer> open_admin(
    const config::Config& config, const std::shared_ptr<observe::MetricsRegistry>& metrics,
    const std::shared_ptr<const admin::NodeHealth>& node,
    const std::shared_ptr<admin::DenylistStore>& denylist, std::string& error) {
  if (!config.admin) return nullptr;
  auto server = admin::make_admin_server(*config.admin, metrics, node, denylist);
  if (!server->open(error)) return nullptr;
  return server;
}

// A new session-ticket key for every worker (tls/ticket_key_ring.h). Each worker adds it on
// its own thread; for the microseconds until all have, a ticket under the new key may meet a
// worker that does not know it yet and get a full handshake instead of a resumption.
void rotate_ticket_keys(const std::vector<std::unique_ptr<proxy::Worker>>& workers) {
  tls::TicketKeys keys{};
  try {
    keys = tls::generate_ticket_keys();
  } catch (const std::runtime_error& error) {
    observe::log_line(observe::LogLevel::kError, std::string(error.what()) +
                                                     "; keeping the "
                                                     "current ones");
    return;
  }
  for (const auto& worker : workers) {
    proxy::Worker* target = worker.get();
    target->loop().post([target, keys] { target->tls().add_ticket_key(keys); });
  }
}

}  // namespace

int run_server(const std::shared_ptr<const router::RouteTable>& routes,
               const std::string& config_path, InheritedListeners* inherited) {
  const config::Config& config = routes->config();
  sigset_t signals = control_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::vector<std::unique_ptr<proxy::Worker>> workers;
  const int connection_limit =
      apply_fd_budget(worker_count(config), config.worker_connections,
                      static_cast<int>(routes->listeners().size()), config.worker_connections_set);
  for (int i = 0; i < worker_count(config); ++i) {
    auto worker = std::make_unique<proxy::Worker>(i, routes);
    worker->set_connection_limit(connection_limit);
    std::string error;
    proxy::Worker::InheritedSocket take;
    if (inherited != nullptr)
      take = [inherited](const SocketAddress& a) { return inherited->take(a); };
    if (!worker->open_listeners(error, take)) {
      observe::log_line(observe::LogLevel::kEmerg, error);
      std::fprintf(stderr, "yoke: [emerg] %s\n", error.c_str());
      return 1;
    }
    workers.push_back(std::move(worker));
  }
  std::string inherit_error;
  if (inherited != nullptr && !inherited->hand_out_rest(*routes, workers, inherit_error)) {
    observe::log_line(observe::LogLevel::kEmerg, inherit_error);
    return 1;
  }
  std::shared_ptr<observe::MetricsRegistry> metrics = make_registry(routes, workers);
  auto publisher = std::make_shared<DenyPublisher>();
  for (const auto& worker : workers) publisher->workers.push_back(worker.get());
  std::string admin_error;
  auto node = std::make_shared<admin::NodeHealth>();
  std::shared_ptr<admin::DenylistStore> denylist = open_denylist(config, publisher, admin_error);
  if (denylist) metrics->set_denylist_size([denylist] { return denylist->entries().size(); });
  std::unique_ptr<admin::AdminServer> admin_server;
  if (admin_error.empty()) admin_server = open_admin(config, metrics, node, denylist, admin_error);
  if (!admin_error.empty()) {
    observe::log_line(observe::LogLevel::kEmerg, admin_error);
    std::fprintf(stderr, "yoke: [emerg] %s\n", admin_error.c_str());
    return 1;
  }
  // Active health and agent checks run on their own thread, started before the workers serve:
  // `mandatory` hosts stay out of rotation until their first check passes.
  Reloader reloader(config_path, routes, workers, metrics);
  reloader.start_checker();
  write_pid_file(config.pid_path);
  publisher->running = true;  // from now on a new deny table is posted to the workers
  std::atomic<int> running{static_cast<int>(workers.size())};
  std::vector<std::thread> threads;
  threads.reserve(workers.size());
  for (auto& worker : workers) {
    threads.emplace_back([&running, w = worker.get()] {
      w->run();
      --running;
    });
  }
  if (admin_server) admin_server->start();
  if (inherited != nullptr) inherited->confirm();  // the old process may stop now
  UpgradeHandoff handoff(workers);
  Drain drain(*node, workers);
  observe::log_line(observe::LogLevel::kNotice, "yoke " YOKE_VERSION " started with " +
                                                    std::to_string(workers.size()) + " workers");
  timespec poll{0, 200'000'000};
  tls::TicketKeyRotation rotation(routes->tls().ticket_key_period(),
                                  std::chrono::steady_clock::now());
  while (running.load() > 0) {
    if (rotation.due(std::chrono::steady_clock::now())) rotate_ticket_keys(workers);
    drain.poll(std::chrono::steady_clock::now());
    int signal_number = sigtimedwait(&signals, nullptr, &poll);
    if (signal_number == SIGTERM || signal_number == SIGINT) {
      observe::log_line(observe::LogLevel::kNotice, "graceful stop requested");
      node->start_stop();  // /healthz: 503 while the workers finish (admin/healthz.h)
      for (auto& worker : workers) worker->request_stop(false);
    } else if (signal_number == SIGQUIT) {
      node->start_stop();
      for (auto& worker : workers) worker->request_stop(true);
    } else if (signal_number == SIGUSR1) {
      reopen_log_files(workers);
    } else if (signal_number == SIGHUP) {
      reloader.reload();  // logs its outcome (src/cli/reload.cc)
    } else if (signal_number == SIGUSR2) {
      handoff.start(config.pid_path);
    } else if (signal_number == SIGWINCH) {
      drain.start(std::chrono::steady_clock::now(), reloader.routes()->config().drain_grace);
    }
  }
  for (auto& thread : threads) thread.join();
  handoff.join();
  if (admin_server) admin_server->stop();  // after the workers: /healthz answers while they drain
  if (denylist) denylist->detach();        // its timer was on the admin loop
  reloader.stop_checker();
  remove_pid_file(config.pid_path);
  observe::log_line(observe::LogLevel::kNotice, "stopped");
  return 0;
}

}  // namespace yoke::cli
