#include "fd_budget.h"

#include <sys/resource.h>

#include <algorithm>

namespace yoke::cli {

FdBudget plan_fd_budget(std::uint64_t soft, std::uint64_t hard, int workers, int worker_connections,
                        int listeners, bool explicit_setting) {
  const std::uint64_t reserve =
      kFdReserve + static_cast<std::uint64_t>(listeners) * static_cast<std::uint64_t>(workers);
  const std::uint64_t per_connection = 2;  // the client and its upstream connection
  const std::uint64_t need = static_cast<std::uint64_t>(workers) *
                                 static_cast<std::uint64_t>(worker_connections) * per_connection +
                             reserve;
  FdBudget budget;
  budget.soft_limit = std::max(soft, std::min(need, hard));
  budget.worker_connections = worker_connections;
  if (budget.soft_limit >= need) return budget;
  const std::uint64_t usable = budget.soft_limit > reserve ? budget.soft_limit - reserve : 0;
  const std::uint64_t clamped =
      std::max<std::uint64_t>(1, usable / (per_connection * static_cast<std::uint64_t>(workers)));
  budget.worker_connections = static_cast<int>(clamped);
  budget.level = explicit_setting ? observe::LogLevel::kWarn : observe::LogLevel::kNotice;
  budget.warning = std::to_string(worker_connections) + " worker_connections × " +
                   std::to_string(workers) + " workers need " + std::to_string(need) +
                   " file descriptors (a client and an upstream connection each, plus " +
                   std::to_string(reserve) + "), but RLIMIT_NOFILE allows " +
                   std::to_string(budget.soft_limit) + ": using " + std::to_string(clamped) +
                   " worker_connections (raise the hard limit, e.g. LimitNOFILE= in systemd" +
                   (explicit_setting ? ")" : ", or set worker_connections)");
  return budget;
}

int apply_fd_budget(int workers, int worker_connections, int listeners, bool explicit_setting) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return worker_connections;
  const FdBudget budget = plan_fd_budget(limit.rlim_cur, limit.rlim_max, workers,
                                         worker_connections, listeners, explicit_setting);
  if (budget.soft_limit > limit.rlim_cur) {
    limit.rlim_cur = budget.soft_limit;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      observe::log_line(observe::LogLevel::kWarn, "cannot raise RLIMIT_NOFILE");
    }
  }
  if (!budget.warning.empty()) observe::log_line(budget.level, budget.warning);
  return budget.worker_connections;
}

}  // namespace yoke::cli
