#include "yoke/observe/worker_metrics.h"

namespace yoke::observe {

std::string_view failure_reason_name(FailureReason reason) {
  switch (reason) {
    case FailureReason::kConnectError:
      return "connect_error";
    case FailureReason::kTimeout:
      return "timeout";
    case FailureReason::kReset:
      return "reset";
    case FailureReason::kInvalidHeader:
      return "invalid_header";
    case FailureReason::kHttp5xx:
    case FailureReason::kCount:
      break;
  }
  return "http_5xx";
}

std::string_view client_close_reason_name(ClientCloseReason reason) {
  switch (reason) {
    case ClientCloseReason::kClientClosed:
      return "client_closed";
    case ClientCloseReason::kIdleTimeout:
      return "idle_timeout";
    case ClientCloseReason::kTimeout:
      return "timeout";
    case ClientCloseReason::kServerClosed:
      return "server_closed";
    case ClientCloseReason::kShutdown:
      return "shutdown";
    case ClientCloseReason::kError:
    case ClientCloseReason::kCount:
      break;
  }
  return "error";
}

std::string_view reject_reason_name(RejectReason reason) {
  switch (reason) {
    case RejectReason::kWorkerConnections:
      return "worker_connections";
    case RejectReason::kMaxConns:
      return "max_conns";
    case RejectReason::kAcceptRate:
      return "accept_rate";
    case RejectReason::kDenylist:
      return "denylist";
    case RejectReason::kProxyProtocol:
    case RejectReason::kCount:
      break;
  }
  return "proxy_protocol";
}

WorkerMetrics::WorkerMetrics(std::span<const std::size_t> servers_per_upstream)
    : upstreams_(std::make_unique<std::unique_ptr<UpstreamCells>[]>(servers_per_upstream.size())),
      upstream_count_(servers_per_upstream.size()) {
  for (std::size_t i = 0; i < upstream_count_; ++i) {
    upstreams_[i] = std::make_unique<UpstreamCells>(servers_per_upstream[i]);
  }
}

void WorkerMetrics::count_request(std::size_t upstream, std::size_t server, int status,
                                  Microseconds duration) {
  std::size_t code_class = code_class_index(status);
  if (upstream >= upstream_count_) {
    unrouted_responses[code_class].add();
    unrouted_duration.observe(duration);
    return;
  }
  UpstreamCells& cells = *upstreams_[upstream];
  cells.request_duration.observe(duration);
  if (server < cells.server_count) {
    cells.servers[server].responses[code_class].add();
  } else {
    cells.local_responses[code_class].add();
  }
}

}  // namespace yoke::observe
