#include "yoke/core/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>

namespace yoke {
namespace {

constexpr int kMaxEvents = 512;

// Marks the wake-up eventfd in epoll data; no IoHandler lives at this address.
IoHandler* const kWakeMarker = nullptr;

}  // namespace

EventLoop::EventLoop() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) throw std::runtime_error("cannot create event loop");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = kWakeMarker;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
  now_ = Clock::now();
}

EventLoop::~EventLoop() {
  destroy_retired();
  close(wake_fd_);
  close(epoll_fd_);
}

bool EventLoop::watch(int fd, IoHandler* handler) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.ptr = handler;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
}

bool EventLoop::watch_readable(int fd, IoHandler* handler) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = handler;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
}

void EventLoop::unwatch(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::run() {
  epoll_event events[kMaxEvents];
  while (!stopping_) {
    int wait = timers_.wait_ms(now_);
    if (!retired_.empty() || !ready_.empty()) wait = 0;
    int count = epoll_wait(epoll_fd_, events, kMaxEvents, wait);
    now_ = Clock::now();
    for (int i = 0; i < count; ++i) {
      auto* handler = static_cast<IoHandler*>(events[i].data.ptr);
      if (handler == kWakeMarker) {
        drain_posted();
        continue;
      }
      handler->on_io(events[i].events);
    }
    timers_.expire(now_);
    run_ready();
    destroy_retired();
  }
}

void EventLoop::run_ready() {
  running_.swap(ready_);
  for (std::size_t i = 0; i < running_.size(); ++i) {
    if (running_[i] != nullptr) running_[i]->on_io(0);
  }
  running_.clear();
}

void EventLoop::unschedule(IoHandler* handler) {
  for (auto* list : {&ready_, &running_}) {
    for (IoHandler*& entry : *list) {
      if (entry == handler) entry = nullptr;
    }
  }
}

void EventLoop::stop() {
  std::lock_guard lock(posted_mutex_);
  stop_requested_ = true;
  std::uint64_t one = 1;
  [[maybe_unused]] auto written = write(wake_fd_, &one, sizeof one);
}

void EventLoop::post(std::function<void()> task) {
  std::lock_guard lock(posted_mutex_);
  posted_.push_back(std::move(task));
  std::uint64_t one = 1;
  [[maybe_unused]] auto written = write(wake_fd_, &one, sizeof one);
}

void EventLoop::drain_posted() {
  std::uint64_t value = 0;
  [[maybe_unused]] auto got = read(wake_fd_, &value, sizeof value);
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(posted_mutex_);
    tasks.swap(posted_);
    if (stop_requested_) stopping_ = true;
  }
  for (auto& task : tasks) task();
}

void EventLoop::destroy_retired() {
  // Deleting may retire more objects; loop until none remain.
  while (!retired_.empty()) {
    std::vector<Deferrable*> batch;
    batch.swap(retired_);
    for (Deferrable* object : batch) delete object;
  }
}

}  // namespace yoke
