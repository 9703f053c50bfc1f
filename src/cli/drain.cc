#include "cli/drain.h"

#include <string>

#include "yoke/observe/error_log.h"

namespace yoke::cli {

void Drain::start(SteadyTime now, std::chrono::milliseconds grace) {
  if (stop_at_) {
    observe::log_line(observe::LogLevel::kNotice, "drain: already draining");
    return;
  }
  node_.start_drain();
  for (const auto& worker : workers_) worker->request_node_drain();
  stop_at_ = now + grace;
  observe::log_line(observe::LogLevel::kNotice, "drain: /healthz fails now; graceful stop in " +
                                                    std::to_string(grace.count()) +
                                                    " ms (drain_grace)");
}

void Drain::poll(SteadyTime now) {
  if (!stop_at_ || stopping_ || now < *stop_at_) return;
  stopping_ = true;
  node_.start_stop();
  observe::log_line(observe::LogLevel::kNotice, "drain: grace over, graceful stop");
  for (const auto& worker : workers_) worker->request_stop(false);
}

}  // namespace yoke::cli
