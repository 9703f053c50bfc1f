#pragma once
// One worker's reactor: readiness from a Poller backend (epoll by default, or io_uring), edge-
// triggered: a socket is registered once for both directions and never modified again, so a
// request costs no registration calls (nginx's ngx_epoll_module does the same). Handlers
// remember readiness and read/write until EAGAIN.
// Single-threaded: every method except post() and stop() is for the loop's own thread, and
// run() is always called on the same thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "yoke/core/clock.h"
#include "yoke/core/poller.h"
#include "yoke/core/timer.h"

namespace yoke {

// An object whose destruction is deferred to the end of the current loop iteration, so that
// events already fetched for it in the same batch still find it alive (they are ignored).
class Deferrable {
 public:
  virtual ~Deferrable() = default;
};

class EventLoop {
 public:
  // On epoll; throws std::runtime_error if the kernel refuses.
  EventLoop();
  // On the given backend (from make_poller, not null).
  explicit EventLoop(std::unique_ptr<Poller> poller);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers fd for EPOLLIN | EPOLLOUT | EPOLLRDHUP, edge-triggered. Returns false (errno set)
  // on failure.
  bool watch(int fd, IoHandler* handler) { return poller_->watch(fd, handler); }
  // Registers fd for level-triggered readability only (listening sockets, eventfd).
  bool watch_readable(int fd, IoHandler* handler) { return poller_->watch_readable(fd, handler); }
  // Must come before close(fd): see Poller::unwatch.
  void unwatch(int fd) { poller_->unwatch(fd); }
  // unwatch() when fd is closed right after (epoll needs no system call then).
  void unwatch_closing(int fd) { poller_->unwatch_closing(fd); }
  PollerKind poller_kind() const { return poller_->kind(); }

  // Runs until stop(). Each iteration: wait, refresh now(), dispatch events, run posted tasks,
  // expire timers, destroy retired objects.
  void run();
  // Thread-safe: makes run() return after the current iteration.
  void stop();
  // Thread-safe: runs task on the loop's thread soon.
  void post(std::function<void()> task);

  TimePoint now() const { return now_; }
  TimerQueue& timers() { return timers_; }
  void arm(Timer& timer, Milliseconds duration) { timers_.arm(timer, duration, now_); }
  // Calls handler->on_io(0) after this iteration's events: for a handler that stopped early
  // for fairness while its sockets were still ready. Edge-triggered readiness would not report
  // those sockets again, so without this the transfer would stall (nginx's posted events).
  void schedule(IoHandler* handler) { ready_.push_back(handler); }
  // Removes handler from the scheduled calls (it is being closed).
  void unschedule(IoHandler* handler);

  // Takes ownership of object and deletes it at the end of this iteration.
  void retire(Deferrable* object) { retired_.push_back(object); }

 private:
  // Runs posted tasks when another thread writes the eventfd.
  class WakeHandler final : public IoHandler {
   public:
    explicit WakeHandler(EventLoop& loop) : loop_(loop) {}
    void on_io(std::uint32_t /*events*/) override { loop_.drain_posted(); }

   private:
    EventLoop& loop_;
  };

  void drain_posted();
  void run_ready();
  void destroy_retired();

  std::unique_ptr<Poller> poller_;
  int wake_fd_ = -1;
  WakeHandler wake_handler_{*this};
  bool stopping_ = false;
  TimePoint now_{};
  TimerQueue timers_;
  std::vector<Deferrable*> retired_;
  std::vector<IoHandler*> ready_;
  std::vector<IoHandler*> running_;
  std::mutex posted_mutex_;  // only guards cross-thread posts, never taken per request
  std::vector<std::function<void()>> posted_;
  bool stop_requested_ = false;
};

}  // namespace yoke
