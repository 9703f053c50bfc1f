// describe(): the scenario in words, from the parsed model, so the printed description can never
// disagree with what ran.
#include <algorithm>
#include <string>
#include <utility>
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

std::string describe_server(const ServerSpec& server) {
  std::string text = std::to_string(server.slots) + (server.slots == 1 ? " slot" : " slots");
  if (server.speed != 1) text += ", speed " + fixed(server.speed, 3);
  if (server.weight != 1) text += ", weight " + std::to_string(server.weight);
  if (server.backup) text += ", backup";
  return text;
}

// Runs of servers that read the same are told once: "s1–s9 (1 slot), slow (1 slot, speed 0.333)".
std::string describe_servers(const Scenario& scenario) {
  const std::vector<ServerSpec>& servers = scenario.servers;
  std::string text =
      std::to_string(servers.size()) + (servers.size() == 1 ? " server" : " servers");
  std::vector<std::string> runs;
  std::size_t start = 0;
  for (std::size_t i = 1; i <= servers.size(); ++i) {
    if (i < servers.size() && describe_server(servers[i]) == describe_server(servers[start]))
      continue;
    const std::string names =
        i - start == 1 ? servers[start].name : servers[start].name + "–" + servers[i - 1].name;
    runs.push_back(names + " (" + describe_server(servers[start]) + ")");
    start = i;
  }
  if (runs.size() == 1) return text + " (" + describe_server(servers.front()) + " each)";
  text += ":";
  for (std::size_t i = 0; i < runs.size(); ++i) text += (i == 0 ? " " : ", ") + runs[i];
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
  // Pauses of the same length and period are told once, with the servers that have them.
  std::vector<std::pair<std::string, std::vector<std::string>>> pauses;
  for (const PauseSpec& pause : scenario.pauses) {
    const std::string what = "pause for " + milliseconds(pause.duration) + " every " +
                             milliseconds(pause.period) + " (each at a random phase)";
    auto found = std::find_if(pauses.begin(), pauses.end(),
                              [&](const auto& entry) { return entry.first == what; });
    if (found == pauses.end()) found = pauses.insert(pauses.end(), {what, {}});
    found->second.push_back(name(pause.server));
  }
  for (const auto& [what, names] : pauses) {
    std::string who;
    if (names.size() == scenario.servers.size()) {
      who = "all servers";
    } else {
      for (const std::string& server : names) {
        if (!who.empty()) who += ", ";
        who += server;
      }
    }
    who += " ";
    who += what;
    events.push_back(std::move(who));
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
  std::string text = "proxy_next_upstream";
  if (!retry.on_error && !retry.on_http_5xx) return text + " off";
  text += std::string(retry.on_error ? " error" : "") + (retry.on_http_5xx ? " http_5xx" : "");
  return text + (retry.tries > 0 ? ", tries " + std::to_string(retry.tries) : "");
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
