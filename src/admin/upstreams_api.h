#pragma once
// The admin API over upstreams (docs/admin-api.md): list them and their servers, and change a
// server at run time (weight, down, drain) through the admin-owned fields of its runtime state
// (host_runtime.h), so every worker sees the change at its next pick without a reload.
// Adding and removing servers needs a new HostSet and is left to configuration snapshots
// (docs/admin-api.md, "Adding and removing servers").
// Built on the main thread; the handlers run on the admin thread, the single writer of the
// admin fields.
#include <memory>

#include "admin/admin_router.h"
#include "yoke/observe/metrics_registry.h"

namespace yoke::admin {

// Adds the /api/v1/upstreams routes to router. metrics: the registry whose route table names
// the upstreams and whose worker blocks count requests in flight.
void add_upstream_routes(AdminRouter& router,
                         const std::shared_ptr<const observe::MetricsRegistry>& metrics);

}  // namespace yoke::admin
