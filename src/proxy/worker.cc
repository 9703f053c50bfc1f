#include "worker.h"

#include <fcntl.h>
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
      current_(std::make_shared<WorkerGeneration>(std::move(routes))),
      loop_(open_poller(current_->routes().config().event_method, id)),
      buffers_(kBufferSize) {
  grace_handler_ = std::make_unique<GraceHandler>(*this);
  grace_timer_.bind(grace_handler_.get());
  grace_handler_->flush_timer.bind(grace_handler_.get());
}

Worker::~Worker() {
  while (connections_ != nullptr) connections_->abort();
  listeners_.clear();
  current_.reset();  // its pools close their idle connections while the loop still exists
  for (auto& log : access_logs_) log->flush();
}

bool Worker::open_listeners(std::string& error, const InheritedSocket& inherited) {
  const auto& specs = current_->routes().listeners();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const config::Listen& listen = specs[i].listen;
    int fd = inherited ? inherited(listen.address) : -1;
    // Each worker has its own socket per address, so SO_REUSEPORT is always on.
    if (fd < 0) fd = open_listener(listen.address, true, listen.backlog, error, listen.freebind);
    if (fd < 0) return false;
    if (!apply_listen_options(fd, listen, error)) {
      close_fd(fd);
      return false;
    }
    if (!watch_listener(std::make_unique<Listener>(*this, i, fd, listen.address), error)) {
      return false;
    }
  }
  return true;
}

bool Worker::add_listener(std::size_t index, int fd, std::string& error) {
  const SocketAddress& address = current_->routes().listeners()[index].listen.address;
  return watch_listener(std::make_unique<Listener>(*this, index, fd, address), error);
}

std::future<std::vector<int>> Worker::request_listener_copies() {
  auto promise = std::make_shared<std::promise<std::vector<int>>>();
  std::future<std::vector<int>> copies = promise->get_future();
  loop_.post([this, promise] {
    std::vector<int> fds;
    for (const auto& listener : listeners_) {
      if (listener->fd() < 0) continue;
      int copy = fcntl(listener->fd(), F_DUPFD_CLOEXEC, 0);
      if (copy >= 0) fds.push_back(copy);
    }
    promise->set_value(std::move(fds));
  });
  return copies;
}

bool Worker::watch_listener(std::unique_ptr<Listener> listener, std::string& error) {
  if (!loop_.watch_readable(listener->fd(), listener.get())) {
    error = "cannot watch listener " + listener->address().to_string();
    return false;
  }
  listeners_.push_back(std::move(listener));
  return true;
}

AccessLogWriter* Worker::access_log(const std::string& path) {
  for (auto& log : access_logs_) {
    if (log->path() == path) return log->ok() ? log.get() : nullptr;
  }
  return nullptr;
}

// Opens a writer for each access_log path of the newest generation not open yet (at start and
// after a reload; writers of paths a reload dropped stay open until the worker ends).
void Worker::open_access_logs() {
  const bool had_logs = !access_logs_.empty();
  for (const auto& server : current_->routes().config().http.servers) {
    for (const auto& location : server.locations) {
      if (!location.access_log.enabled) continue;
      const std::string& path = location.access_log.path;
      bool open = false;
      for (const auto& log : access_logs_) open = open || log->path() == path;
      if (open) continue;
      auto writer = std::make_unique<AccessLogWriter>(path);
      if (!writer->ok()) observe::log_line(observe::LogLevel::kError, writer->error());
      access_logs_.push_back(std::move(writer));
    }
  }
  if (!had_logs && !access_logs_.empty()) loop_.arm(grace_handler_->flush_timer, kLogFlushInterval);
}

void Worker::run() {
  open_access_logs();
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

void Worker::request_node_drain() {
  loop_.post([this] {
    node_draining_ = true;
    for (ClientConnection* connection = connections_; connection != nullptr;) {
      ClientConnection* next = connection->list_next;
      connection->drain();
      connection = next;
    }
  });
}

// Graceful stop: no new connections; every connection drains (ClientConnection::drain): the
// next request on a keep-alive connection is answered with Connection: close, and an idle one
// closes after kDrainIdleGrace, so that no client sees its connection die under a request it is
// sending. Busy pooled upstream connections close when their exchange ends (retire()).
void Worker::begin_stop() {
  if (stopping_) return;
  stopping_ = true;
  for (auto& listener : listeners_) listener->close();
  current_->retire();
  for (ClientConnection* connection = connections_; connection != nullptr;) {
    ClientConnection* next = connection->list_next;
    connection->drain();
    connection = next;
  }
  loop_.arm(grace_timer_, current_->routes().config().shutdown_grace);
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
