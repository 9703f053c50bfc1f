#pragma once
// The admin listener's live views (docs/dashboard.md):
//   GET /api/v1/stats  JSON: totals, per upstream per server state, weight, counts, in-flight,
//                      latency histograms, health-check history (stats_json.h)
//   GET /dashboard     the self-contained dashboard page that polls /api/v1/stats (served
//                      without the token: it holds no data; the page sends the token itself)
// Main thread: registers the routes; the handlers run on the admin thread.
#include <memory>

#include "admin/admin_router.h"
#include "yoke/observe/metrics_registry.h"

namespace yoke::admin {

// token_required: the router checks a token (the page then asks for it before its first
// request).
void add_dashboard_endpoints(AdminRouter& router,
                             const std::shared_ptr<const observe::MetricsRegistry>& metrics,
                             bool token_required);

}  // namespace yoke::admin
