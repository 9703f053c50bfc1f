// Scenario files use Yoke's own nginx-style syntax (src/config's lexer and parser, through
// config::parse_config_text), so comments, quoting, `include` and file:line:column errors work
// as in yoke.conf. This file reads the run-wide settings; scenario_parse_servers.cc reads servers
// and timeline events.
#include "scenario_parse.h"

#include <string_view>

#include "scenario_values.h"

namespace yoke::sim {
namespace {

using config::Argument;
using config::ConfigError;
using config::Directive;

void read_service(Scenario& scenario, const Directive& directive) {
  expect_args(directive, 1, 3);
  const std::string& kind = directive.args[0].text;
  ServiceSpec& service = scenario.service;
  Params params(directive, 1);
  if (kind == "exponential") {
    service.kind = ServiceKind::kExponential;
  } else if (kind == "deterministic") {
    service.kind = ServiceKind::kDeterministic;
  } else if (kind == "lognormal") {
    service.kind = ServiceKind::kLognormal;
    if (const Argument* sigma = params.take("sigma")) service.sigma = parse_number(*sigma, 0.01, 4);
  } else if (kind == "pareto" || kind == "bounded_pareto") {
    service.kind = kind == "pareto" ? ServiceKind::kPareto : ServiceKind::kBoundedPareto;
    // A Pareto mean exists only for alpha > 1.
    if (const Argument* alpha = params.take("alpha"))
      service.alpha = parse_number(*alpha, 1.01, 10);
    if (service.kind == ServiceKind::kBoundedPareto) {
      if (const Argument* ratio = params.take("ratio"))
        service.ratio = parse_number(*ratio, 2, 1e9);
    }
  } else {
    throw ConfigError(directive.args[0].where,
                      "unknown service distribution \"" + kind +
                          "\", expected exponential, deterministic, lognormal, pareto or "
                          "bounded_pareto");
  }
  params.finish();
}

void read_arrivals(Scenario& scenario, const Directive& directive) {
  expect_args(directive, 1, 4);
  const std::string& kind = directive.args[0].text;
  ArrivalSpec& arrivals = scenario.arrivals;
  Params params(directive, 1);
  if (kind == "poisson") {
    arrivals.kind = ArrivalKind::kPoisson;
  } else if (kind == "bursty") {
    arrivals.kind = ArrivalKind::kBursty;
    if (const Argument* factor = params.take("factor"))
      arrivals.factor = parse_number(*factor, 1, 1000);
    if (const Argument* burst = params.take("burst")) arrivals.burst = parse_time(*burst);
    if (const Argument* calm = params.take("calm")) arrivals.calm = parse_time(*calm);
  } else {
    throw ConfigError(directive.args[0].where,
                      "unknown arrival process \"" + kind + "\", expected poisson or bursty");
  }
  params.finish();
}

void read_keys(Scenario& scenario, const Directive& directive) {
  expect_args(directive, 2, 3);
  const std::string& kind = directive.args[0].text;
  KeySpec& keys = scenario.keys;
  Params params(directive, 1);
  if (kind == "uniform") {
    keys.kind = KeyKind::kUniform;
  } else if (kind == "zipf") {
    keys.kind = KeyKind::kZipf;
    if (const Argument* exponent = params.take("exponent"))
      keys.exponent = parse_number(*exponent, 0, 5);
  } else {
    throw ConfigError(directive.args[0].where,
                      "unknown key distribution \"" + kind + "\", expected uniform or zipf");
  }
  const Argument* count = params.take("count");
  if (count == nullptr) throw ConfigError(directive.where, "\"keys\" needs count=K");
  keys.count = static_cast<std::size_t>(parse_integer(*count, 1, 1000000));
  params.finish();
}

void read_next_upstream(Scenario& scenario, const Directive& directive) {
  expect_args(directive, 1, 3);
  RetryRule& retry = scenario.retry;
  retry.on_error = false;
  retry.on_http_5xx = false;
  for (const Argument& arg : directive.args) {
    if (arg.text == "off" && directive.args.size() == 1) continue;
    if (arg.text == "error") {
      retry.on_error = true;
    } else if (arg.text == "http_5xx") {
      retry.on_http_5xx = true;
    } else {
      throw ConfigError(arg.where, "expected \"off\", or \"error\" and/or \"http_5xx\", found \"" +
                                       arg.text + "\"");
    }
  }
}

void read_policy(Scenario& scenario, const Directive& directive) {
  if (directive.args.empty()) throw ConfigError(directive.where, "\"policy\" needs a policy name");
  PolicySpec policy;
  policy.name = directive.args[0].text;
  policy.args.assign(directive.args.begin() + 1, directive.args.end());
  policy.where = directive.args[0].where;
  scenario.policies.push_back(std::move(policy));
}

// Run-wide settings with one argument.
bool read_setting(Scenario& scenario, const Directive& directive) {
  const std::string_view name = directive.name;
  if (name != "title" && name != "requests" && name != "warmup" && name != "load" &&
      name != "service_mean" && name != "nodes" && name != "shared_info_refresh" &&
      name != "next_upstream_tries") {
    return false;
  }
  expect_args(directive, 1, 1);
  const Argument& arg = directive.args[0];
  if (name == "title") scenario.title = arg.text;
  if (name == "requests") scenario.requests = parse_integer(arg, 1, 100000000);
  if (name == "warmup") scenario.warmup = parse_percent(arg, 0, 0.9);
  if (name == "load") scenario.load = parse_percent(arg, 0.001, 10);
  if (name == "service_mean") scenario.service_mean = parse_time(arg);
  if (name == "nodes") scenario.nodes = static_cast<int>(parse_integer(arg, 1, 1000));
  if (name == "shared_info_refresh") scenario.shared_info_refresh = parse_time(arg, true);
  if (name == "next_upstream_tries")
    scenario.retry.tries = static_cast<int>(parse_integer(arg, 0, 100));
  return true;
}

void read_directive(Scenario& scenario, const Directive& directive) {
  if (directive.has_block) {
    throw ConfigError(directive.where, "\"" + directive.name + "\" takes no block");
  }
  if (read_setting(scenario, directive) || read_server_directive(scenario, directive) ||
      read_event_directive(scenario, directive)) {
    return;
  }
  const std::string& name = directive.name;
  if (name == "service") return read_service(scenario, directive);
  if (name == "arrivals") return read_arrivals(scenario, directive);
  if (name == "keys") return read_keys(scenario, directive);
  if (name == "next_upstream") return read_next_upstream(scenario, directive);
  if (name == "policy") return read_policy(scenario, directive);
  throw ConfigError(directive.where, "unknown scenario directive \"" + name + "\"");
}

void check_complete(const Scenario& scenario) {
  bool has_primary = false;
  for (const ServerSpec& server : scenario.servers) has_primary = has_primary || !server.backup;
  if (!has_primary) {
    throw ConfigError(scenario.where,
                      "scenario \"" + scenario.name + "\" has no non-backup server");
  }
  if (scenario.policies.empty()) {
    throw ConfigError(scenario.where, "scenario \"" + scenario.name + "\" lists no policy");
  }
}

Scenario read_scenario(const Directive& block) {
  if (block.name != "scenario" || !block.has_block || block.args.size() != 1) {
    throw ConfigError(block.where,
                      "expected \"scenario NAME { … }\", found \"" + block.name + "\"");
  }
  Scenario scenario;
  scenario.name = block.args[0].text;
  scenario.where = block.where;
  for (const Directive& directive : block.block) read_directive(scenario, directive);
  check_complete(scenario);
  return scenario;
}

}  // namespace

namespace {

std::vector<Scenario> read_scenarios(const std::vector<Directive>& blocks,
                                     const std::string& file_name) {
  std::vector<Scenario> scenarios;
  scenarios.reserve(blocks.size());
  for (const Directive& block : blocks) scenarios.push_back(read_scenario(block));
  if (scenarios.empty()) {
    throw ConfigError(config::SourceLocation{file_name, 1, 1}, "no scenario in file");
  }
  return scenarios;
}

}  // namespace

std::vector<Scenario> parse_scenarios(const std::string& text, const std::string& file_name) {
  return read_scenarios(config::parse_config_text(text, file_name), file_name);
}

std::vector<Scenario> load_scenarios(const std::string& path) {
  return read_scenarios(config::parse_config_file(path), path);
}

std::string PolicySpec::label() const {
  std::string text = name;
  for (const Argument& arg : args) text += " " + arg.text;
  return text;
}

}  // namespace yoke::sim
