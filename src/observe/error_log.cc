#include "yoke/observe/error_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>

namespace yoke::observe {
namespace {

constexpr std::string_view kLevelNames[] = {"debug", "info", "notice", "warn",
                                            "error", "crit", "alert",  "emerg"};

std::atomic<int> log_fd{STDERR_FILENO};
std::atomic<int> min_level{static_cast<int>(LogLevel::kError)};
std::mutex path_mutex;  // guards error_log_path: open and reopen, never per line
std::string error_log_path;

}  // namespace

bool parse_log_level(std::string_view text, LogLevel& out) {
  for (std::size_t i = 0; i < std::size(kLevelNames); ++i) {
    if (kLevelNames[i] == text) {
      out = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

bool open_error_log(const std::string& path, LogLevel level, std::string& error) {
  int fd = STDERR_FILENO;
  if (!path.empty() && path != "stderr") {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
      error = "cannot open error log \"" + path + "\": " + std::strerror(errno);
      return false;
    }
  }
  int previous = log_fd.exchange(fd);
  if (previous != STDERR_FILENO && previous != fd) ::close(previous);
  min_level = static_cast<int>(level);
  std::lock_guard lock(path_mutex);
  error_log_path = fd == STDERR_FILENO ? "" : path;
  return true;
}

void reopen_error_log() {
  std::lock_guard lock(path_mutex);
  if (error_log_path.empty()) return;
  int fd = ::open(error_log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    int error = errno;
    log_line(LogLevel::kAlert,
             "cannot reopen error log \"" + error_log_path + "\": " + std::strerror(error));
    return;
  }
  // dup2 keeps O_CLOEXEC off on the target; it is set again so no child inherits the log.
  int target = log_fd.load();
  if (::dup3(fd, target, O_CLOEXEC) < 0) {
    int error = errno;
    log_line(LogLevel::kAlert, std::string("cannot reopen error log: ") + std::strerror(error));
  }
  ::close(fd);
}

bool log_enabled(LogLevel level) { return static_cast<int>(level) >= min_level.load(); }

void log_line(LogLevel level, std::string_view message) {
  if (!log_enabled(level)) return;
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  std::size_t stamp_length = std::strftime(stamp, sizeof stamp, "%Y/%m/%d %H:%M:%S", &local);
  std::string line;
  line.reserve(stamp_length + message.size() + 16);
  line.append(stamp, stamp_length).append(" [").append(kLevelNames[static_cast<int>(level)]);
  line.append("] ").append(message).push_back('\n');
  // One write per line: O_APPEND keeps lines from different threads whole.
  [[maybe_unused]] auto written = ::write(log_fd.load(), line.data(), line.size());
}

}  // namespace yoke::observe
