#pragma once
// `yoke -s reload|stop|quit|drain` (as nginx -s): signals the running Yoke whose pid file the
// configuration names.
#include <string>

namespace yoke::cli {

// Returns the process exit code; errors go to stderr.
int send_signal(const std::string& config_path, const std::string& signal_name);

}  // namespace yoke::cli
