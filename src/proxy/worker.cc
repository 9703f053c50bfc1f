#include "worker.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "client_connection.h"
#include "listener.h"
#include "yoke/core/socket.h"
#include "yoke/observe/error_log.h"

namespace yoke::proxy {
namespace {
// Every buffer is 32 KiB: it holds the largest head allowed by default
// (large_client_header_buffers 4 8k) and moves bodies in large enough steps.
constexpr std::size_t kBufferSize = 32 * 1024;
constexpr Milliseconds kLogFlushInterval{1000};

// The backend `events { use …; }` asks for. When the kernel refuses io_uring (sysctl
// kernel.io_uring_disabled, a seccomp policy, a kernel older than 6.1), the worker says so and
// runs on epoll: same behaviour, other system calls.
std::unique_ptr<Poller> open_poller(PollerKind kind, int worker_id) {
  std::string error;
  if (auto poller = make_poller(kind, error)) {
    // nginx logs the same at notice level: which method a running server really uses.
    observe::log_line(observe::LogLevel::kNotice,
                      "worker " + std::to_string(worker_id) + ": using the \"" +
                          std::string(poller_name(kind)) + "\" event method");
    return poller;
  }
  observe::log_line(observe::LogLevel::kError, "worker " + std::to_string(worker_id) +
                                                   ": cannot use event method \"" +
                                                   std::string(poller_name(kind)) + "\" (" + error +
                                                   "), falling back to epoll");
  auto fallback = make_poller(PollerKind::kEpoll, error);
  if (fallback == nullptr) throw std::runtime_error("cannot create event loop: " + error);
  return fallback;
}
// deferred: TCP_DEFER_ACCEPT, so accept() reports a connection only once data arrived. One
// second, as nginx sets it: the kernel cannot say how long a connection already waited (and
// SYN cookies bypass the deferral), so a longer value buys nothing definite. fastopen=N:
// TCP_FASTOPEN with a queue of N pending Fast Open requests (RFC 7413).
bool apply_listen_options(int fd, const config::Listen& listen, std::string& error) {
  if (listen.deferred) {
    int seconds = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds) != 0) {
      error = "setsockopt(TCP_DEFER_ACCEPT) on " + listen.address.to_string() + ": " +
              std::strerror(errno);
      return false;
    }
  }
  if (listen.fastopen > 0) {
    int queue = listen.fastopen;
    if (setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN, &queue, sizeof queue) != 0) {
      error =
          "setsockopt(TCP_FASTOPEN) on " + listen.address.to_string() + ": " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

}  // namespace

// Ends a graceful stop after the grace period, and flushes access logs once a second.
class Worker::GraceHandler final : public TimerHandler {
 public:
  explicit GraceHandler(Worker& worker) : worker_(worker) {}
  void on_timer(Timer& timer) override {
    if (&timer == &worker_.grace_timer_) return worker_.request_stop(true);
    for (auto& log : worker_.access_logs_) log->flush();
    worker_.loop_.arm(timer, kLogFlushInterval);
  }
  Timer flush_timer;

