// `health_check` inside an upstream, nginx Plus syntax (ngx_http_upstream_hc_module):
//   health_check [interval=T] [jitter=T] [fails=N] [passes=N] [uri=URI] [port=N] [match=NAME]
//                [type=http|tcp] [timeout=T] [mandatory];
// Defaults are Yoke's (docs/configuration.md): interval 2s, fails 3, passes 2, uri /health,
// timeout 1s. Every bad value is reported at its parameter.
#include <set>

#include "config/build.h"
#include "config/directive_checks.h"

namespace yoke::config {
namespace {

void read_type(const Directive& directive, const Argument& value, HealthCheck& check) {
  if (value.text == "http") {
    check.type = HealthCheck::Type::kHttp;
  } else if (value.text == "tcp") {
    check.type = HealthCheck::Type::kTcp;
  } else {
    fail(value.where, "invalid value " + quote(value.text) + " in " + quote(directive.name) +
                          " directive, expected \"http\" or \"tcp\"");
  }
}

void read_uri(const Directive& directive, const Argument& value, HealthCheck& check) {
  // Sent verbatim in the request line: an origin-form target without spaces or controls.
  bool clean = !value.text.empty() && value.text.front() == '/';
  for (char c : value.text) clean = clean && c > ' ' && c != 0x7f;
  if (!clean) {
    fail(value.where, "invalid value " + quote(value.text) + " in " + quote(directive.name) +
                          " directive, expected a URI starting with \"/\" without spaces");
  }
  check.uri = value.text;
}

void read_parameter(const Directive& directive, const Argument& argument, HealthCheck& check) {
  const std::size_t equals = argument.text.find('=');
  const std::string key = argument.text.substr(0, equals);
  if (equals == std::string::npos) {
    if (key != "mandatory") fail(argument.where, "invalid parameter " + quote(argument.text));
    check.mandatory = true;
    return;
  }
  const Argument value = value_of(argument, equals);
  if (key == "interval") {
    check.interval = duration_value(directive, value, false);
  } else if (key == "jitter") {
    check.jitter = duration_value(directive, value, true);
  } else if (key == "fails") {
    check.fails = count_value(directive, value, 1, 1000);
  } else if (key == "passes") {
    check.passes = count_value(directive, value, 1, 1000);
  } else if (key == "uri") {
    read_uri(directive, value, check);
  } else if (key == "port") {
    check.port = count_value(directive, value, 1, 65535);
  } else if (key == "match") {
    if (value.text.empty()) fail(value.where, "empty match name in \"health_check\" directive");
    check.match = value.text;
    check.match_where = value.where;
  } else if (key == "type") {
    read_type(directive, value, check);
  } else if (key == "timeout") {
    check.timeout = duration_value(directive, value, false);
  } else {
    fail(argument.where, "invalid parameter " + quote(argument.text));
  }
}

}  // namespace

HealthCheck build_health_check(const Directive& directive) {
  require_no_block(directive);
  HealthCheck check;
  check.where = directive.where;
  std::set<std::string> seen;
  for (const Argument& argument : directive.args) {
    if (!seen.insert(argument.text.substr(0, argument.text.find('='))).second) {
      fail(argument.where, "duplicate parameter " + quote(argument.text));
    }
    read_parameter(directive, argument, check);
  }
  if (check.type == HealthCheck::Type::kTcp && !check.match.empty()) {
    fail(check.match_where, "\"match\" needs an HTTP response: it cannot be used with type=tcp");
  }
  return check;
}

void check_match_references(const Http& http) {
  for (const Upstream& upstream : http.upstreams) {
    if (!upstream.health_check || upstream.health_check->match.empty()) continue;
    const std::string& name = upstream.health_check->match;
    bool found = false;
    for (const Match& match : http.matches) found = found || match.name == name;
    if (!found) {
      fail(upstream.health_check->match_where,
           "unknown match " + quote(name) + " in \"health_check\" of upstream " +
               quote(upstream.name) + ": no \"match " + name + " { }\" block in http");
    }
  }
}

}  // namespace yoke::config
