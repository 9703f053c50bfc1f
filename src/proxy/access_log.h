#pragma once
// Per-worker access log writer: lines collect in memory and reach the file in one write()
// when 64 KiB have gathered, once a second, and at exit (nginx's access_log buffer= flush=).
// Never a write() per request.
#include <string>
#include <string_view>

namespace yoke::proxy {

class AccessLogWriter {
 public:
  // Opens path for appending; check ok() / error().
  explicit AccessLogWriter(const std::string& path);
  ~AccessLogWriter();
  AccessLogWriter(const AccessLogWriter&) = delete;
  AccessLogWriter& operator=(const AccessLogWriter&) = delete;

  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }
  // The buffer to append one line to; call line_done() after.
  std::string& line_buffer() { return pending_; }
  void line_done();
  void flush();

 private:
  std::string path_;
  std::string error_;
  std::string pending_;
  int fd_ = -1;
};

}  // namespace yoke::proxy
