#include "admin/dashboard_endpoints.h"

#include <chrono>

#include "admin/stats_json.h"

namespace yoke::admin {

void add_dashboard_endpoints(AdminRouter& router,
                             const std::shared_ptr<const observe::MetricsRegistry>& metrics,
                             const std::shared_ptr<const health::CheckHistories>& histories) {
  router.add_get("/api/v1/stats", [metrics, histories](const AdminRequest&) {
    const TimePoint now = Clock::now();
    StatsClock clock;
    clock.wall_seconds =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    clock.monotonic_seconds = std::chrono::duration<double>(now.time_since_epoch()).count();
    AdminResponse response;
    response.content_type = "application/json";
    response.body = stats_json(metrics->stats(now), histories.get(), clock);
    return response;
  });
}

}  // namespace yoke::admin
