// describe(): the scenario in words, from the parsed model, so the printed description can never
// disagree with what ran.
#include <string>
#include <vector>

#include "report.h"

namespace yoke::sim {
namespace {

std::string percent(double fraction) {
  std::string text = fixed(fraction * 100, 1);
  if (text.ends_with(".0")) text.resize(text.size() - 2);
  return text + "%";
}

std::string milliseconds(SimTime time) {
  std::string text = fixed(static_cast<double>(time) / kNanosPerMilli, 3);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text + " ms";
}

std::string describe_servers(const Scenario& scenario) {
  const ServerSpec& first = scenario.servers.front();
  bool uniform = true;
  for (const ServerSpec& server : scenario.servers) {
    uniform = uniform && server.slots == first.slots && server.speed == first.speed &&
              server.weight == first.weight && !server.backup;
  }
  std::string text = std::to_string(scenario.servers.size()) + " servers";
  if (uniform)
    return text + " (" + std::to_string(first.slots) + " slot" + (first.slots == 1 ? "" : "s") +
           " each)";
  text += ":";
  for (const ServerSpec& server : scenario.servers) {
    text += " " + server.name + "(" + std::to_string(server.slots) + "×" + fixed(server.speed, 3) +
            (server.weight != 1 ? " w" + std::to_string(server.weight) : "") +
            (server.backup ? " backup" : "") + ")";
  }
  return text;
}

std::string describe_service(const ServiceSpec& service) {
  switch (service.kind) {
    case ServiceKind::kExponential:
      return "exponential service";
    case ServiceKind::kDeterministic:
      return "constant service";
    case ServiceKind::kLognormal:
      return "lognormal service (σ=" + fixed(service.sigma, 2) + ")";
    case ServiceKind::kPareto:
      return "Pareto service (α=" + fixed(service.alpha, 2) + ")";
    case ServiceKind::kBoundedPareto:
      return "bounded Pareto service (α=" + fixed(service.alpha, 2) + ", max/min " +
             fixed(service.ratio, 0) + ")";
  }
  return "";
}

std::string describe_arrivals(const Scenario& scenario) {
  const ArrivalSpec& arrivals = scenario.arrivals;
  std::string text = arrivals.kind == ArrivalKind::kPoisson
                         ? "Poisson arrivals"
                         : "bursty arrivals (MMPP: " + fixed(arrivals.factor, 1) +
                               "× the calm rate for " + milliseconds(arrivals.burst) + " every " +
                               milliseconds(arrivals.calm) + " of calm on average)";
  return text + " at " + percent(scenario.load) + " of capacity";
}

std::vector<std::string> describe_events(const Scenario& scenario) {
  std::vector<std::string> events;
  const auto name = [&](std::size_t server) { return scenario.servers[server].name; };
  for (const SlowdownEvent& slowdown : scenario.slowdowns) {
    events.push_back(name(slowdown.server) + " becomes " + fixed(slowdown.factor, 2) +
                     "× slower at " + percent(slowdown.at) + " of the run");
  }
  if (!scenario.pauses.empty()) {
    const PauseSpec& pause = scenario.pauses.front();
    events.push_back(std::to_string(scenario.pauses.size()) + " server(s) pause for " +
                     milliseconds(pause.duration) + " every " + milliseconds(pause.period) +
                     " (random phase)");
  }
  for (const FailSpec& fail : scenario.failures) {
    events.push_back(name(fail.server) + " fails " + percent(fail.probability) + " of requests (" +
                     (fail.kind == FailKind::kStatus ? "503" : "connection reset") + " after " +
                     milliseconds(fail.latency) + ") from " + percent(fail.from) + " of the run");
  }
  for (const MembershipEvent& change : scenario.membership) {
    events.push_back(name(change.server) + (change.add ? " added back" : " removed") + " at " +
                     percent(change.at) + " of the run");
  }
  return events;
}

std::string describe_retry(const RetryRule& retry) {
  if (!retry.on_error && !retry.on_http_5xx) return "no retries";
  std::string text = std::string("retries on") + (retry.on_error ? " error" : "") +
                     (retry.on_http_5xx ? " http_5xx" : "");
  return text + (retry.tries > 0 ? ", at most " + std::to_string(retry.tries) + " tries" : "");
}

}  // namespace

std::string describe(const Scenario& scenario) {
  std::string text = describe_servers(scenario) + "; " + std::to_string(scenario.nodes) +
                     " balancer node" + (scenario.nodes == 1 ? "" : "s");
  if (scenario.nodes > 1) {
    text += scenario.shared_info_refresh > 0 ? " (shared information refreshed every " +
                                                   milliseconds(scenario.shared_info_refresh) + ")"
                                             : " (shared information exact)";
  }
  text += "; " + describe_arrivals(scenario) + "; " + describe_service(scenario.service) +
          ", mean " + milliseconds(scenario.service_mean) + "; " + describe_retry(scenario.retry);
  if (scenario.keys.kind != KeyKind::kNone) {
    text += "; " + std::to_string(scenario.keys.count) + " client keys, " +
            (scenario.keys.kind == KeyKind::kZipf ? "Zipf s=" + fixed(scenario.keys.exponent, 2)
                                                  : std::string("uniform"));
  }
  for (const std::string& event : describe_events(scenario)) text += "; " + event;
  return text + ".";
}

}  // namespace yoke::sim
