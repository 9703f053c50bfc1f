#include "admin/admin_server.h"

#include <sys/socket.h>

#include <cerrno>

#include "admin/admin_connection.h"
#include "yoke/core/socket.h"
#include "yoke/observe/error_log.h"

namespace yoke::admin {
namespace {
// Operators and a scraper or two: a few connections are plenty, and the bound keeps a
// misbehaving client from taking the process's descriptors.
constexpr std::size_t kMaxConnections = 64;
constexpr int kBacklog = 64;
constexpr Milliseconds kAcceptPause{100};
}  // namespace

// Accepts on the (level-triggered) listener. Out of descriptors, accept() would fail at once
// on every iteration: the acceptor then stops watching for 100 ms, as the workers' listeners do.
class AdminServer::Acceptor final : public IoHandler, public TimerHandler {
 public:
  explicit Acceptor(AdminServer& server) : server_(server) { pause_.bind(this); }
  void on_io(std::uint32_t /*events*/) override { server_.accept_ready(); }
  void on_timer(Timer& /*timer*/) override {
    if (server_.listen_fd_ >= 0) server_.loop_.watch_readable(server_.listen_fd_, this);
  }
  void pause() {
    server_.loop_.unwatch(server_.listen_fd_);
    server_.loop_.arm(pause_, kAcceptPause);
  }
  Timer pause_;

 private:
  AdminServer& server_;
};

AdminServer::AdminServer(SocketAddress address, AdminRouter router)
    : address_(address),
      router_(std::move(router)),
      acceptor_(std::make_unique<Acceptor>(*this)),
      scratch_head_(std::make_unique<http1::RequestHead>()) {}

AdminServer::~AdminServer() { stop(); }

bool AdminServer::open(std::string& error) {
  // SO_REUSEPORT: during a binary upgrade (cli/upgrade.h) the new process opens its own admin
  // listener while the old one still has its own.
  listen_fd_ = open_listener(address_, true, kBacklog, error);
  if (listen_fd_ < 0) {
    error = "admin listener: " + error;
    return false;
  }
  if (!loop_.watch_readable(listen_fd_, acceptor_.get())) {
    error = "admin listener: cannot watch " + address_.to_string();
    return false;
  }
  return true;
}

void AdminServer::start() {
  thread_ = std::thread([this] { loop_.run(); });
  observe::log_line(observe::LogLevel::kNotice, "admin listener on " + address_.to_string());
}

void AdminServer::stop() {
  if (thread_.joinable()) {
    loop_.stop();
    thread_.join();
  }
  // The thread has ended: its connections can be closed from here.
  for (AdminConnection* connection : connections_) delete connection;
  connections_.clear();
  acceptor_->pause_.cancel();
  if (listen_fd_ >= 0) {
    loop_.unwatch(listen_fd_);
    close_fd(listen_fd_);
    listen_fd_ = -1;
  }
}

void AdminServer::accept_ready() {
  for (int i = 0; i < kBacklog; ++i) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) acceptor_->pause();
      return;
    }
    if (connections_.size() >= kMaxConnections) {
      close_fd(fd);
      continue;
    }
    auto* connection = new AdminConnection(*this, fd);
    if (!connection->start()) {
      delete connection;
      continue;
    }
    connections_.insert(connection);
  }
}

}  // namespace yoke::admin
