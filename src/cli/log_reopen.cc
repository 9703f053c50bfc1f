#include "cli/log_reopen.h"

#include "yoke/observe/error_log.h"

namespace yoke::cli {

void reopen_log_files(const std::vector<std::unique_ptr<proxy::Worker>>& workers) {
  observe::log_line(observe::LogLevel::kNotice, "SIGUSR1: reopening log files");
  observe::reopen_error_log();
  for (const auto& worker : workers) worker->reopen_logs();
}

}  // namespace yoke::cli
