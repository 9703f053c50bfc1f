#pragma once
// The admin listener: a small, strict HTTP/1.1 server (GET and HEAD; docs/configuration.md,
// "Admin listener") on a thread of its own with its own EventLoop, so that scrapes and, later,
// API calls never run on a worker and a slow admin client never delays a request.
// open() and start() on the main thread; stop() from any thread; everything else runs on the
// admin thread.
#include <memory>
#include <string>
#include <thread>
#include <unordered_set>

#include "admin/admin_router.h"
#include "yoke/core/event_loop.h"
#include "yoke/core/socket_address.h"
#include "yoke/http1/message.h"

namespace yoke::admin {

class AdminConnection;

class AdminServer {
 public:
  AdminServer(SocketAddress address, AdminRouter router);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Binds and listens on the calling thread, so that a busy address stops Yoke at start.
  // Returns false with error set.
  bool open(std::string& error);
  // Starts the admin thread (after open()).
  void start();
  // Thread-safe and idempotent: ends the thread and closes every admin connection.
  void stop();

  // Admin thread.
  EventLoop& loop() { return loop_; }
  const AdminRouter& router() const { return router_; }
  http1::RequestHead& scratch_head() { return *scratch_head_; }
  void forget(AdminConnection* connection) { connections_.erase(connection); }

 private:
  class Acceptor;
  void accept_ready();

  SocketAddress address_;
  AdminRouter router_;
  EventLoop loop_;
  int listen_fd_ = -1;
  std::unique_ptr<Acceptor> acceptor_;
  std::unique_ptr<http1::RequestHead> scratch_head_;  // one parse at a time on this thread
  std::unordered_set<AdminConnection*> connections_;
  std::thread thread_;
};

}  // namespace yoke::admin
