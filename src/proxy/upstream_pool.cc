#include "upstream_pool.h"

namespace yoke::proxy {

UpstreamConnection* UpstreamPool::take(std::size_t host_index, std::size_t pool_key) {
  UpstreamConnection* connection = heads_[host_index];
  while (connection != nullptr && connection->pool_key() != pool_key) {
    connection = connection->pool_next;
  }
  if (connection == nullptr) return nullptr;
  remove(connection);
  return connection;
}

void UpstreamPool::put(UpstreamConnection* connection, EventLoop& loop) {
  if (idle_ >= capacity_) {
    connection->close();
    return;
  }
  UpstreamConnection*& head = heads_[connection->host().index];
  connection->pool_prev = nullptr;
  connection->pool_next = head;
  if (head != nullptr) head->pool_prev = connection;
  head = connection;
  ++idle_;
  publish_idle();
  // Readiness seen while busy is stale now; new events will say if the server closes.
  connection->readable = false;
  loop.arm(connection->idle_timer, idle_timeout_);
}

void UpstreamPool::remove(UpstreamConnection* connection) {
  UpstreamConnection*& head = heads_[connection->host().index];
  if (connection->pool_prev != nullptr) {
    connection->pool_prev->pool_next = connection->pool_next;
  } else if (head == connection) {
    head = connection->pool_next;
  } else {
    return;  // not pooled
  }
  if (connection->pool_next != nullptr) connection->pool_next->pool_prev = connection->pool_prev;
  connection->pool_prev = connection->pool_next = nullptr;
  connection->idle_timer.cancel();
  --idle_;
  publish_idle();
}

void UpstreamPool::close_all() {
  for (UpstreamConnection*& head : heads_) {
    while (head != nullptr) {
      UpstreamConnection* connection = head;
      remove(connection);
      connection->close();
    }
  }
}

}  // namespace yoke::proxy
