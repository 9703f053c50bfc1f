#pragma once
// The balancer must not run out of file descriptors: each client connection may hold one
// upstream connection too, so `workers × worker_connections × 2` descriptors (plus a reserve
// for listeners, logs, the admin and checker threads) must fit under RLIMIT_NOFILE. At start
// the soft limit is raised towards the hard one; when even that is too low, worker_connections
// is clamped so that a full worker still has descriptors left, and the log says so: a warning
// when the operator wrote worker_connections, a notice when the default was clamped (the
// default asks for more than many machines allow, and a warning on every start for a setting
// nobody made would only teach operators to ignore warnings). nginx only warns
// ("worker_connections exceed open file resource limit") and fails at accept time.
#include <cstdint>
#include <string>

#include "yoke/observe/error_log.h"

namespace yoke::cli {

struct FdBudget {
  std::uint64_t soft_limit = 0;  // what RLIMIT_NOFILE's soft limit should be set to
  int worker_connections = 0;    // per worker, possibly clamped
  std::string warning;           // empty when nothing was clamped
  // How loud the warning is: kWarn for an explicit worker_connections, kNotice for the default.
  observe::LogLevel level = observe::LogLevel::kNotice;
};

// Descriptors kept aside for listeners (listeners × workers), files, eventfds and threads.
inline constexpr std::uint64_t kFdReserve = 256;

// Pure: what to do with the limits soft/hard for this configuration.
// explicit_setting: worker_connections was written in the configuration.
FdBudget plan_fd_budget(std::uint64_t soft, std::uint64_t hard, int workers, int worker_connections,
                        int listeners, bool explicit_setting);

// Applies the plan to this process (setrlimit) and returns the worker_connections to use;
// logs the warning. Main thread, before the workers start.
int apply_fd_budget(int workers, int worker_connections, int listeners, bool explicit_setting);

}  // namespace yoke::cli
