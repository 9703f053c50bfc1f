#pragma once
// One worker's listening socket for one `listen` address. With SO_REUSEPORT every worker has
// its own socket and the kernel spreads new connections, so accepting needs no lock and no
// thundering herd (as nginx's "listen … reuseport").
#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "yoke/core/event_loop.h"
#include "yoke/core/socket_address.h"
#include "yoke/core/timer.h"
#include "yoke/observe/line_throttle.h"
#include "yoke/observe/worker_metrics.h"
#include "yoke/router/route_table.h"

namespace yoke::proxy {

class Worker;

class Listener final : public IoHandler, public TimerHandler {
 public:
  Listener(Worker& worker, std::size_t index, int fd, const SocketAddress& address)
      : worker_(worker), index_(index), fd_(fd), address_(address) {
    resume_timer_.bind(this);
  }
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  void on_io(std::uint32_t events) override;
  // Resumes accepting after a pause for lack of file descriptors.
  void on_timer(Timer& timer) override;
  // Stops accepting: closes the socket (the kernel refuses new connections once every
  // worker's socket for the address is closed).
  void close();

  int fd() const { return fd_; }
  const SocketAddress& address() const { return address_; }
  // A reload kept this socket; index is its position in the new generation's listeners.
  void set_index(std::size_t index) { index_ = index; }

 private:
  Worker& worker_;
  std::size_t index_;
  int fd_;
  SocketAddress address_;
  Timer resume_timer_;
  bool paused_ = false;
  observe::LineThrottle refusal_log_;

  void pause_accepting();
  // worker_connections, the deny list, limit_accept and max_conns, in that order; closes fd
  // and returns true when one of them refuses the connection.
  bool refuse(int fd, const SocketAddress& peer);
  bool over_accept_rate(const router::AcceptLimit& limit, const SocketAddress& peer);
  static bool take_connection_slot(std::atomic<std::int64_t>& open, int max_conns);
  void reject(int fd, observe::RejectReason reason, int max_conns);
};

}  // namespace yoke::proxy
