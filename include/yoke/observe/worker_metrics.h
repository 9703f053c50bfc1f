#pragma once
// One worker's counters (docs/metrics.md lists what each becomes). The worker thread is the only
// writer of its block, with relaxed load + store (metric_cells.h says why); the admin thread
// reads every worker's block and sums them when it is scraped. Blocks are sized once from the
// configuration (upstreams and their servers), so recording never allocates, locks or looks
// anything up by name: the proxy indexes by upstream and server position.
// Lifetime: shared (std::shared_ptr) between the worker and the admin thread's registry, so
// either may end first.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "yoke/core/clock.h"
#include "yoke/observe/metric_cells.h"
#include "yoke/tls/handshake_counters.h"

namespace yoke::observe {

inline constexpr std::size_t kCodeClasses = 5;  // 1xx … 5xx

// Why an attempt on a server failed (the `reason` label of yoke_upstream_failures_total).
enum class FailureReason : std::uint8_t {
  kConnectError,   // connect() refused or failed, or the socket could not be opened
  kTimeout,        // proxy_connect/send/read_timeout expired
  kReset,          // the connection broke after it was established (send failed, closed early)
  kInvalidHeader,  // the response head was malformed or too big
  kHttp5xx,        // the server answered with a 5xx status (retried or passed on)
  kCount
};
std::string_view failure_reason_name(FailureReason reason);

// Why a client connection closed (the `reason` label of yoke_client_connections_closed_total).
enum class ClientCloseReason : std::uint8_t {
  kClientClosed,  // the client closed or reset it
  kIdleTimeout,   // keepalive_timeout, or no request within client_header_timeout
  kTimeout,       // a request timed out (client_header_timeout, client_body_timeout, send)
  kServerClosed,  // Yoke closed after a response (Connection: close, keepalive_requests, errors)
  kError,         // a read or write failed, or a response could not be completed
  kShutdown,      // the worker stopped
  kCount
};
std::string_view client_close_reason_name(ClientCloseReason reason);

// Why a connection was closed at accept, before any byte was read (the `reason` label of
// yoke_connections_rejected_total), or right after a PROXY protocol header that was invalid.
enum class RejectReason : std::uint8_t {
  kWorkerConnections,  // the worker had worker_connections open
  kMaxConns,           // the address had listen … max_conns=N open (all workers)
  kAcceptRate,         // limit_accept: the client's address connected too often
  kProxyProtocol,      // listen … proxy_protocol: the header was missing or malformed
  kDenylist,           // the runtime deny list holds the peer (or the PROXY header's source)
  kCount
};
std::string_view reject_reason_name(RejectReason reason);

// The index of status's class (0 for 1xx … 4 for 5xx); statuses outside 100-599 count as 5xx.
inline std::size_t code_class_index(int status) {
  return status >= 100 && status < 600 ? static_cast<std::size_t>(status / 100 - 1) : 4;
}

// One upstream server as seen by one worker.
struct ServerCells {
  std::array<Counter, kCodeClasses> responses;  // requests whose response this server gave
  std::array<Counter, static_cast<std::size_t>(FailureReason::kCount)> failures;
  Gauge in_flight;             // attempts sent to it and not ended
  LatencyHistogram connect;    // new connections: connect() to established
  LatencyHistogram header;     // attempt start to the complete response head
  LatencyHistogram last_byte;  // attempt start to the response's last byte
  // Passive health (max_fails / fail_timeout): until when this worker skips the server, as
  // steady-clock nanoseconds; 0 while it is not failed.
  Gauge failed_until_ns;
};

// One upstream as seen by one worker.
struct UpstreamCells {
  explicit UpstreamCells(std::size_t servers_in_upstream)
      : servers(std::make_unique<ServerCells[]>(servers_in_upstream)),
        server_count(servers_in_upstream) {}
  std::unique_ptr<ServerCells[]> servers;
  std::size_t server_count;
  // Requests routed to this upstream that Yoke answered itself (502/503/504 after failed
  // attempts, 413, …): the server="" series.
  std::array<Counter, kCodeClasses> local_responses;
  LatencyHistogram request_duration;  // every request routed here, client view
  Counter retries;                    // attempts after the first, on another server
  Counter retry_budget_exhausted;     // retries refused by retry_budget
  Counter connections_created;
  Counter connections_reused;  // attempts that took a keep-alive connection from the pool
  Counter connections_closed;
  Gauge connections_idle;  // in the keep-alive pool now
};

class WorkerMetrics {
 public:
  // servers_per_upstream: the server count of each upstream, in RouteTable order.
  explicit WorkerMetrics(std::span<const std::size_t> servers_per_upstream);
  WorkerMetrics(const WorkerMetrics&) = delete;
  WorkerMetrics& operator=(const WorkerMetrics&) = delete;

  std::size_t upstream_count() const { return upstream_count_; }
  // Writers: the owning worker. Readers: any thread.
  UpstreamCells& upstream(std::size_t index) { return *upstreams_[index]; }
  const UpstreamCells& upstream(std::size_t index) const { return *upstreams_[index]; }
  ServerCells& server(std::size_t upstream, std::size_t server) {
    return upstreams_[upstream]->servers[server];
  }

  // Requests no upstream was involved in (no location, `return`, 400/408/431 …).
  std::array<Counter, kCodeClasses> unrouted_responses;
  LatencyHistogram unrouted_duration;
  Counter connections_accepted;
  // Closed at accept (or at a bad PROXY header), by reason; never counted as accepted or closed
  // except kProxyProtocol (accepted, then closed with reason "error").
  std::array<Counter, static_cast<std::size_t>(RejectReason::kCount)> connections_rejected;
  Counter min_rate_closed;  // connections closed for sending below client_min_rate
  Counter rerouted;         // requests over a limit_req sent to its reroute= upstream
  // Requests answered 403 because the deny list holds the address realip found in a header.
  Counter denylist_forbidden;
  std::array<Counter, static_cast<std::size_t>(ClientCloseReason::kCount)> connections_closed;
  // Access logs (src/proxy/access_log.h): write() or open() calls that failed, and the lines
  // lost with them.
  Counter access_log_write_errors;
  Counter access_log_lines_dropped;
  // TLS handshakes on this worker's client connections (kept here, with every other counter
  // of the worker, so that the admin thread reaches them through the same shared block).
  tls::HandshakeCounters tls_handshakes;

  // A finished request: upstream < upstream_count() when its location proxies, server <
  // the upstream's server count when that server's response was passed on.
  static constexpr std::size_t kNone = ~std::size_t{0};
  void count_request(std::size_t upstream, std::size_t server, int status, Microseconds duration);

 private:
  std::unique_ptr<std::unique_ptr<UpstreamCells>[]> upstreams_;
  std::size_t upstream_count_;
};

}  // namespace yoke::observe