 private:
  Worker& worker_;
};

Worker::Worker(int id, std::shared_ptr<const router::RouteTable> routes)
    : id_(id),
      routes_(std::move(routes)),
      loop_(open_poller(routes_->config().event_method, id)),
      buffers_(kBufferSize),
      tls_(std::make_unique<tls::WorkerContexts>(*routes_)),
      connection_limit_(routes_->config().worker_connections) {
  grace_handler_ = std::make_unique<GraceHandler>(*this);
  grace_timer_.bind(grace_handler_.get());
  grace_handler_->flush_timer.bind(grace_handler_.get());
  std::vector<std::size_t> servers_per_upstream;
  for (const auto& entry : routes_->upstreams())
    servers_per_upstream.push_back(entry.hosts->hosts.size());
  metrics_ = std::make_shared<observe::WorkerMetrics>(servers_per_upstream);
  for (const auto& entry : routes_->upstreams()) {
    UpstreamRuntime runtime;
    runtime.balancer = std::make_unique<upstream::UpstreamBalancer>(
        entry.hosts, *entry.policy, entry.config->policy_args, entry.shared);
    runtime.pool = std::make_unique<UpstreamPool>(
        entry.hosts->hosts.size(), entry.config->keepalive, entry.config->keepalive_timeout);
    runtime.pool->count_idle_in(&metrics_->upstream(upstreams_.size()).connections_idle);
    upstreams_.push_back(std::move(runtime));
  }
}

Worker::~Worker() {
  while (connections_ != nullptr) connections_->abort();
  for (auto& runtime : upstreams_) runtime.pool->close_all();
  for (auto& log : access_logs_) log->flush();
}

bool Worker::open_listeners(std::string& error) {
  const auto& specs = routes_->listeners();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const config::Listen& listen = specs[i].listen;
    // Each worker has its own socket per address, so SO_REUSEPORT is always on.
    int fd = open_listener(listen.address, true, listen.backlog, error);
    if (fd < 0) return false;
    if (!apply_listen_options(fd, listen, error)) {
      close_fd(fd);
      return false;
    }
    auto listener = std::make_unique<Listener>(*this, i, fd, specs[i]);
    if (!loop_.watch_readable(fd, listener.get())) {
      error = "cannot watch listener " + listen.address.to_string();
      return false;
    }
    listeners_.push_back(std::move(listener));
  }
  return true;
}

AccessLogWriter* Worker::access_log(const std::string& path) {
  for (auto& log : access_logs_) {
    if (log->path() == path) return log->ok() ? log.get() : nullptr;
  }
  return nullptr;
}

void Worker::run() {
  for (const auto& server : routes_->config().http.servers) {
    for (const auto& location : server.locations) {
      if (!location.access_log.enabled || access_log(location.access_log.path) != nullptr) continue;
      auto writer = std::make_unique<AccessLogWriter>(location.access_log.path);
      if (!writer->ok()) observe::log_line(observe::LogLevel::kError, writer->error());
      access_logs_.push_back(std::move(writer));
    }
  }
  if (!access_logs_.empty()) loop_.arm(grace_handler_->flush_timer, kLogFlushInterval);
  loop_.run();
  for (auto& log : access_logs_) log->flush();
}

void Worker::request_stop(bool immediate) {
  loop_.post([this, immediate] {
    if (immediate) {
      while (connections_ != nullptr) connections_->abort();
      loop_.stop();
      return;
    }
    begin_stop();
  });
}

void Worker::begin_stop() {
  if (stopping_) return;
  stopping_ = true;
  for (auto& listener : listeners_) listener->close();
  for (auto& runtime : upstreams_) runtime.pool->close_all();
  for (ClientConnection* connection = connections_; connection != nullptr;) {
    ClientConnection* next = connection->list_next;
    connection->on_worker_stopping();
    connection = next;
  }
  loop_.arm(grace_timer_, routes_->config().shutdown_grace);
  check_stopped();
}

void Worker::check_stopped() {
  if (stopping_ && connection_count_ == 0) loop_.stop();
}

void Worker::add_connection(ClientConnection* connection) {
  connection->list_prev = nullptr;
  connection->list_next = connections_;
  if (connections_ != nullptr) connections_->list_prev = connection;
  connections_ = connection;
  ++connection_count_;
}

void Worker::connection_closed(std::uint32_t listener) {
  if (listener < listeners_.size()) listeners_[listener]->connection_closed();
}

void Worker::remove_connection(ClientConnection* connection) {
  if (connection->list_prev != nullptr)
    connection->list_prev->list_next = connection->list_next;
  else
    connections_ = connection->list_next;
  if (connection->list_next != nullptr) connection->list_next->list_prev = connection->list_prev;
  connection->list_prev = connection->list_next = nullptr;
  --connection_count_;
  check_stopped();
}

}  // namespace yoke::proxy
