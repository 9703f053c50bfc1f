#pragma once
// The readiness backend under an EventLoop: it registers sockets, waits, and calls their
// handlers. One implementation per file in src/core/ (epoll_poller.cc, io_uring_poller.cc);
// both give handlers the same contract, so nothing above the loop knows which one runs.
// Single-threaded: every method is for the owning loop's thread (construction and
// destruction may happen on another thread while the loop is not running).
#include <cstdint>
#include <memory>
#include <string>

#include "yoke/core/poller_kind.h"

namespace yoke {

class IoHandler {
 public:
  // events: EPOLLIN / EPOLLOUT / EPOLLERR / EPOLLHUP / EPOLLRDHUP bits; 0 from
  // EventLoop::schedule.
  virtual void on_io(std::uint32_t events) = 0;

 protected:
  ~IoHandler() = default;
};

class Poller {
 public:
  virtual ~Poller() = default;

  // Registers fd for EPOLLIN | EPOLLOUT | EPOLLRDHUP, edge-triggered: on_io is called when the
  // socket becomes ready (including at once if it already is), then not again until new
  // readiness arrives, so the handler reads and writes until EAGAIN. Returns false (errno set)
  // on failure. handler is not owned and must stay alive until unwatch.
  virtual bool watch(int fd, IoHandler* handler) = 0;
  // Registers fd for level-triggered readability (listening sockets, eventfd): on_io(EPOLLIN)
  // is called every iteration while fd stays readable.
  virtual bool watch_readable(int fd, IoHandler* handler) = 0;
  // Forgets fd; must come before close(fd). Readiness already fetched in this iteration may
  // still be delivered (EventLoop defers deletions to the end of the iteration for that), never
  // later. Unknown fds are ignored.
  virtual void unwatch(int fd) = 0;
  // unwatch() for an fd that is closed right after: a backend whose registrations die with
  // the file may skip the work. Same guarantees as unwatch().
  virtual void unwatch_closing(int fd) { unwatch(fd); }

  // Blocks up to timeout_ms (-1: no bound, 0: do not block) until something is ready, and
  // fetches it. Also pushes out registrations made since the last call.
  virtual void wait(int timeout_ms) = 0;
  // Calls on_io for what wait() fetched.
  virtual void dispatch() = 0;

  virtual PollerKind kind() const = 0;
};

// A backend of the given kind, or null with error set (e.g. "io_uring_queue_init_params:
// Operation not permitted" when io_uring is disabled). Call on any thread; the result then
// belongs to one loop.
std::unique_ptr<Poller> make_poller(PollerKind kind, std::string& error);

}  // namespace yoke
