#include "upstream_connection.h"

#include <sys/epoll.h>

#include <cerrno>

#include "worker.h"
#include "yoke/core/socket.h"

namespace yoke::proxy {

UpstreamConnection::UpstreamConnection(Worker& worker, WorkerGeneration& generation,
                                       std::size_t upstream, const balancing::Host& host, int fd)
    : worker_(worker), generation_(generation), upstream_(upstream), host_(&host), fd_(fd) {
  idle_timer.bind(this);
}

UpstreamConnection::~UpstreamConnection() { close_fd(fd_); }

UpstreamConnection* UpstreamConnection::open(Worker& worker, WorkerGeneration& generation,
                                             std::size_t upstream, const balancing::Host& host) {
  int fd = start_connect(host.address);
  if (fd < 0) return nullptr;
  auto* connection = new UpstreamConnection(worker, generation, upstream, host, fd);
  if (!worker.loop().watch(fd, connection)) {
    int saved = errno;
    delete connection;
    errno = saved;
    return nullptr;
  }
  generation.metrics().upstream(upstream).connections_created.add();
  return connection;
}

void UpstreamConnection::on_io(std::uint32_t events) {
  if (closed_) return;
  if (owner_ != nullptr) return owner_->on_upstream_io(events);
  // Idle in the pool: any event means the server closed it or sent something unasked (or, on
  // TLS, a session ticket that came after the response).
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    if (ssl_ != nullptr && (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) == 0 &&
        only_tls_messages()) {
      return;
    }
    generation_.upstream(upstream_).pool->remove(this);
    close();
  }
}

void UpstreamConnection::on_timer(Timer& /*timer*/) {
  // keepalive_timeout of an idle pooled connection.
  generation_.upstream(upstream_).pool->remove(this);
  close();
}

void UpstreamConnection::close() {
  if (closed_) return;
  closed_ = true;
  generation_.metrics().upstream(upstream_).connections_closed.add();
  idle_timer.cancel();
  if (ssl_ != nullptr) end_tls();
  worker_.loop().unwatch_closing(fd_);
  close_fd(fd_);
  fd_ = -1;
  worker_.loop().retire(this);
}

}  // namespace yoke::proxy
