#pragma once
// Helpers for the EventLoop tests, which run once per Poller backend.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "yoke/core/event_loop.h"

namespace yoke::testing {

constexpr Milliseconds kGuard{5000};

struct SocketPair {
  int local = -1;
  int peer = -1;
  SocketPair() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    local = fds[0];
    peer = fds[1];
  }
  ~SocketPair() {
    if (local >= 0) close(local);
    if (peer >= 0) close(peer);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
};

inline void send_text(int fd, const std::string& text) {
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

// Reads until EAGAIN; returns what came.
inline std::string drain(int fd) {
  std::string got;
  char chunk[4096];
  ssize_t count = 0;
  while ((count = read(fd, chunk, sizeof chunk)) > 0) got.append(chunk, static_cast<size_t>(count));
  return got;
}

// Records each on_io and runs an optional reaction.
struct Recorder final : IoHandler {
  std::vector<std::uint32_t> events;
  std::function<void(std::uint32_t)> react;
  void on_io(std::uint32_t mask) override {
    events.push_back(mask);
    if (react) react(mask);
  }
  int count_with(std::uint32_t bit) const {
    int count = 0;
    for (auto mask : events) count += (mask & bit) != 0 ? 1 : 0;
    return count;
  }
};

// Fails the test and stops the loop if it is still running after kGuard.
struct Guard final : TimerHandler {
  EventLoop& loop;
  Timer timer;
  explicit Guard(EventLoop& owner) : loop(owner) {
    timer.bind(this);
    loop.arm(timer, kGuard);
  }
  void on_timer(Timer& /*timer*/) override {
    ADD_FAILURE() << "event loop still running after the guard time";
    loop.stop();
  }
};

// Runs f on the loop's thread after `iterations` more loop iterations (each post wakes it).
inline void after_iterations(EventLoop& loop, int iterations, std::function<void()> f) {
  if (iterations == 0) return f();
  loop.post([&loop, iterations, f = std::move(f)] { after_iterations(loop, iterations - 1, f); });
}

class EventLoopTest : public ::testing::TestWithParam<PollerKind> {
 protected:
  void SetUp() override {
    std::string error;
    auto poller = make_poller(GetParam(), error);
    if (poller == nullptr) GTEST_SKIP() << "backend unavailable here: " << error;
    loop_ = std::make_unique<EventLoop>(std::move(poller));
  }

 public:  // for helpers shared by several tests
  EventLoop& loop() { return *loop_; }
  void run() {
    Guard guard(loop());
    loop().run();
  }

 private:
  std::unique_ptr<EventLoop> loop_;
};

// Names instances after their backend: Backends/EventLoopTest.X/io_uring.
inline std::string backend_name(const ::testing::TestParamInfo<PollerKind>& backend) {
  return std::string(poller_name(backend.param));
}

}  // namespace yoke::testing
