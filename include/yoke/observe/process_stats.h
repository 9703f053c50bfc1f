#pragma once
// The process facts Prometheus' client libraries export under standard names (process_*), read
// from /proc (proc(5)): CPU time and start time from /proc/self/stat, open descriptors from
// /proc/self/fd, the descriptor limit from getrlimit. Blocking file reads: admin thread only.
#include <cstdint>
#include <optional>

namespace yoke::observe {

struct ProcessStats {
  double cpu_seconds = 0;            // utime + stime
  double start_time_seconds = 0;     // since the Unix epoch
  std::uint64_t resident_bytes = 0;  // RSS
  std::uint64_t virtual_bytes = 0;
  std::uint64_t open_fds = 0;
  std::uint64_t max_fds = 0;  // the soft RLIMIT_NOFILE
};

// Empty when /proc is not readable (then the process_* families are left out of a scrape).
std::optional<ProcessStats> read_process_stats();

}  // namespace yoke::observe
