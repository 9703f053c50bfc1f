// outlier_detection, retry_budget, zone_aware and priority_spill in an upstream; yoke_zone at
// the top level. Parameters are key=value like nginx's `server` parameters; every bad value is
// reported at its parameter (file:line:column).
#include "config/resilience_directives.h"

#include <set>

#include "config/directive_checks.h"

namespace yoke::config {
namespace {

// Calls read(key, value) for each key=value argument from index first on, rejecting duplicates
// and arguments without "=".
template <typename Read>
void each_parameter(const Directive& directive, std::size_t first, Read read) {
  std::set<std::string> seen;
  for (std::size_t i = first; i < directive.args.size(); ++i) {
    const Argument& argument = directive.args[i];
    const std::size_t equals = argument.text.find('=');
    if (equals == std::string::npos) {
      fail(argument.where, "invalid parameter " + quote(argument.text) + " in " +
                               quote(directive.name) + " directive, expected KEY=VALUE");
    }
    const std::string key = argument.text.substr(0, equals);
    if (!seen.insert(key).second) {
      fail(argument.where, "duplicate parameter " + quote(argument.text));
    }
    if (!read(key, value_of(argument, equals))) {
      fail(argument.where, "invalid parameter " + quote(argument.text) + " in " +
                               quote(directive.name) + " directive");
    }
  }
}

void read_outlier_detection(const Directive& directive, balancing::OutlierSettings& settings) {
  require_no_block(directive);
  settings.enabled = true;
  each_parameter(directive, 0, [&](const std::string& key, const Argument& value) {
    if (key == "consecutive_5xx") {
      settings.consecutive_5xx = count_value(directive, value, 0, 1000000);
    } else if (key == "consecutive_gateway_failure") {
      settings.consecutive_gateway_failure = count_value(directive, value, 0, 1000000);
    } else if (key == "base_ejection_time") {
      settings.base_ejection_time = duration_value(directive, value, false);
    } else if (key == "max_ejection_time") {
      settings.max_ejection_time = duration_value(directive, value, false);
    } else if (key == "interval") {
      settings.interval = duration_value(directive, value, false);
    } else if (key == "max_ejection_percent") {
      settings.max_ejection_percent = count_value(directive, value, 0, 100);
    } else {
      return false;
    }
    return true;
  });
  if (settings.consecutive_5xx == 0 && settings.consecutive_gateway_failure == 0) {
    fail(directive.where,
         "\"outlier_detection\" with consecutive_5xx=0 and no consecutive_gateway_failure never "
         "ejects: set one of them above 0");
  }
  if (settings.max_ejection_time < settings.base_ejection_time) {
    fail(directive.where,
         "max_ejection_time is shorter than base_ejection_time in "
         "\"outlier_detection\" directive");
  }
}

void read_retry_budget(const Directive& directive, balancing::RetryBudgetSettings& settings) {
  require_no_block(directive);
  settings.enabled = true;
  each_parameter(directive, 0, [&](const std::string& key, const Argument& value) {
    if (key == "percent") {
      settings.percent = count_value(directive, value, 0, 1000);
    } else if (key == "min_per_second") {
      settings.min_per_second = count_value(directive, value, 0, 1000000);
    } else if (key == "ttl") {
      settings.ttl = duration_value(directive, value, false);
    } else {
      return false;
    }
    return true;
  });
}

void read_zone_aware(const Directive& directive, balancing::ZoneAwareSettings& settings) {
  require_no_block(directive);
  require_args(directive, 1, 2);
  const Argument& mode = directive.args[0];
  if (mode.text != "on" && mode.text != "off") {
    fail(mode.where, "invalid value " + quote(mode.text) +
                         " in \"zone_aware\" directive, it must be \"on\" or \"off\"");
  }
  settings.enabled = mode.text == "on";
  each_parameter(directive, 1, [&](const std::string& key, const Argument& value) {
    if (key != "min_healthy_percent") return false;
    settings.min_healthy_percent = count_value(directive, value, 1, 100);
    return true;
  });
}

int read_priority_spill(const Directive& directive) {
  require_no_block(directive);
  require_args(directive, 1, 1);
  int percent = 0;
  each_parameter(directive, 0, [&](const std::string& key, const Argument& value) {
    if (key != "min_healthy_percent") return false;
    percent = count_value(directive, value, 1, 100);
    return true;
  });
  return percent;
}

}  // namespace

bool read_resilience_directive(const Directive& directive, std::set<std::string>& seen,
                               Upstream& upstream) {
  const std::string& name = directive.name;
  if (name != "outlier_detection" && name != "retry_budget" && name != "zone_aware" &&
      name != "priority_spill") {
    return false;
  }
  reject_duplicate(directive, !seen.insert(name).second);
  balancing::UpstreamResilience& resilience = upstream.resilience;
  if (name == "outlier_detection") {
    read_outlier_detection(directive, resilience.outlier);
  } else if (name == "retry_budget") {
    read_retry_budget(directive, resilience.retry_budget);
  } else if (name == "zone_aware") {
    read_zone_aware(directive, resilience.zone_aware);
    upstream.zone_aware_where = directive.where;
  } else {
    resilience.priority_min_healthy_percent = read_priority_spill(directive);
  }
  return true;
}

void check_resilience(const Upstream& upstream, bool policy_supports_backup) {
  bool zoned = false;
  for (const UpstreamServer& server : upstream.servers) {
    zoned = zoned || !server.zone.empty();
    if (server.priority != 0 && !policy_supports_backup) {
      fail(server.where, "parameter \"priority=" + std::to_string(server.priority) +
                             "\" is not supported by balancing policy " + quote(upstream.policy) +
                             ", which has no backup servers (priority levels are fallbacks)");
    }
  }
  if (upstream.resilience.zone_aware.enabled && !zoned) {
    fail(upstream.zone_aware_where, "\"zone_aware on\" in upstream " + quote(upstream.name) +
                                        " but no server has a zone=NAME parameter");
  }
}

std::string read_yoke_zone(const Directive& directive) {
  require_simple(directive, 1);
  const Argument& zone = directive.args[0];
  if (zone.text.empty()) fail(zone.where, "empty zone name in \"yoke_zone\" directive");
  return zone.text;
}

namespace {
std::string& zone_override() {
  static std::string zone;
  return zone;
}
}  // namespace

void set_zone_override(std::string zone) { zone_override() = std::move(zone); }

void finish_zones(Config& config, const SourceLocation& file_start) {
  if (!zone_override().empty()) config.zone = zone_override();
  if (!config.zone.empty()) return;
  for (const Upstream& upstream : config.http.upstreams) {
    if (!upstream.resilience.zone_aware.enabled) continue;
    const SourceLocation& where =
        upstream.zone_aware_where.line > 0 ? upstream.zone_aware_where : file_start;
    fail(where, "\"zone_aware on\" in upstream " + quote(upstream.name) +
                    " needs the balancer's own zone: \"yoke_zone NAME;\" at the top level or "
                    "--zone NAME on the command line");
  }
}

}  // namespace yoke::config
