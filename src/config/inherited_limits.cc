// limit_req, limit_req_status and limit_req_dry_run (ngx_http_limit_req_module) and limit_conn,
// limit_conn_status and limit_conn_dry_run (ngx_http_limit_conn_module), which inherit down
// http → server → location. The zones they name are defined by limit_req_zone and
// limit_conn_zone (limit_zones.cc) and checked once the whole http block is read.
#include <charconv>
#include <string>

#include "config/directive_checks.h"
#include "config/inherited.h"
#include "yoke/limits/rate_zone.h"

namespace yoke::config {
namespace {

// "burst=N" / "delay=N": N from 0 to RateZone::kMaxBurst.
std::uint64_t read_count_parameter(const Argument& argument, std::string_view name,
                                   std::string_view directive = "limit_req") {
  const std::string_view text = std::string_view(argument.text).substr(name.size() + 1);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      value > limits::RateZone::kMaxBurst) {
    fail(argument.where, "invalid " + std::string(name) + " value " + quote(argument.text) +
                             " in " + quote(directive) +
                             " directive, expected a number from 0 to " +
                             std::to_string(limits::RateZone::kMaxBurst));
  }
  return value;
}

RateLimitRule read_rule(const Directive& directive) {
  require_no_block(directive);
  require_args(directive, 1, 4);
  RateLimitRule rule;
  rule.where = directive.where;
  bool nodelay = false;
  bool delay_set = false;
  for (const Argument& argument : directive.args) {
    const std::string& text = argument.text;
    if (text.rfind("zone=", 0) == 0 && rule.zone.empty() && text.size() > 5) {
      rule.zone = text.substr(5);
    } else if (text.rfind("burst=", 0) == 0) {
      rule.burst = read_count_parameter(argument, "burst");
    } else if (text.rfind("delay=", 0) == 0 && !delay_set && !nodelay) {
      rule.no_delay = read_count_parameter(argument, "delay");
      delay_set = true;
    } else if (text == "nodelay" && !delay_set && !nodelay) {
      nodelay = true;
    } else if (text.rfind("reroute=", 0) == 0 && rule.reroute.empty() && text.size() > 8) {
      rule.reroute = text.substr(8);
      rule.reroute_where = argument.where;
    } else {
      fail(argument.where, "invalid parameter " + quote(text) +
                               " in \"limit_req\" directive, expected \"zone=NAME\", "
                               "\"burst=N\", \"nodelay\" or \"delay=N\", and \"reroute=UPSTREAM\"");
    }
  }
  if (rule.zone.empty()) {
    fail(directive.where, "\"limit_req\" directive needs \"zone=NAME\"");
  }
  if (nodelay) rule.no_delay = rule.burst;
  return rule;
}

void add_rule(const Directive& directive, InheritedSettings& settings) {
  RateLimitRule rule = read_rule(directive);
  if (!settings.limit_req) settings.limit_req.emplace();
  for (const RateLimitRule& existing : *settings.limit_req) {
    if (existing.zone == rule.zone) {
      fail(directive.where, "zone " + quote(rule.zone) + " in \"limit_req\" is duplicate");
    }
  }
  settings.limit_req->push_back(std::move(rule));
}

// A location may hold this many limit_conn: a request keeps one slot per limit until it ends.
constexpr std::size_t kMaxConnLimits = 4;

void add_conn_rule(const Directive& directive, InheritedSettings& settings) {
  require_simple(directive, 2);
  ConnLimitRule rule;
  rule.where = directive.where;
  rule.zone = directive.args[0].text;
  rule.limit = static_cast<std::uint64_t>(count_value(directive, directive.args[1], 1, 1000000));
  if (!settings.limit_conn) settings.limit_conn.emplace();
  for (const ConnLimitRule& existing : *settings.limit_conn) {
    if (existing.zone == rule.zone) {
      fail(directive.where, "zone " + quote(rule.zone) + " in \"limit_conn\" is duplicate");
    }
  }
  if (settings.limit_conn->size() == kMaxConnLimits) {
    fail(directive.where,
         "more than " + std::to_string(kMaxConnLimits) + " \"limit_conn\" directives at one level");
  }
  settings.limit_conn->push_back(std::move(rule));
}

// limit_accept zone=NAME [burst=N].
void read_accept_rule(const Directive& directive, InheritedSettings& settings) {
  require_no_block(directive);
  require_args(directive, 1, 2);
  AcceptLimitRule rule;
  rule.where = directive.where;
  for (const Argument& argument : directive.args) {
    const std::string& text = argument.text;
    if (text.rfind("zone=", 0) == 0 && rule.zone.empty() && text.size() > 5) {
      rule.zone = text.substr(5);
    } else if (text.rfind("burst=", 0) == 0) {
      rule.burst = read_count_parameter(argument, "burst", "limit_accept");
    } else {
      fail(argument.where, "invalid parameter " + quote(text) +
                               " in \"limit_accept\" directive, expected \"zone=NAME\" and "
                               "\"burst=N\"");
    }
  }
  if (rule.zone.empty()) fail(directive.where, "\"limit_accept\" directive needs \"zone=NAME\"");
  set_once(directive, settings.limit_accept, rule);
}

void read_on_off(const Directive& directive, std::optional<bool>& slot) {
  require_simple(directive, 1);
  const std::string& value = directive.args[0].text;
  if (value != "on" && value != "off") {
    fail(directive.args[0].where, "invalid value " + quote(value) + " in " + quote(directive.name) +
                                      " directive, it must be \"on\" or \"off\"");
  }
  set_once(directive, slot, value == "on");
}

}  // namespace

bool read_limit_directive(const Directive& directive, InheritedSettings& settings) {
  const std::string& name = directive.name;
  if (name == "limit_req") {
    add_rule(directive, settings);
  } else if (name == "limit_req_status") {
    require_simple(directive, 1);
    set_once(directive, settings.limit_req_status,
             count_value(directive, directive.args[0], 400, 599));
  } else if (name == "limit_req_dry_run") {
    read_on_off(directive, settings.limit_req_dry_run);
  } else if (name == "limit_conn") {
    add_conn_rule(directive, settings);
  } else if (name == "limit_conn_status") {
    require_simple(directive, 1);
    set_once(directive, settings.limit_conn_status,
             count_value(directive, directive.args[0], 400, 599));
  } else if (name == "limit_conn_dry_run") {
    read_on_off(directive, settings.limit_conn_dry_run);
  } else if (name == "limit_accept") {
    read_accept_rule(directive, settings);
  } else {
    return false;
  }
  return true;
}

}  // namespace yoke::config
