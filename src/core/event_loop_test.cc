// The EventLoop contract, run once per Poller backend: what a handler is told and when.
// Sockets are AF_UNIX socketpairs; each test drives the loop until its handler stops it, with a
// guard timer so that a lost wake-up fails instead of hanging.
#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "core/event_loop_test_util.h"

namespace yoke {
namespace {

using testing::after_iterations;
using testing::drain;
using testing::EventLoopTest;
using testing::Recorder;
using testing::send_text;
using testing::SocketPair;

TEST_P(EventLoopTest, ReportsTheBackendItRunsOn) { EXPECT_EQ(loop().poller_kind(), GetParam()); }

TEST_P(EventLoopTest, ReportsWritableAtOnceThenReadable) {
  SocketPair pair;
  Recorder handler;
  handler.react = [&](std::uint32_t mask) {
    if (mask & EPOLLOUT && handler.count_with(EPOLLIN) == 0) send_text(pair.peer, "ping");
    if (mask & EPOLLIN) {
      EXPECT_EQ(drain(pair.local), "ping");
      loop().stop();
    }
  };
  ASSERT_TRUE(loop().watch(pair.local, &handler));
  run();
  ASSERT_FALSE(handler.events.empty());
  EXPECT_TRUE(handler.events.front() & EPOLLOUT);
  EXPECT_EQ(handler.count_with(EPOLLIN), 1);
  loop().unwatch(pair.local);
}

// Edge-triggered: bytes left unread are not reported again; new bytes are.
TEST_P(EventLoopTest, UnreadBytesAreNotReportedTwice) {
  SocketPair pair;
  send_text(pair.peer, "first");
  Recorder handler;
  ASSERT_TRUE(loop().watch(pair.local, &handler));
  after_iterations(loop(), 5, [&] {
    EXPECT_EQ(handler.count_with(EPOLLIN), 1);
    send_text(pair.peer, "second");
    after_iterations(loop(), 5, [&] { loop().stop(); });
  });
  run();
  EXPECT_EQ(handler.count_with(EPOLLIN), 2);
  EXPECT_EQ(drain(pair.local), "firstsecond");
  loop().unwatch(pair.local);
}

// Edge-triggered writes: after EAGAIN, EPOLLOUT comes once the peer makes room.
TEST_P(EventLoopTest, WritableAgainAfterThePeerDrains) {
  SocketPair pair;
  std::string block(65536, 'x');
  while (write(pair.local, block.data(), block.size()) > 0) {
  }
  ASSERT_EQ(errno, EAGAIN);
  Recorder handler;
  ASSERT_TRUE(loop().watch(pair.local, &handler));
  after_iterations(loop(), 3, [&] {
    handler.events.clear();
    handler.react = [&](std::uint32_t mask) {
      if (mask & EPOLLOUT) loop().stop();
    };
    drain(pair.peer);
  });
  run();
  EXPECT_EQ(handler.count_with(EPOLLOUT), 1);
  loop().unwatch(pair.local);
}

TEST_P(EventLoopTest, ReportsThePeerClosing) {
  SocketPair pair;
  Recorder handler;
  handler.react = [&](std::uint32_t mask) {
    if (mask & EPOLLRDHUP) loop().stop();
  };
  ASSERT_TRUE(loop().watch(pair.local, &handler));
  close(pair.peer);
  pair.peer = -1;
  run();
  EXPECT_EQ(handler.count_with(EPOLLRDHUP), 1);
  EXPECT_EQ(handler.count_with(EPOLLIN), 1);
  loop().unwatch(pair.local);
}

// Level-triggered (listeners): told every iteration while readable, then no more.
TEST_P(EventLoopTest, ReadableWatchIsLevelTriggered) {
  SocketPair pair;
  send_text(pair.peer, "backlog");
  Recorder handler;
  handler.react = [&](std::uint32_t /*mask*/) {
    if (handler.events.size() == 3) {
      EXPECT_EQ(drain(pair.local), "backlog");
    }
  };
  ASSERT_TRUE(loop().watch_readable(pair.local, &handler));
  after_iterations(loop(), 10, [&] { loop().stop(); });
  run();
  EXPECT_EQ(handler.count_with(EPOLLIN), 3);
  loop().unwatch(pair.local);
}

// A handler closing another socket whose readiness was fetched in the same batch, and watching
// a replacement socket (on io_uring it takes the freed slot): the closed socket's handler is
// retired and never called once destroyed (epoll may still call it in that iteration, while it
// is alive; io_uring drops the event), and the replacement hears only of its own readiness.
TEST_P(EventLoopTest, UnwatchedHandlerIsNeverCalledAfterItIsDestroyed) {
  struct Closing final : IoHandler, Deferrable {
    EventLoop* loop = nullptr;
    int fd = -1;
    Closing* other = nullptr;
    std::vector<std::string>* log = nullptr;
    std::string name;
    std::function<void()> replace;
    ~Closing() override { log->push_back("~" + name); }
    void on_io(std::uint32_t /*events*/) override {
      log->push_back(name);
      if (other == nullptr) return;
      other->other = nullptr;
      loop->unwatch(other->fd);
      close(other->fd);
      loop->retire(other);
      other = nullptr;
      replace();
    }
  };
  SocketPair a;
  SocketPair b;
  SocketPair replacement;
  send_text(replacement.peer, "r");
  Recorder replacement_handler;
  std::vector<std::string> log;
  auto* first = new Closing;
  auto* second = new Closing;
  first->loop = second->loop = &loop();
  first->log = second->log = &log;
  first->name = "a";
  second->name = "b";
  first->fd = a.local;
  second->fd = b.local;
  first->other = second;
  second->other = first;
  first->replace =
      second->replace = [&] { ASSERT_TRUE(loop().watch(replacement.local, &replacement_handler)); };
  send_text(a.peer, "x");
  send_text(b.peer, "x");
  ASSERT_TRUE(loop().watch(a.local, first));
  ASSERT_TRUE(loop().watch(b.local, second));
  a.local = b.local = -1;  // closed by the handlers
  after_iterations(loop(), 5, [&] { loop().stop(); });
  run();
  // Exactly one was destroyed; nothing of it was logged after its destruction.
  ASSERT_EQ(std::count(log.begin(), log.end(), "~a") + std::count(log.begin(), log.end(), "~b"), 1);
  std::string dead = std::find(log.begin(), log.end(), "~a") != log.end() ? "a" : "b";
  auto destroyed = std::find(log.begin(), log.end(), "~" + dead);
  EXPECT_EQ(std::find(destroyed, log.end(), dead), log.end());
  EXPECT_EQ(replacement_handler.count_with(EPOLLIN), 1);
  loop().unwatch(replacement.local);
  Closing* survivor = dead == "a" ? second : first;
  loop().unwatch(survivor->fd);
  close(survivor->fd);
  delete survivor;
}

// An fd unwatched and closed with readiness pending, then its number reused by a new socket:
// completions of the old registration must not reach the new handler (or the old one).
// unwatch_closing() is nothing at all on epoll: the kernel drops a closed file's registration.
void expect_reused_fd_reaches_only_new_handler(EventLoopTest& test, bool closing) {
  EventLoop& loop = test.loop();
  auto forget = [&loop, closing](int fd) {
    if (closing) {
      loop.unwatch_closing(fd);
    } else {
      loop.unwatch(fd);
    }
  };
  SocketPair old_pair;
  Recorder old_handler;
  ASSERT_TRUE(loop.watch(old_pair.local, &old_handler));
  int number = old_pair.local;
  Recorder new_handler;
  SocketPair* new_pair = nullptr;
  after_iterations(loop, 2, [&] {
    send_text(old_pair.peer, "late");  // readiness the old registration may still report
    forget(old_pair.local);
    close(old_pair.local);
    old_pair.local = -1;
    old_handler.events.clear();
    new_pair = new SocketPair;  // takes the lowest free number: the one just closed
    EXPECT_EQ(new_pair->local, number);
    ASSERT_TRUE(loop.watch(new_pair->local, &new_handler));
    send_text(new_pair->peer, "new");
    after_iterations(loop, 5, [&] { loop.stop(); });
  });
  test.run();
  EXPECT_TRUE(old_handler.events.empty());
  EXPECT_EQ(new_handler.count_with(EPOLLIN), 1);
  ASSERT_NE(new_pair, nullptr);
  EXPECT_EQ(drain(new_pair->local), "new");
  forget(new_pair->local);
  delete new_pair;
}

TEST_P(EventLoopTest, ReusedFdNumberOnlyReachesTheNewHandler) {
  expect_reused_fd_reaches_only_new_handler(*this, false);
}

TEST_P(EventLoopTest, ReusedFdNumberAfterUnwatchClosingOnlyReachesTheNewHandler) {
  expect_reused_fd_reaches_only_new_handler(*this, true);
}

TEST_P(EventLoopTest, PostAndStopFromAnotherThread) {
  int ran = 0;  // touched only on the loop's thread
  std::thread runner([&] { loop().run(); });
  for (int i = 0; i < 100; ++i) loop().post([&ran] { ++ran; });
  std::atomic<bool> checked{false};
  loop().post([&] { checked = ran == 100; });
  loop().stop();
  runner.join();
  EXPECT_TRUE(checked);
  EXPECT_EQ(ran, 100);
}

// stop() alone wakes a loop that waits with no timer armed.
TEST_P(EventLoopTest, StopWakesAnIdleLoop) {
  std::atomic<bool> started{false};
  std::thread runner([&] {
    loop().post([&] { started = true; });
    loop().run();
  });
  while (!started) std::this_thread::yield();
  loop().stop();
  runner.join();
  SUCCEED();
}

TEST_P(EventLoopTest, TimerEndsTheWait) {
  struct Stopper final : TimerHandler {
    EventLoop* loop = nullptr;
    int fired = 0;
    void on_timer(Timer& /*timer*/) override {
      ++fired;
      loop->stop();
    }
  } stopper;
  stopper.loop = &loop();
  Timer timer;
  timer.bind(&stopper);
  TimePoint start = Clock::now();
  loop().arm(timer, Milliseconds(20));
  run();
  EXPECT_EQ(stopper.fired, 1);
  EXPECT_GE(Clock::now() - start, Milliseconds(20));
}

TEST_P(EventLoopTest, ScheduledHandlerRunsAfterTheBatch) {
  Recorder handler;
  handler.react = [&](std::uint32_t mask) {
    if (mask == 0) loop().stop();
  };
  loop().post([&] { loop().schedule(&handler); });
  run();
  ASSERT_EQ(handler.events.size(), 1u);
  EXPECT_EQ(handler.events[0], 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventLoopTest,
                         ::testing::Values(PollerKind::kEpoll, PollerKind::kIoUring),
                         testing::backend_name);

}  // namespace
}  // namespace yoke
