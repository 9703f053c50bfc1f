#pragma once
// One access log file as one worker writes it (docs/logging.md, "How lines are written").
// Lines collect in memory and reach the file in one write() when `buffer` bytes have gathered,
// `flush` after the first line entered an empty buffer, at reopen and at exit (nginx's
// access_log buffer= flush=). Never a write() per request.
//
// Each worker opens the file itself (O_APPEND): a write() of a whole buffer of whole lines to
// a regular file is placed at the end as one piece (Linux holds the inode's lock for the whole
// write), so lines of different workers never interleave. To a pipe, writes are cut at line ends
// into pieces of at most PIPE_BUF bytes, which POSIX makes atomic.
//
// A failed write is counted, reported in the error log at most once a second, and the
// buffer's lines are dropped: a full disk or an unwritable file never grows memory, blocks or
// stops request handling. Worker thread only.
#include <cstdint>
#include <string>

#include "yoke/core/event_loop.h"
#include "yoke/core/timer.h"
#include "yoke/observe/line_throttle.h"
#include "yoke/observe/worker_metrics.h"
#include "yoke/router/route_table.h"

namespace yoke::proxy {

class AccessLogFile final : public TimerHandler {
 public:
  // Opens spec.path for appending; a failure is logged and counted, and reopen() tries again.
  AccessLogFile(const router::LogFile& spec, EventLoop& loop, observe::WorkerMetrics& metrics);
  ~AccessLogFile();
  AccessLogFile(const AccessLogFile&) = delete;
  AccessLogFile& operator=(const AccessLogFile&) = delete;

  // A reload may give an open path other buffer= / flush= settings: what is buffered is written
  // first, then the new settings apply.
  void reconfigure(const router::LogFile& spec);
  // Counters of the worker's newest generation (a reload replaces the block; the registry folds
  // retired blocks, so counts never go backwards).
  void count_in(observe::WorkerMetrics& metrics) { metrics_ = &metrics; }
  bool ok() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  // The buffer to append one line to (with its '\n'); call line_done() after.
  std::string& line_buffer() { return pending_; }
  void line_done();
  // A line that could not be buffered (the file is not open): counted as dropped.
  void drop_line();
  void flush();
  // logrotate: writes what is buffered to the old file, then opens the path anew.
  void reopen();
  void on_timer(Timer& timer) override;

 private:
  bool open_file();
  bool write_all(std::size_t& offset);
  void report_failure(const std::string& what, int error);

  std::string path_;
  std::size_t buffer_size_;
  Milliseconds flush_interval_;
  EventLoop& loop_;
  observe::WorkerMetrics* metrics_;
  std::string pending_;
  std::uint64_t pending_lines_ = 0;
  int fd_ = -1;
  std::size_t chunk_limit_ = 0;  // largest single write(): the buffer, or PIPE_BUF on a pipe
  Timer flush_timer_;
  observe::LineThrottle report_throttle_;  // failures reach the error log once a second
};

}  // namespace yoke::proxy
