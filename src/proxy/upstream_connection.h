#pragma once
// One connection from a worker to an upstream host: connecting, busy with one exchange, or
// idle in the worker's keep-alive pool for that host. Worker thread only.
#include <cstdint>

#include "yoke/balancing/host_set.h"
#include "yoke/core/event_loop.h"
#include "yoke/core/timer.h"

namespace yoke::proxy {

class Worker;
class WorkerGeneration;

// Receives the connection's events while an exchange owns it.
class UpstreamOwner {
 public:
  virtual void on_upstream_io(std::uint32_t events) = 0;

 protected:
  ~UpstreamOwner() = default;
};

class UpstreamConnection final : public IoHandler, public TimerHandler, public Deferrable {
 public:
  // generation: the one whose pool and counters this connection uses; it outlives the
  // connection (its pool closes idle connections when it retires or ends, and a busy one
  // belongs to a session whose connection holds the generation).
  UpstreamConnection(Worker& worker, WorkerGeneration& generation, std::size_t upstream,
                     const balancing::Host& host, int fd);
  ~UpstreamConnection() override;

  // Opens a connection to host (non-blocking). nullptr with errno set when socket() or
  // connect() fails at once (e.g. ECONNREFUSED on unix sockets).
  static UpstreamConnection* open(Worker& worker, WorkerGeneration& generation,
                                  std::size_t upstream, const balancing::Host& host);

  void on_io(std::uint32_t events) override;
  void on_timer(Timer& timer) override;

  void attach(UpstreamOwner* owner) { owner_ = owner; }
  // Closes the socket now and frees the object at the end of the loop iteration.
  void close();

  int fd() const { return fd_; }
  const balancing::Host& host() const { return *host_; }
  std::size_t upstream() const { return upstream_; }
  bool connected = false;
  bool readable = false;
  bool hung_up = false;  // EPOLLRDHUP/HUP/ERR seen: read on until EOF (see read_fully())
  bool writable = false;
  bool reused = false;  // this exchange got the connection from the pool
  int requests = 0;     // exchanges completed on this connection
  // Pool links (intrusive, so pooling allocates nothing).
  UpstreamConnection* pool_prev = nullptr;
  UpstreamConnection* pool_next = nullptr;
  Timer idle_timer;

 private:
  Worker& worker_;
  WorkerGeneration& generation_;
  std::size_t upstream_;
  const balancing::Host* host_;
  int fd_;
  UpstreamOwner* owner_ = nullptr;
  bool closed_ = false;
};

}  // namespace yoke::proxy
