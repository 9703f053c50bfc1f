#include "yoke/core/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace yoke {
namespace {

std::unique_ptr<Poller> default_poller() {
  std::string error;
  auto poller = make_poller(PollerKind::kEpoll, error);
  if (poller == nullptr) throw std::runtime_error("cannot create event loop: " + error);
  return poller;
}

}  // namespace

EventLoop::EventLoop() : EventLoop(default_poller()) {}

EventLoop::EventLoop(std::unique_ptr<Poller> poller) : poller_(std::move(poller)) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0 || !poller_->watch_readable(wake_fd_, &wake_handler_)) {
    if (wake_fd_ >= 0) close(wake_fd_);
    throw std::runtime_error("cannot create event loop");
  }
  now_ = Clock::now();
}

EventLoop::~EventLoop() {
  destroy_retired();
  poller_->unwatch(wake_fd_);
  close(wake_fd_);
}

void EventLoop::run() {
  while (!stopping_) {
    int wait = timers_.wait_ms(now_);
    if (!retired_.empty() || !ready_.empty()) wait = 0;
    poller_->wait(wait);
    now_ = Clock::now();
    poller_->dispatch();
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
