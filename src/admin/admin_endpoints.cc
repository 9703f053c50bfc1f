#include "admin/admin_endpoints.h"

#include "admin/dashboard_endpoints.h"
#include "admin/membership_api.h"
#include "admin/upstreams_api.h"

namespace yoke::admin {

std::unique_ptr<AdminServer> make_admin_server(
    const config::Admin& config, const std::shared_ptr<const observe::MetricsRegistry>& metrics,
    membership::SnapshotSwap& swap) {
  AdminRouter router(config.token);
  router.add_get("/healthz", [](const AdminRequest&) { return text_response(200, "ok\n"); });
  router.add_get("/metrics", [metrics](const AdminRequest& request) {
    observe::ExpositionFormat format = observe::negotiate_format(request.accept);
    AdminResponse response;
    response.content_type = observe::content_type(format);
    response.body = metrics->render(format, Clock::now());
    return response;
  });
  add_upstream_routes(router, metrics);
  add_membership_routes(router, metrics, swap);
  add_dashboard_endpoints(router, metrics, !config.token.empty());
  return std::make_unique<AdminServer>(config.address, std::move(router));
}

}  // namespace yoke::admin
