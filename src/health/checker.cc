#include "yoke/health/checker.h"

#include "health/agent_conversation.h"
#include "health/health_counter.h"
#include "health/http_conversation.h"
#include "health/probe.h"
#include "yoke/balancing/host_state.h"
#include "yoke/balancing/random.h"
#include "yoke/core/event_loop.h"
#include "yoke/observe/error_log.h"

namespace yoke::health {
namespace {

using balancing::HealthState;

const config::Match* find_match(const config::Config& config, const std::string& name) {
  for (const config::Match& match : config.http.matches) {
    if (match.name == name) return &match;
  }
  return nullptr;  // the loader rejected unknown names; the default applies
}

std::unique_ptr<Conversation> health_conversation(const config::Config& config,
                                                  const config::HealthCheck& check,
                                                  const balancing::Host& host) {
  if (check.type == config::HealthCheck::Type::kTcp) return std::make_unique<TcpConversation>();
  const config::Match* match = check.match.empty() ? nullptr : find_match(config, check.match);
  return std::make_unique<HttpConversation>(check.uri, host.name, ResponseMatch(match));
}

// The address a check connects to: the host's, on `port=` when given (not for unix sockets).
SocketAddress check_address(const balancing::Host& host, int port) {
  SocketAddress address = host.address;
  if (port > 0 && address.family() != AF_UNIX) address.set_port(static_cast<std::uint16_t>(port));
  return address;
}

// Logs a change of health, as nginx Plus logs "peer is unhealthy" / "peer is healthy".
void log_transition(const std::string& upstream, const balancing::Host& host, HealthState from,
                    HealthState to) {
  if (from == to) return;
  observe::log_line(to == HealthState::kUp ? observe::LogLevel::kNotice : observe::LogLevel::kWarn,
                    "health check: server " + host.address.to_string() + " (" + host.name +
                        ") of upstream \"" + upstream + "\" is " +
                        std::string(balancing::health_state_name(to)) + " (was " +
                        std::string(balancing::health_state_name(from)) + ")");
}

// The upstream TLS profile of the first location that proxies to upstream with https://, or
// null when none does (checks stay plain). A location reaching the same upstream with other
// settings is not consulted: the first one speaks for the checks (docs/tls.md).
const std::size_t* tls_profile_of(const config::Config& config, const std::string& upstream) {
  for (const config::Server& server : config.http.servers) {
    for (const config::Location& location : server.locations) {
      const auto& pass = location.proxy_pass;
      if (pass && pass->tls && pass->upstream == upstream) return &pass->tls_profile;
    }
  }
  return nullptr;
}

std::vector<std::size_t> hosts_per_upstream(const router::RouteTable& routes) {
  std::vector<std::size_t> counts;
  for (const router::UpstreamEntry& upstream : routes.upstreams()) {
    counts.push_back(upstream.hosts->hosts.size());
  }
  return counts;
}

}  // namespace

Checker::Checker(std::shared_ptr<const router::RouteTable> routes)
    : routes_(std::move(routes)),
      histories_(std::make_shared<CheckHistories>(hosts_per_upstream(*routes_))),
      loop_(std::make_unique<EventLoop>()) {
  if (!routes_->config().http.upstream_tls.empty()) {
    tls_ = std::make_unique<tls::UpstreamContexts>(routes_->config(), routes_->tls());
  }
  const auto& upstreams = routes_->upstreams();
  for (std::size_t u = 0; u < upstreams.size(); ++u) {
    if (upstreams[u].hosts->runtime == nullptr) continue;
    add_health_probes(upstreams[u], u);
    add_agent_probes(upstreams[u]);
  }
}

Checker::~Checker() {
  stop();
  probes_.clear();
}

void Checker::add_health_probes(const router::UpstreamEntry& upstream, std::size_t upstream_index) {
  if (!upstream.config->health_check) return;
  const config::HealthCheck& check = *upstream.config->health_check;
  const balancing::HostSet& set = *upstream.hosts;
  ProbeTls probe_tls;
  if (const std::size_t* profile = tls_profile_of(routes_->config(), upstream.config->name)) {
    probe_tls = {tls_.get(), *profile};
  }
  for (const balancing::Host& host : set.hosts) {
    if (host.down) continue;  // `down` servers are never used; nothing to check
    balancing::HostRuntime& runtime = (*set.runtime)[host.index];
    auto counter = std::make_shared<HealthCounter>(check.fails, check.passes);
    EventLoop* loop = loop_.get();
    CheckHistory* history = histories_->find(upstream_index, host.index);
    auto on_result = [&runtime, &host, &set, counter, loop, history](bool passed) {
      if (history != nullptr) history->record(passed);
      const HealthState before = runtime.health();
      const HealthState after = counter->record(passed, before);
      runtime.set_last_check(passed ? balancing::CheckResult::kPassed
                                    : balancing::CheckResult::kFailed);
      // The loop's time: a down→up transition starts the host's slow_start ramp.
      runtime.set_health(after, loop->now());
      log_transition(set.upstream, host, before, after);
    };
    probes_.push_back(std::make_unique<Probe>(
        *loop_, check_address(host, check.port), check.timeout,
        CheckSchedule(check.interval, check.jitter, balancing::next_policy_seed()),
        health_conversation(routes_->config(), check, host), std::move(on_result), probe_tls));
  }
}

// An agent that cannot be reached changes nothing: reachability is the health check's job
// (HAProxy: "failure to connect to the agent is not considered an error").
void Checker::add_agent_probes(const router::UpstreamEntry& upstream) {
  const balancing::HostSet& set = *upstream.hosts;
  for (const balancing::Host& host : set.hosts) {
    if (host.agent_port == 0 || host.down || host.address.family() == AF_UNIX) continue;
    balancing::HostRuntime& runtime = (*set.runtime)[host.index];
    auto conversation = std::make_unique<AgentConversation>(host.agent_send);
    const AgentConversation* agent = conversation.get();
    auto on_result = [&runtime, &host, &set, agent](bool passed) {
      if (!passed) return;
      apply_agent_reply(agent->reply(), runtime);
      if (!agent->reply().ignored.empty() && observe::log_enabled(observe::LogLevel::kInfo)) {
        observe::log_line(observe::LogLevel::kInfo,
                          "agent of server " + host.address.to_string() + " in upstream \"" +
                              set.upstream +
                              "\" sent words not understood: " + agent->reply().ignored);
      }
    };
    SocketAddress address = host.address;
    address.set_port(host.agent_port);
    // HAProxy uses agent-inter as the agent's timeout too.
    probes_.push_back(std::make_unique<Probe>(
        *loop_, address, host.agent_interval,
        CheckSchedule(host.agent_interval, Milliseconds(0), balancing::next_policy_seed()),
        std::move(conversation), std::move(on_result)));
  }
}

void Checker::start() {
  if (probes_.empty() || thread_.joinable()) return;
  for (auto& probe : probes_) probe->start();
  thread_ = std::thread([this] {
    loop_->run();
    for (auto& probe : probes_) probe->stop();
  });
}

void Checker::stop() {
  if (!thread_.joinable()) return;
  loop_->stop();
  thread_.join();
}

}  // namespace yoke::health
