#include "admin/healthz.h"

#include <string>

#include "yoke/balancing/host_state.h"

namespace yoke::admin {
namespace {

// How many of set's servers take new requests now.
std::size_t servers_up(const balancing::HostSet& set, TimePoint now) {
  std::size_t up = 0;
  for (const balancing::Host& host : set.hosts) {
    if (balancing::host_state(host, now).state == balancing::HostState::kUp) ++up;
  }
  return up;
}

}  // namespace

AdminResponse healthz_response(const router::RouteTable& routes, NodePhase phase, TimePoint now) {
  std::string detail;
  bool any_up = false;
  for (const router::UpstreamEntry& upstream : routes.upstreams()) {
    const balancing::HostSet& set = *upstream.hosts;
    const std::size_t up = servers_up(set, now);
    any_up = any_up || up > 0;
    detail += "upstream " + set.upstream + ": " + std::to_string(up) + " of " +
              std::to_string(set.hosts.size()) + " servers up\n";
  }
  if (phase == NodePhase::kDraining) {
    return text_response(503, "draining: yoke -s drain was requested\n" + detail);
  }
  if (phase == NodePhase::kStopping) {
    return text_response(503, "stopping: a graceful stop is in progress\n" + detail);
  }
  if (!routes.upstreams().empty() && !any_up) {
    return text_response(503, "unhealthy: no upstream has a server up\n" + detail);
  }
  return text_response(200, "ok\n" + detail);
}

}  // namespace yoke::admin
