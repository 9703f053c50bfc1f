#pragma once
// The epoll(7) backend: sockets edge-triggered for both directions, registered once (nginx's
// ngx_epoll_module does the same), listeners and the wake-up eventfd level-triggered.
#include <sys/epoll.h>

#include <array>
#include <memory>
#include <string>

#include "yoke/core/poller.h"

namespace yoke {

class EpollPoller final : public Poller {
 public:
  // Null with error set if epoll_create1 fails.
  static std::unique_ptr<Poller> create(std::string& error);
  ~EpollPoller() override;
  EpollPoller(const EpollPoller&) = delete;
  EpollPoller& operator=(const EpollPoller&) = delete;

  bool watch(int fd, IoHandler* handler) override;
  bool watch_readable(int fd, IoHandler* handler) override;
  void unwatch(int fd) override;
  void unwatch_closing(int fd) override;
  void wait(int timeout_ms) override;
  void dispatch() override;
  PollerKind kind() const override { return PollerKind::kEpoll; }

 private:
  static constexpr int kMaxEvents = 512;

  explicit EpollPoller(int epoll_fd) : epoll_fd_(epoll_fd) {}
  bool add(int fd, IoHandler* handler, std::uint32_t events);

  int epoll_fd_;
  int count_ = 0;  // events fetched by the last wait()
  std::array<epoll_event, kMaxEvents> events_{};
};

}  // namespace yoke
