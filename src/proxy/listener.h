#pragma once
// One worker's listening socket for one `listen` address. With SO_REUSEPORT every worker has
// its own socket and the kernel spreads new connections, so accepting needs no lock and no
// thundering herd (as nginx's "listen … reuseport").
#include <cstddef>
#include <string>

#include "yoke/core/event_loop.h"
#include "yoke/core/socket_address.h"

namespace yoke::proxy {

class Worker;

class Listener final : public IoHandler {
 public:
  Listener(Worker& worker, std::size_t index, int fd, const SocketAddress& address)
      : worker_(worker), index_(index), fd_(fd), address_(address) {}
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  void on_io(std::uint32_t events) override;
  // Stops accepting: closes the socket (the kernel refuses new connections once every
  // worker's socket for the address is closed).
  void close();

 private:
  Worker& worker_;
  std::size_t index_;
  int fd_;
  SocketAddress address_;
};

}  // namespace yoke::proxy
