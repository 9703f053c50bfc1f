#include "load_generator.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace yoke::loadgen {
namespace {

constexpr std::uint64_t kNanosPerSecond = 1'000'000'000;
constexpr int kMaxEvents = 256;
constexpr std::uint64_t kMaxBacklog = 1'000'000;  // far past overload: stop rather than grow

std::uint64_t seconds_to_ns(double seconds) {
  return static_cast<std::uint64_t>(seconds * static_cast<double>(kNanosPerSecond));
}

}  // namespace

std::uint64_t monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * kNanosPerSecond +
         static_cast<std::uint64_t>(now.tv_nsec);
}

LoadGenerator::LoadGenerator(LoadPlan plan)
    : plan_(std::move(plan)),
      request_("GET " + plan_.path + " HTTP/1.1\r\nHost: " + plan_.host + "\r\n\r\n"),
      connections_(static_cast<size_t>(plan_.connections)) {}

LoadGenerator::~LoadGenerator() {
  for (auto& connection : connections_) {
    if (connection.fd >= 0) close(connection.fd);
  }
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

bool LoadGenerator::open(std::string& error) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    error = std::string("epoll_create1: ") + std::strerror(errno);
    return false;
  }
  for (auto& connection : connections_) {
    if (!connect(connection, error)) return false;
    idle_.push_back(&connection);
  }
  return true;
}

// A blocking connect (loopback answers at once), then non-blocking for the loop.
bool LoadGenerator::connect(Connection& connection, std::string& error) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(plan_.port);
  if (inet_pton(AF_INET, plan_.host.c_str(), &address.sin_addr) != 1) {
    error = "not an IPv4 address: " + plan_.host;
    return false;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    error = std::string("connect: ") + std::strerror(errno);
    if (fd >= 0) close(fd);
    return false;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  connection = Connection{};
  connection.fd = fd;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = &connection;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    error = std::string("epoll_ctl: ") + std::strerror(errno);
    return false;
  }
  return true;
}

bool LoadGenerator::counts(std::uint64_t due_ns) const {
  return due_ns >= count_from_ns_ && due_ns < count_until_ns_;
}

void LoadGenerator::send(Connection& connection, std::uint64_t due_ns) {
  connection.busy = true;
  connection.due_ns = due_ns;
  ++in_flight_;
  ++result_.sent;
  // A small request on a connection with nothing else queued fits the socket buffer at once.
  ssize_t written = write(connection.fd, request_.data(), request_.size());
  if (written != static_cast<ssize_t>(request_.size())) {
    on_failure(connection, written < 0 ? std::strerror(errno) : "short write");
  }
}

void LoadGenerator::on_readable(Connection& connection) {
  char buffer[64 * 1024];
  while (connection.fd >= 0) {
    ssize_t got = read(connection.fd, buffer, sizeof(buffer));
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (got <= 0 || !connection.busy) {
      on_failure(connection, got < 0    ? std::strerror(errno)
                             : got == 0 ? "connection closed by the server"
                                        : "bytes while no request was in flight");
      return;
    }
    auto status = connection.reader.feed(buffer, static_cast<size_t>(got));
    if (status == ResponseReader::Status::kError) {
      on_failure(connection, connection.reader.error());
      return;
    }
    if (status == ResponseReader::Status::kComplete) on_answer(connection);
  }
}

void LoadGenerator::on_answer(Connection& connection) {
  // Read the clock per answer: a request sent earlier in this batch may already be answered.
  std::uint64_t now_ns = monotonic_ns();
  connection.busy = false;
  --in_flight_;
  int code = connection.reader.status_code();
  if (counts(connection.due_ns)) {
    if (code >= 200 && code < 300) {
      result_.latencies_ns.push_back(now_ns - connection.due_ns);
    } else {
      ++result_.non_2xx;
    }
  }
  make_idle(connection);
}

// A broken connection loses its request (an error) and is replaced by a fresh one.
void LoadGenerator::on_failure(Connection& connection, const std::string& why) {
  ++result_.errors;
  if (result_.first_error.empty()) result_.first_error = why;
  if (connection.busy) --in_flight_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, connection.fd, nullptr);
  close(connection.fd);
  connection.fd = -1;
  connection.busy = false;
  std::string error;
  if (connect(connection, error)) {
    make_idle(connection);
  } else if (result_.first_error == why) {
    result_.first_error += "; reconnect: " + error;
  }
}

