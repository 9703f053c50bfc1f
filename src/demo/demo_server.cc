#include "demo/demo_server.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>

#include "demo/demo_socket.h"

namespace yoke::demo {
namespace {

constexpr size_t kScratchSize = 64 * 1024;
constexpr int kMaxEvents = 256;

void add_to_epoll(int epoll_fd, int fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

// SIGTERM and SIGINT arrive as readable data on a signalfd, so shutdown is an ordinary event.
int open_signal_fd() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  ::sigprocmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return ::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
}

std::string build_name_response(const std::string& name) {
  std::string response;
  append_response_head({.status = 200,
                        .backend_name = name,
                        .content_type = "text/plain",
                        .content_length = name.size() + 1,
                        .keep_alive = true,
                        .minor_version = 1},
                       response);
  return response + name + "\n";
}

}  // namespace

DemoServer::DemoServer()
    : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      signal_fd_(open_signal_fd()),
      scratch_(kScratchSize) {
  add_to_epoll(epoll_fd_, signal_fd_, EPOLLIN);
}

DemoServer::~DemoServer() {
  connections_.clear();
  for (const auto& backend : backends_) {
    ::close(backend->listen_fd);
    if (backend->agent_fd >= 0) ::close(backend->agent_fd);
  }
  for (size_t fd = 0; fd < agent_connection_by_fd_.size(); ++fd) {
    if (agent_connection_by_fd_[fd]) ::close(static_cast<int>(fd));
  }
  ::close(signal_fd_);
  ::close(epoll_fd_);
}

bool DemoServer::listen(const std::vector<BackendSpec>& specs, std::string& error) {
  for (const BackendSpec& spec : specs) {
    std::uint16_t port = 0;
    int fd = open_listener(spec.host, spec.port, port, error);
    if (fd < 0) return false;
    auto backend = std::make_unique<DemoBackend>();
    backend->name = spec.name;
    backend->delay_ms = spec.delay_ms;
    backend->listen_fd = fd;
    backend->name_response = build_name_response(spec.name);
    if (listener_by_fd_.size() <= static_cast<size_t>(fd)) listener_by_fd_.resize(fd + 1);
    listener_by_fd_[fd] = backend.get();
    add_to_epoll(epoll_fd_, fd, EPOLLIN);
    std::printf("listening %s %s:%u\n", spec.name.c_str(), spec.host.c_str(), port);
    std::fflush(stdout);
    if (spec.agent_port >= 0 && !open_agent(*backend, spec, error)) return false;
    backends_.push_back(std::move(backend));
  }
  return true;
}

// The backend's HAProxy agent-check port: every connection gets the current answer line.
bool DemoServer::open_agent(DemoBackend& backend, const BackendSpec& spec, std::string& error) {
  std::uint16_t port = 0;
  const int fd = open_listener(spec.host, static_cast<std::uint16_t>(spec.agent_port), port, error);
  if (fd < 0) return false;
  backend.agent_fd = fd;
  if (agent_listener_by_fd_.size() <= static_cast<size_t>(fd)) agent_listener_by_fd_.resize(fd + 1);
  agent_listener_by_fd_[fd] = &backend;
  add_to_epoll(epoll_fd_, fd, EPOLLIN);
  std::printf("agent %s %s:%u\n", spec.name.c_str(), spec.host.c_str(), port);
  std::fflush(stdout);
  return true;
}

// Writes the answer line at once (a few bytes always fit the socket buffer), then half-closes
// and waits for the checker to close: closing first with its request (agent_send) unread
// would reset the connection and could destroy the answer in flight.
void DemoServer::accept_agents(DemoBackend& backend) {
  for (;;) {
    const int fd = ::accept4(backend.agent_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    const std::string line = backend.agent_reply + "\n";
    [[maybe_unused]] const ssize_t written = ::write(fd, line.data(), line.size());
    ::shutdown(fd, SHUT_WR);
    if (agent_connection_by_fd_.size() <= static_cast<size_t>(fd)) {
      agent_connection_by_fd_.resize(fd + 1);
    }
    agent_connection_by_fd_[fd] = true;
    add_to_epoll(epoll_fd_, fd, EPOLLIN | EPOLLRDHUP);
  }
}

void DemoServer::drain_agent_connection(int fd) {
  for (;;) {
    const ssize_t n = ::read(fd, scratch_.data(), scratch_.size());
    if (n > 0) continue;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    break;  // EOF or error: the checker is done
  }
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  agent_connection_by_fd_[fd] = false;
}

int DemoServer::run() {
  epoll_event events[kMaxEvents];
  while (!stopping_) {
    int count = ::epoll_wait(epoll_fd_, events, kMaxEvents, next_timeout_ms());
    if (count < 0 && errno != EINTR) {
      std::perror("epoll_wait");
      return 1;
    }
    for (int i = 0; i < count; ++i) dispatch(events[i].data.fd, events[i].events);
    fire_due_timers();
  }
  return 0;
}

void DemoServer::dispatch(int fd, std::uint32_t events) {
  if (fd == signal_fd_) {
    stopping_ = true;
    return;
  }
  if (static_cast<size_t>(fd) < listener_by_fd_.size() && listener_by_fd_[fd] != nullptr) {
    accept_all(*listener_by_fd_[fd]);
    return;
  }
  if (static_cast<size_t>(fd) < agent_listener_by_fd_.size() &&
      agent_listener_by_fd_[fd] != nullptr) {
    accept_agents(*agent_listener_by_fd_[fd]);
    return;
  }
  if (static_cast<size_t>(fd) < agent_connection_by_fd_.size() && agent_connection_by_fd_[fd]) {
    drain_agent_connection(fd);
    return;
  }
  if (static_cast<size_t>(fd) >= connections_.size() || !connections_[fd]) return;
  DemoConnection& connection = *connections_[fd];
  // An error or hang-up in both directions leaves nothing that could still be delivered.
  if ((events & (EPOLLERR | EPOLLHUP)) != 0) return close_connection(fd);
  DemoConnection::Outcome outcome = DemoConnection::Outcome::kKeep;
  if ((events & EPOLLOUT) != 0) outcome = connection.on_writable();
  if (outcome == DemoConnection::Outcome::kKeep && (events & EPOLLIN) != 0) {
    outcome = connection.on_readable(scratch_.data(), scratch_.size());
  }
  settle(fd, outcome);
}

void DemoServer::accept_all(DemoBackend& backend) {
  for (;;) {
    int fd = ::accept4(backend.listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or out of descriptors: try again on the next readiness event
    }
    set_no_delay(fd);
    ++backend.connections;
    size_t index = static_cast<size_t>(fd);
    if (connections_.size() <= index) {
      connections_.resize(index + 1);
      registered_events_.resize(index + 1);
    }
    connections_[index] = std::make_unique<DemoConnection>(fd, next_serial_++, backend);
    registered_events_[index] = EPOLLIN;
    add_to_epoll(epoll_fd_, fd, EPOLLIN);
  }
}

// After a connection handled an event: close it, arm its delay timer, or update its interest.
void DemoServer::settle(int fd, DemoConnection::Outcome outcome) {
  if (outcome == DemoConnection::Outcome::kClose) return close_connection(fd);
  DemoConnection& connection = *connections_[fd];
  if (connection.take_delay_request()) {
    timers_.push({monotonic_ms() + connection.delay_ms(), fd, connection.serial()});
  }
  std::uint32_t wanted = connection.wanted_events();
  if (wanted != registered_events_[fd]) {
    epoll_event event{};
    event.events = wanted;
    event.data.fd = fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
    registered_events_[fd] = wanted;
  }
}

void DemoServer::close_connection(int fd) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  connections_[fd].reset();  // closes the socket
}

void DemoServer::fire_due_timers() {
  std::int64_t now = monotonic_ms();
  while (!timers_.empty() && timers_.top().due_ms <= now) {
    Timer timer = timers_.top();
    timers_.pop();
    size_t index = static_cast<size_t>(timer.fd);
    if (index >= connections_.size() || !connections_[index]) continue;
    DemoConnection& connection = *connections_[index];
    if (connection.serial() != timer.serial || !connection.waiting_for_delay()) continue;
    settle(timer.fd, connection.on_delay_elapsed());
  }
}

int DemoServer::next_timeout_ms() const {
  if (timers_.empty()) return -1;
  std::int64_t wait = timers_.top().due_ms - monotonic_ms();
  return wait < 0 ? 0 : static_cast<int>(wait);
}

}  // namespace yoke::demo
