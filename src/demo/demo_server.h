#pragma once
// The demo backend's single-threaded epoll loop: listening sockets for every backend, their
// connections, per-response delay timers and SIGTERM/SIGINT.
#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "demo/demo_backend.h"
#include "demo/demo_connection.h"
#include "demo/demo_flags.h"

namespace yoke::demo {

class DemoServer {
 public:
  DemoServer();
  ~DemoServer();
  DemoServer(const DemoServer&) = delete;
  DemoServer& operator=(const DemoServer&) = delete;

  // Binds every backend and prints "listening NAME HOST:PORT" for each (flushed), so a harness
  // can learn ports the kernel picked. Returns false and fills error on failure.
  bool listen(const std::vector<BackendSpec>& specs, std::string& error);
  // Serves until SIGTERM or SIGINT; returns the exit code.
  int run();

 private:
  struct Timer {
    std::int64_t due_ms;
    int fd;
    std::uint64_t serial;
    bool operator>(const Timer& other) const { return due_ms > other.due_ms; }
  };

  void accept_all(DemoBackend& backend);
  bool open_agent(DemoBackend& backend, const BackendSpec& spec, std::string& error);
  void accept_agents(DemoBackend& backend);
  void drain_agent_connection(int fd);
  void dispatch(int fd, std::uint32_t events);
  void settle(int fd, DemoConnection::Outcome outcome);
  void close_connection(int fd);
  void fire_due_timers();
  int next_timeout_ms() const;

  int epoll_fd_ = -1;
  int signal_fd_ = -1;
  bool stopping_ = false;
  std::uint64_t next_serial_ = 1;
  std::vector<std::unique_ptr<DemoBackend>> backends_;
  std::vector<DemoBackend*> listener_by_fd_;
  std::vector<DemoBackend*> agent_listener_by_fd_;
  std::vector<bool> agent_connection_by_fd_;  // answered agent checks waiting for the peer's FIN
  std::vector<std::unique_ptr<DemoConnection>> connections_;  // indexed by fd
  std::vector<std::uint32_t> registered_events_;              // indexed by fd
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  std::vector<char> scratch_;
};

}  // namespace yoke::demo
