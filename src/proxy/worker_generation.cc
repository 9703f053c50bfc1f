#include "worker_generation.h"

namespace yoke::proxy {

WorkerGeneration::WorkerGeneration(std::shared_ptr<const router::RouteTable> routes)
    : routes_(std::move(routes)), tls_(std::make_unique<tls::WorkerContexts>(*routes_)) {
  std::vector<std::size_t> servers_per_upstream;
  for (const auto& entry : routes_->upstreams())
    servers_per_upstream.push_back(entry.hosts->hosts.size());
  metrics_ = std::make_shared<observe::WorkerMetrics>(servers_per_upstream);
  for (const auto& entry : routes_->upstreams()) {
    UpstreamRuntime runtime;
    runtime.balancer = std::make_unique<upstream::UpstreamBalancer>(
        entry.hosts, *entry.policy, entry.config->policy_args, entry.shared);
    runtime.pool = std::make_unique<UpstreamPool>(
        entry.hosts->hosts.size(), entry.config->keepalive, entry.config->keepalive_timeout);
    runtime.pool->count_idle_in(&metrics_->upstream(upstreams_.size()).connections_idle);
    for (const auto& host : entry.hosts->hosts)
      runtime.addresses.push_back(host.address.to_string());
    upstreams_.push_back(std::move(runtime));
  }
}

// Pools close their idle connections before the balancers and the snapshot they point into go.
WorkerGeneration::~WorkerGeneration() {
  for (auto& runtime : upstreams_) runtime.pool->close_all();
}

std::size_t WorkerGeneration::listener_index(const SocketAddress& address) const {
  const auto& listeners = routes_->listeners();
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    if (listeners[i].listen.address == address) return i;
  }
  return kNoListener;
}

void WorkerGeneration::retire() {
  retired_ = true;
  for (auto& runtime : upstreams_) runtime.pool->close_all();
}

}  // namespace yoke::proxy
