#pragma once
// The admin listener's endpoints, wired to what they show:
//   GET /healthz  200 "ok" while Yoke serves (a later issue makes it 503 while draining)
//   GET /metrics  Prometheus text 0.0.4, or OpenMetrics 1.0 when Accept asks for it
//   /api/v1/upstreams…  the JSON API over upstreams and their servers (upstreams_api.h,
//                       docs/admin-api.md)
//   GET /api/v1/stats, GET /dashboard  the live views (dashboard_endpoints.h)
// Main thread: builds the server; the endpoints then run on the admin thread.
#include <memory>

#include "admin/admin_server.h"
#include "yoke/config/model.h"
#include "yoke/membership/member_change.h"
#include "yoke/observe/metrics_registry.h"

namespace yoke::admin {

// swap publishes the snapshots of membership changes (POST/DELETE of servers); it outlives the
// server.
std::unique_ptr<AdminServer> make_admin_server(
    const config::Admin& config, const std::shared_ptr<const observe::MetricsRegistry>& metrics,
    membership::SnapshotSwap& swap);

}  // namespace yoke::admin
