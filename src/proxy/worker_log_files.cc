// A worker's access log files (docs/logging.md): one AccessLogFile per path for the worker's
// whole life, shared by its generations. A reload maps the new generation's
// RouteTable::log_files() onto them — a path that stays keeps its descriptor and its buffered
// lines, a new path opens here, on the worker thread — and a request logs through the
// generation it started on (WorkerGeneration::log_file), so its file index always matches.
#include <algorithm>

#include "worker.h"

namespace yoke::proxy {

void Worker::open_log_files() {
  std::vector<AccessLogFile*> files;
  for (const router::LogFile& spec : current_->routes().log_files()) {
    auto open = std::find_if(log_files_.begin(), log_files_.end(),
                             [&](const auto& file) { return file->path() == spec.path; });
    if (open == log_files_.end()) {
      log_files_.push_back(std::make_unique<AccessLogFile>(spec, loop_, current_->metrics()));
      files.push_back(log_files_.back().get());
      continue;
    }
    (*open)->reconfigure(spec);
    files.push_back(open->get());
  }
  // Failures from now on count in the newest block; older blocks are folded by the registry.
  for (auto& file : log_files_) file->count_in(current_->metrics());
  current_->use_log_files(std::move(files));
}

void Worker::flush_log_files() {
  for (auto& file : log_files_) file->flush();
}

void Worker::reopen_logs() {
  loop_.post([this] {
    for (auto& file : log_files_) file->reopen();
  });
}

}  // namespace yoke::proxy
