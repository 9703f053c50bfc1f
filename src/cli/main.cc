// yoke: command-line entry point.
#include <cstdio>
#include <memory>
#include <string_view>

#include "cli/flags.h"
#include "cli/send_signal.h"
#include "cli/server.h"
#include "cli/upgrade.h"
#include "top/top_command.h"
#include "yoke/config/model.h"
#include "yoke/observe/error_log.h"
#include "yoke/router/route_table.h"

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "yoke: [emerg] %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace yoke;
  if (argc >= 2 && std::string_view(argv[1]) == "top") return top::run_top(argc - 1, argv + 1);
  cli::Flags flags = cli::parse_flags(argc, argv);
  if (!flags.error.empty()) {
    std::fprintf(stderr, "yoke: %s\n\n%s", flags.error.c_str(), cli::usage().c_str());
    return 1;
  }
  if (flags.help) {
    std::fputs(cli::usage().c_str(), stdout);
    return 0;
  }
  if (flags.version) {
    std::printf("yoke version: yoke/%s\n", YOKE_VERSION);
    return 0;
  }
  const bool upgrade = flags.signal_name == "upgrade";
  if (!flags.signal_name.empty() && !upgrade) {
    return cli::send_signal(flags.config_file, flags.signal_name);
  }
  std::shared_ptr<const router::RouteTable> routes;
  // Before any load, so a reload keeps the command line's zone too.
  if (!flags.zone.empty()) config::set_zone_override(flags.zone);
  try {
    auto config = std::make_shared<config::Config>(config::load_config(flags.config_file));
    routes = router::RouteTable::build(config);
  } catch (const config::ConfigError& error) {
    if (flags.test_only) {
      std::fprintf(stderr, "yoke: [emerg] %s\nyoke: configuration file %s test failed\n",
                   error.what(), flags.config_file.c_str());
      return 1;
    }
    return fail(error.what());
  }
  if (flags.test_only) {
    std::fprintf(stderr,
                 "yoke: the configuration file %s syntax is ok\n"
                 "yoke: configuration file %s test is successful\n",
                 flags.config_file.c_str(), flags.config_file.c_str());
    return 0;
  }
  const config::Config& config = routes->config();
  observe::LogLevel level = observe::LogLevel::kError;
  observe::parse_log_level(config.error_log_level, level);
  std::string error;
  if (!observe::open_error_log(config.error_log_path, level, error)) return fail(error);
  if (!upgrade) return cli::run_server(routes, flags.config_file);
  cli::InheritedListeners inherited;
  if (!inherited.receive(config.pid_path, error)) return fail(error);
  return cli::run_server(routes, flags.config_file, &inherited);
}
