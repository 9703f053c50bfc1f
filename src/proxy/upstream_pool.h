#pragma once
// The keep-alive pool of idle upstream connections of one worker, per upstream host
// (nginx's "keepalive N" in ngx_http_upstream_keepalive_module keeps up to N idle connections
// per worker and upstream; this keeps up to N per upstream, most recently used first).
// A pooled connection stays registered with epoll: if the server closes it while idle, the
// event arrives and the connection is dropped before anyone tries to reuse it.
#include <cstddef>
#include <vector>

#include "upstream_connection.h"
#include "yoke/observe/metric_cells.h"

namespace yoke::proxy {

class UpstreamPool {
 public:
  UpstreamPool(std::size_t host_count, int capacity, Milliseconds idle_timeout)
      : heads_(host_count, nullptr), capacity_(capacity), idle_timeout_(idle_timeout) {}
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;
  ~UpstreamPool() { close_all(); }

  // An idle connection to host made for pool_key (UpstreamConnection::pool_key: plain HTTP or
  // one TLS profile), removed from the pool, or nullptr. The most recent one that matches: with
  // one kind of connection per host (the usual case) that is the first.
  UpstreamConnection* take(std::size_t host_index, std::size_t pool_key);
  // Puts connection back (most recently used first); closes it instead when the pool is full
  // or keep-alive is off. loop arms the idle timeout.
  void put(UpstreamConnection* connection, EventLoop& loop);
  // Removes connection (it was closed while idle).
  void remove(UpstreamConnection* connection);
  void close_all();
  int idle_count() const { return idle_; }
  // Mirrors the idle count into gauge (yoke_upstream_connections_idle); may be null.
  void count_idle_in(observe::Gauge* gauge) { idle_gauge_ = gauge; }

 private:
  std::vector<UpstreamConnection*> heads_;
  int capacity_;
  Milliseconds idle_timeout_;
  int idle_ = 0;
  observe::Gauge* idle_gauge_ = nullptr;
  void publish_idle() {
    if (idle_gauge_ != nullptr) idle_gauge_->set(idle_);
  }
};

}  // namespace yoke::proxy
