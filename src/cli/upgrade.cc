#include "upgrade.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <future>

#include "yoke/core/socket.h"
#include "yoke/observe/error_log.h"

namespace yoke::cli {
namespace {

// Sockets per message: below the kernel's SCM_MAX_FD (253).
constexpr std::size_t kSocketsPerMessage = 200;
constexpr int kAnswerTimeoutMs = 10000;   // the old process connects after SIGUSR2
constexpr int kConfirmTimeoutMs = 30000;  // the new process loads, starts and confirms
constexpr std::string_view kSocketsMessage = "sockets";
constexpr std::string_view kEndMessage = "end";
constexpr std::string_view kConfirmMessage = "serving";

std::string channel_path(const std::string& pid_path) { return pid_path + ".upgrade"; }

bool unix_address(const std::string& path, sockaddr_un& address, std::string& error) {
  address = {};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) {
    error = "the upgrade socket path \"" + path + "\" is too long";
    return false;
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return true;
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd entry{fd, POLLIN, 0};
  int ready = 0;
  do {
    ready = poll(&entry, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

// One SOCK_SEQPACKET message: text, and the descriptors in fds (may be empty).
bool send_message(int channel, std::string_view text, const std::vector<int>& fds) {
  iovec part{const_cast<char*>(text.data()), text.size()};
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()));
  if (!fds.empty()) {
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    if (header == nullptr) return false;
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(header), fds.data(), sizeof(int) * fds.size());
  }
  return sendmsg(channel, &message, MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

// Receives one message; its descriptors are appended to fds (close-on-exec).
bool receive_message(int channel, std::string& text, std::vector<int>& fds) {
  char buffer[64];
  iovec part{buffer, sizeof buffer};
  std::vector<char> control(CMSG_SPACE(sizeof(int) * kSocketsPerMessage));
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  message.msg_control = control.data();
  message.msg_controllen = control.size();
  if (!wait_readable(channel, kAnswerTimeoutMs)) return false;
  ssize_t got = recvmsg(channel, &message, MSG_CMSG_CLOEXEC);
  if (got <= 0) return false;
  text.assign(buffer, static_cast<std::size_t>(got));
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
       header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
    std::size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const auto* data = reinterpret_cast<const unsigned char*>(CMSG_DATA(header));
    for (std::size_t i = 0; i < count; ++i) {
      int fd = -1;
      std::memcpy(&fd, data + i * sizeof(int), sizeof(int));
      fds.push_back(fd);
    }
  }
  return (message.msg_flags & MSG_CTRUNC) == 0;
}

long read_pid(const std::string& pid_path) {
  std::ifstream in(pid_path);
  long pid = 0;
  if (!(in >> pid)) return 0;
  return pid;
}

}  // namespace

InheritedListeners::~InheritedListeners() {
  for (auto& [address, fd] : sockets_) close_fd(fd);
  if (channel_ >= 0) close_fd(channel_);
  if (!path_.empty()) unlink(path_.c_str());
}

bool InheritedListeners::receive(const std::string& pid_path, std::string& error) {
  if (pid_path.empty()) {
    error = "a binary upgrade needs the \"pid\" directive (the running Yoke's pid file)";
    return false;
  }
  const long pid = read_pid(pid_path);
  if (pid <= 0) {
    error = "invalid PID number in \"" + pid_path + "\" (is yoke running?)";
    return false;
  }
  sockaddr_un address{};
  if (!unix_address(channel_path(pid_path), address, error)) return false;
  int server = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  unlink(address.sun_path);
  // Only this user may connect: whoever can, receives the sockets.
  const mode_t previous = umask(077);
  const bool bound = server >= 0 &&
                     bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                     listen(server, 1) == 0;
  umask(previous);
  if (!bound) {
    error = "cannot listen on \"" + std::string(address.sun_path) + "\": " + std::strerror(errno);
    if (server >= 0) close_fd(server);
    return false;
  }
  path_ = address.sun_path;
  if (kill(static_cast<pid_t>(pid), SIGUSR2) != 0) {
    error = "kill(" + std::to_string(pid) + ", SIGUSR2) failed: " + std::strerror(errno);
    close_fd(server);
    return false;
  }
  int channel = wait_readable(server, kAnswerTimeoutMs)
                    ? accept4(server, nullptr, nullptr, SOCK_CLOEXEC)
                    : -1;
  close_fd(server);
  if (channel < 0) {
    error = "the running Yoke (pid " + std::to_string(pid) + ") did not hand over its sockets";
    return false;
  }
  channel_ = channel;
  return receive_sockets(channel, error);
}

bool InheritedListeners::receive_sockets(int channel, std::string& error) {
  std::vector<int> fds;
  std::string text;
  while (receive_message(channel, text, fds)) {
    if (text == kEndMessage) break;
    if (text != kSocketsMessage) {
      error = "unexpected message from the running Yoke: \"" + text + "\"";
      for (int fd : fds) close_fd(fd);
      return false;
    }
  }
  if (text != kEndMessage) {
    for (int fd : fds) close_fd(fd);
    error = "the running Yoke's handover broke off";
    return false;
  }
  for (int fd : fds) {
    SocketAddress address;
    socklen_t length = sizeof(sockaddr_storage);
    if (getsockname(fd, address.get_mutable(), &length) != 0) {
      close_fd(fd);
      continue;
    }
    address.set_length(length);
    sockets_.emplace_back(address, fd);
  }
  return true;
}

int InheritedListeners::take(const SocketAddress& address) {
  auto found = std::find_if(sockets_.begin(), sockets_.end(),
                            [&](const auto& entry) { return entry.first == address; });
  if (found == sockets_.end()) return -1;
  int fd = found->second;
  sockets_.erase(found);
  return fd;
}

bool InheritedListeners::hand_out_rest(const router::RouteTable& routes,
                                       const std::vector<std::unique_ptr<proxy::Worker>>& workers,
                                       std::string& error) {
  std::size_t next = 0;
  const auto& specs = routes.listeners();
  for (std::size_t i = 0; i < specs.size() && !workers.empty(); ++i) {
    for (int fd = take(specs[i].listen.address); fd >= 0; fd = take(specs[i].listen.address)) {
      if (!workers[next++ % workers.size()]->add_listener(i, fd, error)) return false;
    }
  }
  return true;
}

void InheritedListeners::confirm() {
  for (auto& [address, fd] : sockets_) close_fd(fd);
  sockets_.clear();
  if (channel_ < 0) return;
  send_message(channel_, kConfirmMessage, {});
  close_fd(channel_);
  channel_ = -1;
  unlink(path_.c_str());
  path_.clear();
}

void UpgradeHandoff::start(const std::string& pid_path) {
  if (pid_path.empty()) {
    observe::log_line(observe::LogLevel::kError, "SIGUSR2: a binary upgrade needs \"pid\"");
    return;
  }
  if (running_.exchange(true)) return;
  join();
  thread_ = std::thread([this, path = channel_path(pid_path)] {
    run(path);
    running_ = false;
  });
}

void UpgradeHandoff::join() {
  if (thread_.joinable()) thread_.join();
}

void UpgradeHandoff::run(const std::string& path) {
  std::string error;
  sockaddr_un address{};
  int channel = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (channel < 0 || !unix_address(path, address, error) ||
      connect(channel, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    observe::log_line(observe::LogLevel::kError,
                      "upgrade: cannot connect to \"" + path +
                          "\": " + (error.empty() ? std::strerror(errno) : error));
    if (channel >= 0) close_fd(channel);
    return;
  }
  bool sent = send_sockets(channel);
  std::string answer;
  std::vector<int> none;
  bool confirmed = sent && wait_readable(channel, kConfirmTimeoutMs) &&
                   receive_message(channel, answer, none) && answer == kConfirmMessage;
  close_fd(channel);
  if (!confirmed) {
    observe::log_line(observe::LogLevel::kError,
                      "upgrade: the new process did not confirm; this one keeps serving");
    return;
  }
  observe::log_line(observe::LogLevel::kNotice,
                    "upgrade: the new process serves on our sockets; stopping gracefully");
  kill(getpid(), SIGTERM);  // the main thread's graceful stop (sigtimedwait)
}

// Every worker's listening sockets, duplicated on the worker's own thread (the worker may be
// adding or closing listeners in a reload), then sent in batches.
bool UpgradeHandoff::send_sockets(int channel) {
  std::vector<int> fds;
  for (const auto& worker : workers_) {
    std::future<std::vector<int>> copies = worker->request_listener_copies();
    if (copies.wait_for(std::chrono::seconds(5)) != std::future_status::ready) continue;
    for (int fd : copies.get()) fds.push_back(fd);
  }
  bool ok = true;
  for (std::size_t first = 0; ok && first < fds.size(); first += kSocketsPerMessage) {
    std::size_t end = std::min(fds.size(), first + kSocketsPerMessage);
    std::vector<int> batch(fds.begin() + static_cast<std::ptrdiff_t>(first),
                           fds.begin() + static_cast<std::ptrdiff_t>(end));
    ok = send_message(channel, kSocketsMessage, batch);
  }
  ok = ok && send_message(channel, kEndMessage, {});
  for (int fd : fds) close_fd(fd);  // the new process holds its own copies now
  return ok;
}

}  // namespace yoke::cli
