#pragma once
// Binary upgrade (`yoke -s upgrade -c FILE`; docs/architecture.md, "Binary upgrade"): a new
// `yoke` process takes over the running one's listening sockets without a connection being
// refused or lost, then the old one drains and exits.
// 1. The new process (InheritedListeners::receive) listens on the Unix socket PID_FILE.upgrade,
//    sends SIGUSR2 to the pid in PID_FILE and waits.
// 2. The old process (UpgradeHandoff, on SIGUSR2) connects and sends a duplicate of every
//    worker's listening socket (SCM_RIGHTS), and keeps accepting meanwhile.
// 3. The new process starts its workers on those very sockets (the accept queues are the same
//    kernel objects, so nothing queued is lost, unlike binding new SO_REUSEPORT sockets and
//    closing the old ones), writes the pid file and confirms.
// 4. On the confirmation the old process stops gracefully (SIGTERM to itself): its workers close
//    their copies and drain. Without a confirmation it keeps serving.
// The old process never forks (workers run; docs/architecture.md, "Edge-triggered readiness").
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "proxy/worker.h"
#include "yoke/core/socket_address.h"

namespace yoke::cli {

// The new process's side. Main thread.
class InheritedListeners {
 public:
  InheritedListeners() = default;
  ~InheritedListeners();
  InheritedListeners(const InheritedListeners&) = delete;
  InheritedListeners& operator=(const InheritedListeners&) = delete;

  // Steps 1 and 2: false with error when there is no running Yoke to take over from or it did
  // not answer within a few seconds.
  bool receive(const std::string& pid_path, std::string& error);
  // One received socket bound to address (the caller owns it), or -1 when none is left.
  int take(const SocketAddress& address);
  // After each worker took one socket per address: sockets left for addresses the new
  // configuration listens on (the old process had more workers) go to the workers in turn,
  // so that no accept queue is left without a worker. Before the workers run.
  bool hand_out_rest(const router::RouteTable& routes,
                     const std::vector<std::unique_ptr<proxy::Worker>>& workers,
                     std::string& error);
  // Step 3's end: the new workers serve; the old process may stop. Closes sockets nobody took
  // (addresses the new configuration dropped).
  void confirm();

 private:
  bool receive_sockets(int channel, std::string& error);

  std::string path_;
  int channel_ = -1;
  std::vector<std::pair<SocketAddress, int>> sockets_;
};

// The old process's side, started on SIGUSR2. Its thread only talks to the new process and to
// the workers through EventLoop::post.
class UpgradeHandoff {
 public:
  explicit UpgradeHandoff(const std::vector<std::unique_ptr<proxy::Worker>>& workers)
      : workers_(workers) {}
  ~UpgradeHandoff() { join(); }
  UpgradeHandoff(const UpgradeHandoff&) = delete;
  UpgradeHandoff& operator=(const UpgradeHandoff&) = delete;

  // Starts a handoff unless one is running. Main thread.
  void start(const std::string& pid_path);
  // Waits for the handoff thread. Main thread, after the workers ended.
  void join();

 private:
  void run(const std::string& path);
  bool send_sockets(int channel);

  const std::vector<std::unique_ptr<proxy::Worker>>& workers_;
  std::thread thread_;
  std::atomic<bool> running_{false};
};

}  // namespace yoke::cli
