#include "access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace yoke::proxy {
namespace {
constexpr std::size_t kFlushThreshold = 64 * 1024;
}

AccessLogWriter::AccessLogWriter(const std::string& path) : path_(path) {
  if (path == "/dev/stdout") {
    fd_ = ::dup(STDOUT_FILENO);
  } else {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  if (fd_ < 0) error_ = "cannot open access log \"" + path + "\": " + std::strerror(errno);
  pending_.reserve(kFlushThreshold + 4096);
}

AccessLogWriter::~AccessLogWriter() {
  flush();
  if (fd_ >= 0) ::close(fd_);
}

void AccessLogWriter::line_done() {
  if (pending_.size() >= kFlushThreshold) flush();
}

void AccessLogWriter::flush() {
  std::size_t offset = 0;
  while (fd_ >= 0 && offset < pending_.size()) {
    ssize_t written = ::write(fd_, pending_.data() + offset, pending_.size() - offset);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) break;  // a full disk must not stop the proxy; lines are dropped
    offset += static_cast<std::size_t>(written);
  }
  pending_.clear();
}

}  // namespace yoke::proxy
