#pragma once
// The admin API over upstreams (docs/admin-api.md): list them and their servers, and change a
// server at run time (weight, down, drain) through the admin-owned fields of its runtime state
// (host_runtime.h), so every worker sees the change at its next pick without a reload.
// Adding and removing servers builds a new snapshot instead (membership_api.h).
// Built on the main thread; the handlers run on the admin thread, the single writer of the
// admin fields.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "admin/admin_router.h"
#include "yoke/observe/metrics_registry.h"

namespace yoke::admin {

// Adds the /api/v1/upstreams routes to router. metrics: the registry whose route table names
// the upstreams and whose worker blocks count requests in flight.
void add_upstream_routes(AdminRouter& router,
                         const std::shared_ptr<const observe::MetricsRegistry>& metrics);

// The JSON object GET /api/v1/upstreams/NAME answers, from the registry's current snapshot;
// nullopt when it has no upstream of that name.
std::optional<nlohmann::ordered_json> upstream_view(const observe::MetricsRegistry& metrics,
                                                    std::string_view name);

}  // namespace yoke::admin
