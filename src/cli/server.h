#pragma once
// Runs Yoke from a loaded configuration: workers, pid file, signals, reload, graceful stop.
#include <memory>

#include "yoke/router/route_table.h"

namespace yoke::cli {

class InheritedListeners;

// Returns the process exit code. Blocks until a stop signal and the workers have finished.
// config_path: the file routes came from, read again on SIGHUP (src/cli/reload.h).
// inherited: a binary upgrade's sockets from the running Yoke (cli/upgrade.h), or null.
int run_server(const std::shared_ptr<const router::RouteTable>& routes,
               const std::string& config_path, InheritedListeners* inherited = nullptr);

}  // namespace yoke::cli
