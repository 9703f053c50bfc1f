#include "admin/dashboard_endpoints.h"

#include <chrono>

#include "admin/dashboard_page.h"
#include "admin/stats_json.h"

namespace yoke::admin {

void add_dashboard_endpoints(AdminRouter& router,
                             const std::shared_ptr<const observe::MetricsRegistry>& metrics,
                             bool token_required) {
  router.add_get("/api/v1/stats", [metrics](const AdminRequest&) {
    const TimePoint now = Clock::now();
    StatsClock clock;
    clock.wall_seconds =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    clock.monotonic_seconds = std::chrono::duration<double>(now.time_since_epoch()).count();
    AdminResponse response;
    response.content_type = "application/json";
    response.body = stats_json(metrics->stats(now), clock);
    return response;
  });
  router.add_get(
      "/dashboard",
      [page = dashboard_page(token_required)](const AdminRequest&) {
        AdminResponse response;
        response.content_type = "text/html; charset=utf-8";
        response.body = page;
        // The page runs only its own inline script and talks only to this listener.
        response.headers.emplace_back(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            "connect-src 'self'; img-src data:; frame-ancestors 'none'");
        return response;
      },
      AdminRouter::Access::kPublic);
}

}  // namespace yoke::admin
