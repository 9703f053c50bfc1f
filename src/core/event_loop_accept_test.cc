// Poller::accept_multishot: the io_uring backend accepts in the kernel; epoll declines, and
// the caller accepts on readiness instead.
#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "core/event_loop_test_util.h"

namespace yoke {
namespace {

using testing::after_iterations;
using testing::EventLoopTest;

class EventLoopAcceptTest : public EventLoopTest {};

// A non-blocking listening socket on 127.0.0.1 and a port the kernel picked.
int listen_on_loopback(sockaddr_in& address) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  address = sockaddr_in{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  EXPECT_EQ(listen(fd, 16), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  return fd;
}

// A connected client (the handshake completes in the listener's backlog).
int connect_to(const sockaddr_in& address) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_EQ(connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  return fd;
}

int open_fd_count() {
  int count = 0;
  DIR* dir = opendir("/proc/self/fd");
  while (readdir(dir) != nullptr) ++count;
  closedir(dir);
  return count;
}

struct Acceptor final : AcceptHandler {
  std::vector<int> accepted;
  std::function<void(int)> react;
  void on_accept(int fd) override {
    accepted.push_back(fd);
    if (react) react(fd);
  }
};

TEST_P(EventLoopAcceptTest, HandsOverEachConnection) {
  sockaddr_in address{};
  int listener = listen_on_loopback(address);
  Acceptor acceptor;
  if (!loop().accept_multishot(listener, &acceptor)) {
    EXPECT_EQ(GetParam(), PollerKind::kEpoll);
    close(listener);
    GTEST_SKIP() << "this backend leaves accepting to the caller";
  }
  std::vector<int> clients = {connect_to(address), connect_to(address)};
  acceptor.react = [&](int /*fd*/) {
    if (acceptor.accepted.size() == 2) loop().stop();
    if (acceptor.accepted.size() == 1) clients.push_back(connect_to(address));  // while armed
  };
  run();
  ASSERT_EQ(acceptor.accepted.size(), 3u);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    ASSERT_GE(acceptor.accepted[i], 0);
    // Each accepted socket is the server end of one of our clients.
    sockaddr_in client{};
    sockaddr_in peer{};
    socklen_t length = sizeof client;
    getsockname(clients[i], reinterpret_cast<sockaddr*>(&client), &length);
    length = sizeof peer;
    ASSERT_EQ(getpeername(acceptor.accepted[i], reinterpret_cast<sockaddr*>(&peer), &length), 0);
    EXPECT_EQ(peer.sin_port, client.sin_port);
    close(acceptor.accepted[i]);
    close(clients[i]);
  }
  loop().unwatch(listener);
  close(listener);
}

// Connections the kernel accepted for a listener that was then unwatched (their completions
// are already in the batch) are closed, not leaked.
TEST_P(EventLoopAcceptTest, ConnectionsAcceptedAfterUnwatchAreClosed) {
  int baseline = open_fd_count();
  sockaddr_in address{};
  int listener = listen_on_loopback(address);
  Acceptor acceptor;
  if (!loop().accept_multishot(listener, &acceptor)) {
    close(listener);
    GTEST_SKIP() << "this backend leaves accepting to the caller";
  }
  std::vector<int> clients = {connect_to(address), connect_to(address), connect_to(address)};
  acceptor.react = [&](int fd) {
    close(fd);
    if (acceptor.accepted.size() > 1) return;
    loop().unwatch(listener);
    close(listener);
    after_iterations(loop(), 3, [&] { loop().stop(); });
  };
  run();
  EXPECT_EQ(acceptor.accepted.size(), 1u);
  for (int client : clients) close(client);
  EXPECT_EQ(open_fd_count(), baseline);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventLoopAcceptTest,
                         ::testing::Values(PollerKind::kEpoll, PollerKind::kIoUring),
                         testing::backend_name);

}  // namespace
}  // namespace yoke
