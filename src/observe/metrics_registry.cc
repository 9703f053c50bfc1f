// The /metrics page: every family docs/metrics.md lists, summed over workers. Each family is
// written whole (all its series together), as both formats require, and every series that can
// exist is written from the start, zeros included, so that rate() and absent() work before the
// first event. Cardinality is fixed by the configuration: upstreams × servers × small enums.
#include "yoke/observe/metrics_registry.h"

#include <array>

namespace yoke::observe {
namespace {

constexpr std::array<std::string_view, kCodeClasses> kCodeClassNames = {"1xx", "2xx", "3xx", "4xx",
                                                                        "5xx"};

}  // namespace

MetricsRegistry::MetricsRegistry(std::shared_ptr<const router::RouteTable> routes,
                                 std::vector<std::shared_ptr<const WorkerMetrics>> workers,
                                 std::chrono::system_clock::time_point config_loaded)
    : routes_(std::move(routes)), current_(std::move(workers)) {
  set_layout();
  config_loaded_seconds_ = std::chrono::duration<double>(config_loaded.time_since_epoch()).count();
  certificates_ = tls::certificate_expiries(routes_->config(), routes_->tls());
}

void MetricsRegistry::set_layout() {
  layout_ = MetricsLayout::of(*routes_);
  server_labels_.clear();
  first_server_.clear();
  for (const auto& servers : layout_.servers) {
    first_server_.push_back(server_labels_.size());
    // The server label is the address: unique within an upstream even when one name resolves
    // to several addresses, and what nginx logs as $upstream_addr.
    for (const auto& label : servers) server_labels_.push_back(label);
  }
}

std::int64_t MetricsRegistry::in_flight(const router::RouteTable& routes, std::size_t upstream,
                                        std::size_t server) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::int64_t total = 0;
  if (&routes != routes_.get()) return total;
  for (const auto& worker : current_) {
    total += worker->upstream(upstream).servers[server].in_flight.value();
  }
  return total;
}

std::string MetricsRegistry::render(ExpositionFormat format, TimePoint now) const {
  std::lock_guard lock(mutex_);
  workers_ = current_;
  if (auto carried = carried_block()) workers_.push_back(std::move(carried));
  std::string text;
  ExpositionWriter out(format, text);
  write_requests(out);
  write_upstream_attempts(out);
  write_servers(out, now);
  write_resilience(out, now);
  write_global_limits(out);
  write_connections(out);
  write_tls(out);
  write_process(out);
  out.finish();
  workers_.clear();
  return text;
}

void MetricsRegistry::write_requests(ExpositionWriter& out) const {
  const auto& upstreams = routes_->upstreams();
  out.family("yoke_requests_total", MetricType::kCounter,
             "Requests answered, by the upstream of their location, the server whose response "
             "was passed on (\"\" when Yoke answered itself) and the status class.");
  for (std::size_t c = 0; c < kCodeClasses; ++c) {
    std::uint64_t total = 0;
    for (const auto& worker : workers_) total += worker->unrouted_responses[c].value();
    out.sample_count({{"upstream", ""}, {"server", ""}, {"code_class", kCodeClassNames[c]}}, total);
  }
  for (std::size_t u = 0; u < upstreams.size(); ++u) {
    std::string_view name = upstreams[u].hosts->upstream;
    for (std::size_t c = 0; c < kCodeClasses; ++c) {
      std::uint64_t local = 0;
      for (const auto& worker : workers_) local += worker->upstream(u).local_responses[c].value();
      out.sample_count({{"upstream", name}, {"server", ""}, {"code_class", kCodeClassNames[c]}},
                       local);
      for (std::size_t s = 0; s < upstreams[u].hosts->hosts.size(); ++s) {
        std::uint64_t total = 0;
        for (const auto& worker : workers_) {
          total += worker->upstream(u).servers[s].responses[c].value();
        }
        out.sample_count({{"upstream", name},
                          {"server", server_labels_[first_server_[u] + s]},
                          {"code_class", kCodeClassNames[c]}},
                         total);
      }
    }
  }
  out.family("yoke_request_duration_seconds", MetricType::kHistogram,
             "Time from a request's complete head to the end of its response, as the client "
             "sees it, by the upstream of its location (\"\" when none).",
             "seconds");
  HistogramSnapshot unrouted;
  for (const auto& worker : workers_) unrouted.add(worker->unrouted_duration);
  out.histogram({{"upstream", ""}}, unrouted);
  for (std::size_t u = 0; u < upstreams.size(); ++u) {
    HistogramSnapshot snapshot;
    for (const auto& worker : workers_) snapshot.add(worker->upstream(u).request_duration);
    out.histogram({{"upstream", upstreams[u].hosts->upstream}}, snapshot);
  }
}

