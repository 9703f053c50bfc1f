#include "core/epoll_poller.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace yoke {

std::unique_ptr<Poller> EpollPoller::create(std::string& error) {
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) {
    error = std::string("epoll_create1: ") + std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<Poller>(new EpollPoller(fd));
}

EpollPoller::~EpollPoller() { close(epoll_fd_); }

bool EpollPoller::add(int fd, IoHandler* handler, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.ptr = handler;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
}

bool EpollPoller::watch(int fd, IoHandler* handler) {
  return add(fd, handler, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
}

bool EpollPoller::watch_readable(int fd, IoHandler* handler) { return add(fd, handler, EPOLLIN); }

void EpollPoller::unwatch(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

// Nothing to do: closing a file removes it from every epoll interest list (epoll(7), Q6), so
// EPOLL_CTL_DEL would be one system call per connection for nothing (nginx skips it too:
// NGX_CLOSE_EVENT). This holds because no other descriptor refers to Yoke's sockets: they are
// never dup()ed, all are SOCK_CLOEXEC, and Yoke never forks while workers run (a child would
// share the open files until its exec). docs/architecture.md records that rule.
void EpollPoller::unwatch_closing(int /*fd*/) {}

void EpollPoller::wait(int timeout_ms) {
  count_ = epoll_wait(epoll_fd_, events_.data(), kMaxEvents, timeout_ms);
  if (count_ < 0) count_ = 0;  // EINTR: the loop simply goes round again
}

// A handler unwatched earlier in this batch is still called with its fetched events: epoll
// cannot tell, and the EventLoop keeps it alive until the end of the iteration.
void EpollPoller::dispatch() {
  for (int i = 0; i < count_; ++i) {
    static_cast<IoHandler*>(events_[i].data.ptr)->on_io(events_[i].events);
  }
  count_ = 0;
}

}  // namespace yoke
