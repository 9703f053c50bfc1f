#pragma once
// The figures of /api/v1/stats (docs/dashboard.md): the same sources as /metrics (the workers'
// blocks summed, the HostSets and their runtime state), gathered into plain values for the
// admin API's JSON, the dashboard and `yoke top`. Built on the admin thread by
// MetricsRegistry::stats(); it only reads.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "yoke/health/check_history.h"
#include "yoke/observe/metric_cells.h"
#include "yoke/observe/worker_metrics.h"
#include "yoke/tls/handshake_counters.h"

namespace yoke::observe {

// Why a server takes no new requests, or "up" when it does.
enum class ServerState : std::uint8_t {
  kUp,
  kDown,      // `down` in the configuration, health check failed, agent down or maint,
              // ejected by outlier_detection, or passive health (max_fails) in every worker
  kDraining,  // finishes requests in flight, takes no new ones (agent "drain" or 0 %)
  kChecking,  // `health_check … mandatory`: not checked yet
};
std::string_view server_state_name(ServerState state);

struct ServerStats {
  std::string address;  // the /metrics `server` label
  std::string name;     // as configured
  ServerState state = ServerState::kUp;
  std::string_view state_reason;  // "", "configured down", "admin API", "health check", "agent",
                                  // "outlier ejection", "max_fails"
  int weight = 1;                 // configured
  double effective_weight = 1;    // weight × the agent's percentage
  bool backup = false;
  std::array<std::uint64_t, kCodeClasses> responses{};  // responses this server gave
  std::uint64_t failures = 0;                           // failed attempts, every reason
  std::int64_t in_flight = 0;
  HistogramSnapshot response_time;  // attempt start to last byte ($upstream_response_time)
  std::uint64_t checks = 0;         // active health checks since start (0: none)
  health::CheckHistory::Recent recent_checks;  // the last ones
};

struct UpstreamStats {
  std::string name;
  std::array<std::uint64_t, kCodeClasses> local_responses{};  // Yoke answered (502, 503, …)
  std::uint64_t retries = 0;
  HistogramSnapshot request_duration;  // client view
  std::vector<ServerStats> servers;    // in configuration order
};

struct TlsStats {
  std::uint64_t handshakes = 0;
  std::uint64_t resumed = 0;
  std::uint64_t failures = 0;
  std::uint64_t duration_sum_micros = 0;
};

struct StatsSnapshot {
  std::array<std::uint64_t, kCodeClasses> responses{};  // every request, every upstream
  std::uint64_t connections_open = 0;
  std::uint64_t connections_accepted = 0;
  std::size_t workers = 0;
  TlsStats tls;
  std::vector<UpstreamStats> upstreams;  // in RouteTable order
};

}  // namespace yoke::observe
