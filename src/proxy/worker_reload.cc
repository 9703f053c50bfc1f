// A worker's side of a configuration reload (docs/architecture.md, "Reload"): the main thread
// built the new generation and opened the sockets of new listen addresses; here, on the worker
// thread, the worker switches to it between events.
#include <algorithm>

#include "client_connection.h"
#include "listener.h"
#include "worker.h"
#include "yoke/core/socket.h"
#include "yoke/observe/error_log.h"

namespace yoke::proxy {

void Worker::request_reload(WorkerGenerationPtr next, std::vector<int> opened) {
  loop_.post([this, next = std::move(next), opened = std::move(opened)]() mutable {
    if (stopping_) {  // a stop won the race: the new sockets are not needed
      for (int fd : opened) {
        if (fd >= 0) close_fd(fd);
      }
      return;
    }
    adopt(std::move(next), opened);
  });
}

void Worker::adopt(WorkerGenerationPtr next, const std::vector<int>& opened) {
  // Tickets issued before the reload keep resuming (tls/ticket_key_ring.h).
  next->tls().carry_over_ticket_keys(current_->tls());
  // Sockets of addresses that stay are kept, never rebound: connections waiting in their
  // accept queues are not lost. The others close (the kernel resets what waits in their
  // queue only once every worker closed its socket).
  std::vector<std::unique_ptr<Listener>> previous = std::move(listeners_);
  listeners_.clear();
  const auto& specs = next->routes().listeners();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const SocketAddress& address = specs[i].listen.address;
    auto kept = std::find_if(previous.begin(), previous.end(), [&](const auto& listener) {
      return listener != nullptr && listener->address() == address;
    });
    std::string error;
    if (kept != previous.end()) {
      (*kept)->set_index(i);
      listeners_.push_back(std::move(*kept));
    } else if (i < opened.size() && opened[i] >= 0) {
      if (!watch_listener(std::make_unique<Listener>(*this, i, opened[i], address), error)) {
        observe::log_line(observe::LogLevel::kError,
                          "worker " + std::to_string(id_) + ": " + error);
      }
    }
  }
  previous.clear();  // listeners of removed addresses close here
  current_->retire();
  current_ = std::move(next);
  for (ClientConnection* connection = connections_; connection != nullptr;) {
    ClientConnection* following = connection->list_next;
    connection->on_reload();
    connection = following;
  }
  open_log_files();
}

}  // namespace yoke::proxy