// Open loop: a free connection takes the oldest waiting request; fixed count: the next one.
void LoadGenerator::make_idle(Connection& connection) {
  if (plan_.rate > 0 && !backlog_.empty()) {
    std::uint64_t due = backlog_.front();
    backlog_.pop_front();
    send(connection, due);
  } else if (plan_.rate == 0 && result_.sent < plan_.requests) {
    send(connection, monotonic_ns());
  } else {
    idle_.push_back(&connection);
  }
}

void LoadGenerator::dispatch(std::uint64_t due_ns) {
  while (!idle_.empty()) {
    Connection* connection = idle_.front();
    idle_.pop_front();
    if (connection->fd < 0) continue;
    send(*connection, due_ns);
    return;
  }
  backlog_.push_back(due_ns);
  result_.queued += counts(due_ns) ? 1 : 0;
  result_.max_backlog = std::max(result_.max_backlog, backlog_.size());
}

// Waits at most timeout_ns (nanosecond precision: epoll_pwait2), then handles what is ready.
int LoadGenerator::wait_events(std::uint64_t timeout_ns) {
  epoll_event events[kMaxEvents];
  timespec timeout{static_cast<time_t>(timeout_ns / kNanosPerSecond),
                   static_cast<long>(timeout_ns % kNanosPerSecond)};
  int ready = epoll_pwait2(epoll_fd_, events, kMaxEvents, &timeout, nullptr);
  for (int i = 0; i < ready; ++i) on_readable(*static_cast<Connection*>(events[i].data.ptr));
  return ready;
}

void LoadGenerator::run_open_loop() {
  const std::uint64_t start = monotonic_ns();
  const double interval_ns = static_cast<double>(kNanosPerSecond) / plan_.rate;
  count_from_ns_ = start + seconds_to_ns(plan_.warmup_seconds);
  count_until_ns_ = count_from_ns_ + seconds_to_ns(plan_.duration_seconds);
  const std::uint64_t drain_until = count_until_ns_ + seconds_to_ns(plan_.drain_seconds);
  std::uint64_t scheduled = 0;
  std::uint64_t next_due = start;
  for (;;) {
    std::uint64_t now = monotonic_ns();
    for (; next_due <= now && next_due < count_until_ns_; ++scheduled) {
      dispatch(next_due);
      next_due =
          start + static_cast<std::uint64_t>(static_cast<double>(scheduled + 1) * interval_ns);
    }
    bool all_due = next_due >= count_until_ns_;
    if ((all_due && in_flight_ == 0 && backlog_.empty()) || now >= drain_until ||
        backlog_.size() > kMaxBacklog) {
      break;
    }
    wait_events(all_due ? drain_until - now : next_due - now);
  }
  result_.counted_seconds = plan_.duration_seconds;
  for (std::uint64_t due : backlog_) result_.unfinished += counts(due) ? 1 : 0;
  for (const auto& connection : connections_) {
    result_.unfinished += connection.busy && counts(connection.due_ns) ? 1 : 0;
  }
}

void LoadGenerator::run_fixed_count() {
  const std::uint64_t start = monotonic_ns();
  count_from_ns_ = start;
  count_until_ns_ = UINT64_MAX;
  while (!idle_.empty() && result_.sent < plan_.requests) {
    Connection* connection = idle_.front();
    idle_.pop_front();
    send(*connection, monotonic_ns());
  }
  // Ends when every request is answered, or when nothing arrives for drain_seconds.
  while (in_flight_ > 0) {
    if (wait_events(seconds_to_ns(plan_.drain_seconds)) == 0) break;
  }
  result_.unfinished = in_flight_ + (plan_.requests - std::min(plan_.requests, result_.sent));
  result_.counted_seconds =
      static_cast<double>(monotonic_ns() - start) / static_cast<double>(kNanosPerSecond);
}

LoadResult LoadGenerator::run() {
  if (plan_.rate > 0) {
    run_open_loop();
  } else {
    run_fixed_count();
  }
  return std::move(result_);
}

}  // namespace yoke::loadgen
