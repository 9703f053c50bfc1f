#pragma once
// Runs Yoke from a loaded configuration: workers, pid file, signals, graceful stop.
#include <memory>

#include "yoke/router/route_table.h"

namespace yoke::cli {

// Returns the process exit code. Blocks until a stop signal and the workers have finished.
int run_server(const std::shared_ptr<const router::RouteTable>& routes);

}  // namespace yoke::cli
