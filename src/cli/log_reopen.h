#pragma once
// SIGUSR1: reopen every log file, so that logrotate can move them (docs/logging.md, "Rotation").
// Main thread only.
#include <memory>
#include <vector>

#include "proxy/worker.h"

namespace yoke::cli {

// Reopens the error log at once, and asks each worker to write out its access-log buffers to
// the files it has open and then open the paths anew (each on its own thread, so no line is
// lost or torn: lines buffered before the request reach the old file, later ones the new).
void reopen_log_files(const std::vector<std::unique_ptr<proxy::Worker>>& workers);

}  // namespace yoke::cli
