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
#include "yoke/observe/line_throttle.h"

namespace yoke::proxy {
namespace {
// Every buffer is 32 KiB: it holds the largest head allowed by default
// (large_client_header_buffers 4 8k) and moves bodies in large enough steps.
constexpr std::size_t kBufferSize = 32 * 1024;

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

std::uint64_t next_connection_number() {
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

// Ends a graceful stop after the grace period.
class Worker::GraceHandler final : public TimerHandler {
 public:
  explicit GraceHandler(Worker& worker) : worker_(worker) {}
  void on_timer(Timer& /*timer*/) override { worker_.request_stop(true); }

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
}

Worker::~Worker() {
  while (connections_ != nullptr) connections_->abort();
  listeners_.clear();
  log_files_.clear();  // flushed while the generation they count in still exists
  current_.reset();    // its pools close their idle connections while the loop still exists
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

void Worker::run() {
  open_log_files();
  loop_.run();
  flush_log_files();
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

// Counts the hit on the entry (shared with the admin thread, which shows it) and logs at most
// one line per second per worker: a denied client retrying must not flood the log.
const security::DenyEntry* Worker::denied(const security::DenyTable& table,
                                          const sockaddr* address) {
  const security::DenyEntry* entry = table.find(security::ClientAddress::of(address), loop_.now());
  if (entry == nullptr) return nullptr;
  if (entry->hits) entry->hits->fetch_add(1, std::memory_order_relaxed);
  thread_local observe::LineThrottle throttle;
  if (throttle.admit(loop_.now())) {
    observe::log_line(observe::LogLevel::kInfo, "client refused by deny list entry " +
                                                    entry->prefix.to_string() +
                                                    throttle.take_held_back_note());
  }
  return entry;
}

}  // namespace yoke::proxy
