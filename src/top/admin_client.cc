#include "top/admin_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace yoke::top {
namespace {

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

using SteadyClock = std::chrono::steady_clock;

// Waits until fd is ready for events or the deadline passes.
bool wait_ready(int fd, short events, SteadyClock::time_point deadline) {
  for (;;) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return false;
    pollfd entry{fd, events, 0};
    int ready = ::poll(&entry, 1, static_cast<int>(left.count()));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

bool connect_before(int fd, const SocketAddress& address, SteadyClock::time_point deadline,
                    std::string& error) {
  if (::connect(fd, address.get(), address.length()) == 0) return true;
  if (errno != EINPROGRESS) {
    error = "connect to " + address.to_string() + ": " + std::strerror(errno);
    return false;
  }
  if (!wait_ready(fd, POLLOUT, deadline)) {
    error = "connect to " + address.to_string() + ": timed out";
    return false;
  }
  int failure = 0;
  socklen_t length = sizeof failure;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length);
  if (failure != 0) {
    error = "connect to " + address.to_string() + ": " + std::strerror(failure);
    return false;
  }
  return true;
}

bool send_all(int fd, const std::string& data, SteadyClock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_ready(fd, POLLOUT, deadline)) return false;
    } else {
      return false;
    }
  }
  return true;
}

// RFC 9112 §4: "HTTP/1.1 200 OK".
int status_of(const std::string& head) {
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return 0;
  std::size_t space = head.find(' ');
  if (space == std::string::npos || space + 4 > head.size()) return 0;
  int status = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    if (head[i] < '0' || head[i] > '9') return 0;
    status = status * 10 + (head[i] - '0');
  }
  return status;
}

}  // namespace

std::optional<AdminAnswer> admin_get(const SocketAddress& address, const std::string& path,
                                     const std::string& token, std::chrono::milliseconds timeout,
                                     std::string& error) {
  const SteadyClock::time_point deadline = SteadyClock::now() + timeout;
  Socket socket(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (socket.fd() < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return std::nullopt;
  }
  if (!connect_before(socket.fd(), address, deadline, error)) return std::nullopt;
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: yoke-admin\r\nConnection: close\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  request += "\r\n";
  if (!send_all(socket.fd(), request, deadline)) {
    error = "sending to " + address.to_string() + " failed or timed out";
    return std::nullopt;
  }
  std::string received;
  char chunk[16384];
  for (;;) {
    ssize_t n = ::recv(socket.fd(), chunk, sizeof chunk, 0);
    if (n > 0) {
      received.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!wait_ready(socket.fd(), POLLIN, deadline)) {
        error = "no complete answer from " + address.to_string() + " in time";
        return std::nullopt;
      }
    } else {
      error = "reading from " + address.to_string() + ": " + std::strerror(errno);
      return std::nullopt;
    }
  }
  std::size_t end = received.find("\r\n\r\n");
  AdminAnswer answer;
  answer.status = status_of(received);
  if (end == std::string::npos || answer.status == 0) {
    error = address.to_string() + " did not answer with HTTP/1.1";
    return std::nullopt;
  }
  answer.body = received.substr(end + 4);
  return answer;
}

}  // namespace yoke::top