void MetricsRegistry::write_upstream_attempts(ExpositionWriter& out) const {
  const auto& upstreams = routes_->upstreams();
  out.family("yoke_upstream_response_seconds", MetricType::kHistogram,
             "Attempts on a server by phase: connect (new connections only), header (attempt "
             "start to the complete response head) and last_byte (to the response's end).",
             "seconds");
  using Phase = const LatencyHistogram ServerCells::*;
  constexpr std::array<std::pair<std::string_view, Phase>, 3> kPhases = {
      std::pair{"connect", &ServerCells::connect}, std::pair{"header", &ServerCells::header},
      std::pair{"last_byte", &ServerCells::last_byte}};
  for (std::size_t u = 0; u < upstreams.size(); ++u) {
    for (std::size_t s = 0; s < upstreams[u].hosts->hosts.size(); ++s) {
      for (const auto& [phase, member] : kPhases) {
        HistogramSnapshot snapshot;
        for (const auto& worker : workers_) snapshot.add(worker->upstream(u).servers[s].*member);
        out.histogram({{"upstream", upstreams[u].hosts->upstream},
                       {"server", server_labels_[first_server_[u] + s]},
                       {"phase", phase}},
                      snapshot);
      }
    }
  }
  out.family("yoke_upstream_retries_total", MetricType::kCounter,
             "Attempts after a request's first one (proxy_next_upstream).");
  for (std::size_t u = 0; u < upstreams.size(); ++u) {
    std::uint64_t total = 0;
    for (const auto& worker : workers_) total += worker->upstream(u).retries.value();
    out.sample_count({{"upstream", upstreams[u].hosts->upstream}}, total);
  }
  out.family("yoke_upstream_failures_total", MetricType::kCounter,
             "Failed attempts on a server, by reason.");
  for (std::size_t u = 0; u < upstreams.size(); ++u) {
    for (std::size_t s = 0; s < upstreams[u].hosts->hosts.size(); ++s) {
      for (std::size_t r = 0; r < static_cast<std::size_t>(FailureReason::kCount); ++r) {
        std::uint64_t total = 0;
        for (const auto& worker : workers_) {
          total += worker->upstream(u).servers[s].failures[r].value();
        }
        out.sample_count({{"upstream", upstreams[u].hosts->upstream},
                          {"server", server_labels_[first_server_[u] + s]},
                          {"reason", failure_reason_name(static_cast<FailureReason>(r))}},
                         total);
      }
    }
  }
}

void MetricsRegistry::write_servers(ExpositionWriter& out, TimePoint now) const {
  const auto& upstreams = routes_->upstreams();
  auto each_server = [&](auto write) {
    for (std::size_t u = 0; u < upstreams.size(); ++u) {
      for (std::size_t s = 0; s < upstreams[u].hosts->hosts.size(); ++s) {
        write(u, s, upstreams[u].hosts->hosts[s], server_labels_[first_server_[u] + s]);
      }
    }
  };
  out.family("yoke_server_up", MetricType::kGauge,
             "1 when the server takes new requests: not down in the configuration, passing its "
             "health check, not drained or down by its agent, and not failed by passive health "
             "(max_fails within fail_timeout) in every worker.");
  each_server([&](std::size_t u, std::size_t s, const balancing::Host&, const std::string& label) {
    bool up = server_state(u, s, now).state == ServerState::kUp;
    out.sample({{"upstream", upstreams[u].hosts->upstream}, {"server", label}}, up ? 1 : 0);
  });
  out.family("yoke_server_state", MetricType::kGauge,
             "1 for the server's current state (up, down, draining, checking), 0 for the others.");
  constexpr std::array<ServerState, 4> kStates = {ServerState::kUp, ServerState::kDown,
                                                  ServerState::kDraining, ServerState::kChecking};
  each_server([&](std::size_t u, std::size_t s, const balancing::Host&, const std::string& label) {
    const ServerState current = server_state(u, s, now).state;
    for (ServerState state : kStates) {
      out.sample({{"upstream", upstreams[u].hosts->upstream},
                  {"server", label},
                  {"state", server_state_name(state)}},
                 state == current ? 1 : 0);
    }
  });
  if (check_histories_) {
    out.family("yoke_health_checks_total", MetricType::kCounter,
               "Active health checks of the server (health_check), by result.");
    each_server(
        [&](std::size_t u, std::size_t s, const balancing::Host&, const std::string& label) {
          const health::CheckHistory* history = check_histories_->find(u, s);
          std::string_view upstream = upstreams[u].hosts->upstream;
          out.sample_count({{"upstream", upstream}, {"server", label}, {"result", "passed"}},
                           history ? history->passed() : 0);
          out.sample_count({{"upstream", upstream}, {"server", label}, {"result", "failed"}},
                           history ? history->failed() : 0);
        });
  }
  out.family("yoke_server_weight", MetricType::kGauge, "The server's configured weight.");
  each_server(
      [&](std::size_t u, std::size_t, const balancing::Host& host, const std::string& label) {
        out.sample({{"upstream", upstreams[u].hosts->upstream}, {"server", label}}, host.weight);
      });
  out.family("yoke_server_in_flight", MetricType::kGauge,
             "Attempts sent to the server that have not ended, over all workers.");
  each_server([&](std::size_t u, std::size_t s, const balancing::Host&, const std::string& label) {
    std::int64_t total = 0;
    for (const auto& worker : workers_) total += worker->upstream(u).servers[s].in_flight.value();
    out.sample({{"upstream", upstreams[u].hosts->upstream}, {"server", label}},
               static_cast<double>(total));
  });
}

}  // namespace yoke::observe
