#include "access_log.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "yoke/observe/error_log.h"

namespace yoke::proxy {
AccessLogFile::AccessLogFile(const router::LogFile& spec, EventLoop& loop,
                             observe::WorkerMetrics& metrics)
    : path_(spec.path),
      buffer_size_(spec.buffer),
      flush_interval_(spec.flush),
      loop_(loop),
      metrics_(&metrics) {
  flush_timer_.bind(this);
  // One line past the threshold fits without growing the string.
  pending_.reserve(buffer_size_ + 4096);
  if (!open_file()) {
    metrics_->access_log_write_errors.add();
    report_failure("open()", errno);
  }
}

void AccessLogFile::reconfigure(const router::LogFile& spec) {
  if (spec.buffer == buffer_size_ && spec.flush == flush_interval_) return;
  flush();
  buffer_size_ = spec.buffer;
  flush_interval_ = spec.flush;
  pending_.reserve(buffer_size_ + 4096);
}

AccessLogFile::~AccessLogFile() {
  flush();
  if (fd_ >= 0) ::close(fd_);
}

// O_NONBLOCK: a pipe nobody drains (a stalled log shipper on /dev/stdout) must not stop the
// worker; it has no effect on regular files, whose writes the kernel completes (as nginx's).
bool AccessLogFile::open_file() {
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd < 0 && path_ == "/dev/stdout") fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return false;
  struct stat info {};
  bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  chunk_limit_ = regular ? SIZE_MAX : PIPE_BUF;
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  return true;
}

void AccessLogFile::line_done() {
  ++pending_lines_;
  if (pending_.size() >= buffer_size_) return flush();
  if (!flush_timer_.armed()) loop_.arm(flush_timer_, flush_interval_);
}

void AccessLogFile::drop_line() { metrics_->access_log_lines_dropped.add(); }

void AccessLogFile::on_timer(Timer& /*timer*/) { flush(); }

void AccessLogFile::flush() {
  flush_timer_.cancel();
  if (pending_.empty()) return;
  std::size_t offset = 0;
  if (!write_all(offset)) {
    report_failure("write()", errno);
    // What was not written is dropped: the lines after the last newline written in full.
    std::uint64_t written_lines = 0;
    for (std::size_t i = 0; i < offset; ++i) written_lines += pending_[i] == '\n' ? 1 : 0;
    metrics_->access_log_write_errors.add();
    metrics_->access_log_lines_dropped.add(pending_lines_ - written_lines);
  }
  pending_.clear();
  pending_lines_ = 0;
}

// Writes pending_ from offset on; false with errno set when a write failed (offset tells how
// far it got).
bool AccessLogFile::write_all(std::size_t& offset) {
  if (fd_ < 0) {
    errno = EBADF;
    return false;
  }
  while (offset < pending_.size()) {
    std::size_t length = pending_.size() - offset;
    if (length > chunk_limit_) {
      // Up to the last line end that fits; a longer line goes alone.
      std::size_t end = pending_.rfind('\n', offset + chunk_limit_ - 1);
      length = end != std::string::npos && end >= offset ? end + 1 - offset
                                                         : pending_.find('\n', offset) + 1 - offset;
    }
    ssize_t written = ::write(fd_, pending_.data() + offset, length);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      if (written == 0) errno = EIO;
      return false;
    }
    offset += static_cast<std::size_t>(written);
  }
  return true;
}

void AccessLogFile::reopen() {
  flush();
  if (path_ == "/dev/stdout" && fd_ >= 0) return;  // nothing to rotate
  if (!open_file()) {
    metrics_->access_log_write_errors.add();
    report_failure("reopen()", errno);
  }
}

void AccessLogFile::report_failure(const std::string& what, int error) {
  if (!report_throttle_.admit(Clock::now())) return;
  observe::log_line(observe::LogLevel::kError, what + " to access log \"" + path_ + "\" failed (" +
                                                   std::strerror(error) + "), lines dropped" +
                                                   report_throttle_.take_held_back_note());
}

}  // namespace yoke::proxy
