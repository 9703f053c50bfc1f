// The main context (outside any block) and events { }, and the load_config entry points.
#include <climits>
#include <set>

#include "config/build.h"
#include "config/directive_checks.h"
#include "config/resilience_directives.h"

namespace yoke::config {
namespace {

constexpr std::string_view kLogLevels[] = {"debug", "info", "notice", "warn",
                                           "error", "crit", "alert",  "emerg"};

// worker_processes N | auto; 0 stands for auto.
int read_worker_processes(const Directive& directive) {
  require_simple(directive, 1);
  if (directive.args[0].text == "auto") return 0;
  return count_value(directive, directive.args[0], 1, 4096);
}

// error_log FILE [LEVEL]; the file "stderr" logs to standard error, as in nginx.
void read_error_log(const Directive& directive, Config& config) {
  require_no_block(directive);
  require_args(directive, 1, 2);
  config.error_log_path = directive.args[0].text == "stderr" ? "" : directive.args[0].text;
  if (directive.args.size() < 2) return;
  const Argument& level = directive.args[1];
  for (auto known : kLogLevels) {
    if (level.text == known) {
      config.error_log_level = level.text;
      return;
    }
  }
  fail(level.where, "invalid log level " + quote(level.text) +
                        ", expected one of: debug info notice warn error crit alert emerg");
}

// use METHOD inside events: the readiness backend (nginx: "invalid event type" for a method
// it was not built with; Yoke also lists the ones it knows).
PollerKind read_use(const Directive& directive) {
  require_simple(directive, 1);
  const Argument& method = directive.args[0];
  if (auto kind = find_poller(method.text)) return *kind;
  std::string expected;
  for (auto name : poller_names()) expected += (expected.empty() ? "" : " ") + std::string(name);
  fail(method.where, "invalid event type " + quote(method.text) + ", expected one of: " + expected);
}

void read_events(const Directive& events, Config& config) {
  require_block(events);
  require_args(events, 0, 0);
  std::optional<int> connections;
  std::optional<PollerKind> method;
  for (const auto& directive : events.block) {
    if (directive.name == "worker_connections") {
      require_simple(directive, 1);
      set_once(directive, connections, count_value(directive, directive.args[0], 1, INT_MAX));
    } else if (directive.name == "use") {
      reject_duplicate(directive, method.has_value());  // before the value, as nginx does
      method = read_use(directive);
    } else {
      reject_directive(directive);
    }
  }
  config.worker_connections = connections.value_or(Config{}.worker_connections);
  config.worker_connections_set = connections.has_value();
  config.event_method = method.value_or(Config{}.event_method);
}

// Every main-context directive may appear once; fails on a second one.
void seen_once(const Directive& directive, std::set<std::string>& seen) {
  reject_duplicate(directive, !seen.insert(directive.name).second);
}

}  // namespace

Config build_config(const std::vector<Directive>& directives, const std::string& file,
                    const BuildOptions& options) {
  Config config;
  config.file = file;
  std::set<std::string> seen;
  const Directive* http = nullptr;
  for (const auto& directive : directives) {
    const std::string& name = directive.name;
    // An unknown directive fails below before it could be seen twice.
    seen_once(directive, seen);
    if (name == "worker_processes") {
      config.worker_processes = read_worker_processes(directive);
    } else if (name == "error_log") {
      read_error_log(directive, config);
    } else if (name == "pid") {
      require_simple(directive, 1);
      config.pid_path = directive.args[0].text;
    } else if (name == "events") {
      read_events(directive, config);
    } else if (name == "worker_shutdown_timeout") {
      require_simple(directive, 1);
      config.shutdown_grace = duration_value(directive, directive.args[0], false);
    } else if (name == "drain_grace") {
      require_simple(directive, 1);
      config.drain_grace = duration_value(directive, directive.args[0], true);
    } else if (name == "http") {
      http = &directive;
    } else if (name == "admin") {
      config.admin = build_admin(directive);
    } else if (name == "yoke_zone") {
      config.zone = read_yoke_zone(directive);
    } else {
      reject_directive(directive);
    }
  }
  if (http == nullptr) {
    fail(SourceLocation{file, 1, 1},
         "no \"http\" block, expected one with at least one \"server\"");
  }
  config.http = build_http(*http, options);
  if (config.admin) validate_admin(*config.admin, config.http);
  finish_zones(config, SourceLocation{file, 1, 1});
  return config;
}

Config load_config(const std::string& path) {
  return build_config(parse_config_file(path), path, BuildOptions{});
}

Config load_config_text(const std::string& text, const std::string& file_name) {
  return build_config(parse_config_text(text, file_name), file_name, BuildOptions{});
}

}  // namespace yoke::config
