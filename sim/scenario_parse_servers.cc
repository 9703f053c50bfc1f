// Servers (`servers`, `server`) and the timeline (`slowdown`, `pause`, `fail`, `remove`, `add`).
// Events name servers declared above them.
#include <algorithm>
#include <string>
#include <vector>

#include "scenario_parse.h"
#include "scenario_values.h"

namespace yoke::sim {
namespace {

using config::Argument;
using config::ConfigError;
using config::Directive;

// `slots=N speed=F weight=W backup max_fails=N fail_timeout=T max_conns=N`: the balancing::Host
// fields as `server` takes them in yoke.conf, plus the simulated capacity.
ServerSpec read_server_params(Params& params) {
  ServerSpec server;
  if (const Argument* slots = params.take("slots")) {
    server.slots = static_cast<int>(parse_integer(*slots, 1, 100000));
  }
  if (const Argument* speed = params.take("speed")) server.speed = parse_number(*speed, 1e-6, 1e6);
  if (const Argument* weight = params.take("weight")) {
    server.weight = static_cast<int>(parse_integer(*weight, 1, 1000000));
  }
  server.backup = params.take_flag("backup");
  if (const Argument* max_fails = params.take("max_fails")) {
    server.max_fails = static_cast<int>(parse_integer(*max_fails, 0, 1000000));
  }
  if (const Argument* timeout = params.take("fail_timeout")) {
    server.fail_timeout = parse_time(*timeout);
  }
  if (const Argument* max_conns = params.take("max_conns")) {
    server.max_conns = static_cast<int>(parse_integer(*max_conns, 0, 1000000));
  }
  params.finish();
  return server;
}

void add_server(Scenario& scenario, ServerSpec server, const Argument& where) {
  for (const ServerSpec& existing : scenario.servers) {
    if (existing.name == server.name) {
      throw ConfigError(where.where, "server \"" + server.name + "\" is declared twice");
    }
  }
  scenario.servers.push_back(std::move(server));
}

// `servers COUNT [params]`: COUNT identical servers named s<N>, numbered after those before.
void read_servers(Scenario& scenario, const Directive& directive) {
  if (directive.args.empty()) throw ConfigError(directive.where, "\"servers\" needs a count");
  const auto count = parse_integer(directive.args[0], 1, 10000);
  Params params(directive, 1);
  const ServerSpec prototype = read_server_params(params);
  for (std::int64_t i = 0; i < count; ++i) {
    ServerSpec server = prototype;
    server.name = "s" + std::to_string(scenario.servers.size() + 1);
    add_server(scenario, std::move(server), directive.args[0]);
  }
}

void read_server(Scenario& scenario, const Directive& directive) {
  if (directive.args.empty()) throw ConfigError(directive.where, "\"server\" needs a name");
  Params params(directive, 1);
  ServerSpec server = read_server_params(params);
  server.name = directive.args[0].text;
  add_server(scenario, std::move(server), directive.args[0]);
}

const Argument& required(Params& params, const Directive& directive, std::string_view key) {
  const Argument* arg = params.take(key);
  if (arg == nullptr) {
    throw ConfigError(directive.where,
                      "\"" + directive.name + "\" needs " + std::string(key) + "=…");
  }
  return *arg;
}

void read_slowdown(Scenario& scenario, const Directive& directive) {
  expect_args(directive, 3, 3);
  Params params(directive, 1);
  SlowdownEvent event;
  event.server = find_server(scenario, directive.args[0]);
  event.factor = parse_number(required(params, directive, "factor"), 1e-3, 1e6);
  event.at = parse_percent(required(params, directive, "at"), 0, 1);
  params.finish();
  scenario.slowdowns.push_back(event);
}

// `pause SERVER|all duration=T every=T`: a stop-the-world pause of duration every period.
void read_pause(Scenario& scenario, const Directive& directive) {
  expect_args(directive, 3, 3);
  Params params(directive, 1);
  PauseSpec pause;
  pause.duration = parse_time(required(params, directive, "duration"));
  const Argument& every = required(params, directive, "every");
  pause.period = parse_time(every);
  params.finish();
  if (pause.duration >= pause.period) {
    throw ConfigError(every.where, "a pause must be shorter than its period");
  }
  if (directive.args[0].text == "all") {
    for (std::size_t i = 0; i < scenario.servers.size(); ++i) {
      pause.server = i;
      scenario.pauses.push_back(pause);
    }
    return;
  }
  pause.server = find_server(scenario, directive.args[0]);
  scenario.pauses.push_back(pause);
}

// `fail SERVER probability=P% [kind=status|reset] [latency=T] [from=P%]`.
void read_fail(Scenario& scenario, const Directive& directive) {
  expect_args(directive, 2, 5);
  Params params(directive, 1);
  FailSpec fail;
  fail.server = find_server(scenario, directive.args[0]);
  fail.probability = parse_percent(required(params, directive, "probability"), 0, 1);
  if (const Argument* kind = params.take("kind")) {
    if (kind->text != "status" && kind->text != "reset") {
      throw ConfigError(kind->where,
                        "expected kind=status or kind=reset, found \"" + kind->text + "\"");
    }
    fail.kind = kind->text == "status" ? FailKind::kStatus : FailKind::kReset;
  }
  if (const Argument* latency = params.take("latency")) fail.latency = parse_time(*latency, true);
  if (const Argument* from = params.take("from")) fail.from = parse_percent(*from, 0, 1);
  params.finish();
  scenario.failures.push_back(fail);
}

void read_membership(Scenario& scenario, const Directive& directive) {
  expect_args(directive, 2, 2);
  Params params(directive, 1);
  MembershipEvent event;
  event.server = find_server(scenario, directive.args[0]);
  event.add = directive.name == "add";
  event.at = parse_percent(required(params, directive, "at"), 0, 1);
  event.where = directive.where;
  params.finish();
  // A server must be in the upstream to be removed and out of it to be added, in time order.
  std::vector<MembershipEvent> same_server;
  for (const MembershipEvent& earlier : scenario.membership) {
    if (earlier.server == event.server) same_server.push_back(earlier);
  }
  const bool ordered = same_server.empty() || same_server.back().at <= event.at;
  const bool member = same_server.empty() || same_server.back().add;
  if (!ordered || member == event.add) {
    throw ConfigError(directive.where,
                      "\"" + directive.name + " " + directive.args[0].text + "\" must follow " +
                          (event.add ? "a remove of it" : "its declaration or an add") +
                          ", later in the run");
  }
  scenario.membership.push_back(event);
}

}  // namespace

std::size_t find_server(const Scenario& scenario, const Argument& arg) {
  for (std::size_t i = 0; i < scenario.servers.size(); ++i) {
    if (scenario.servers[i].name == arg.text) return i;
  }
  throw ConfigError(arg.where, "no server \"" + arg.text + "\" is declared above");
}

bool read_server_directive(Scenario& scenario, const Directive& directive) {
  if (directive.name == "servers") {
    read_servers(scenario, directive);
  } else if (directive.name == "server") {
    read_server(scenario, directive);
  } else {
    return false;
  }
  return true;
}

bool read_event_directive(Scenario& scenario, const Directive& directive) {
  const std::string& name = directive.name;
  if (name == "slowdown") {
    read_slowdown(scenario, directive);
  } else if (name == "pause") {
    read_pause(scenario, directive);
  } else if (name == "fail") {
    read_fail(scenario, directive);
  } else if (name == "remove" || name == "add") {
    read_membership(scenario, directive);
  } else {
    return false;
  }
  return true;
}

}  // namespace yoke::sim
