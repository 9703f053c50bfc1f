#pragma once
// The admin listener's endpoints, wired to what they show:
//   GET /healthz  200 "ok" while the node can serve, 503 while it drains or has no server up
//                 (healthz.h; public: no token needed)
//   GET /metrics  Prometheus text 0.0.4, or OpenMetrics 1.0 when Accept asks for it
//   /api/v1/upstreams…  the JSON API over upstreams and their servers (upstreams_api.h,
//                       docs/admin-api.md)
//   GET /api/v1/stats, GET /dashboard  the live views (dashboard_endpoints.h)
//   /api/v1/denylist…   the runtime deny list (denylist_api.h)
// Main thread: builds the server; the endpoints then run on the admin thread.
#include <memory>

#include "admin/admin_server.h"
#include "admin/denylist_store.h"
#include "admin/healthz.h"
#include "yoke/config/model.h"
#include "yoke/observe/metrics_registry.h"

namespace yoke::admin {

// denylist: the runtime deny list the admin thread will own (its expiry timer is started on
// the admin loop); null = no /api/v1/denylist routes.
std::unique_ptr<AdminServer> make_admin_server(
    const config::Admin& config, const std::shared_ptr<const observe::MetricsRegistry>& metrics,
    const std::shared_ptr<const NodeHealth>& node,
    const std::shared_ptr<DenylistStore>& denylist = nullptr);

}  // namespace yoke::admin
