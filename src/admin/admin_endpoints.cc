#include "admin/admin_endpoints.h"

#include "admin/dashboard_endpoints.h"
#include "admin/denylist_api.h"
#include "admin/healthz.h"
#include "admin/upstreams_api.h"

namespace yoke::admin {

std::unique_ptr<AdminServer> make_admin_server(
    const config::Admin& config, const std::shared_ptr<const observe::MetricsRegistry>& metrics,
    const std::shared_ptr<const NodeHealth>& node,
    const std::shared_ptr<DenylistStore>& denylist) {
  AdminRouter router(config.token);
  // Public: keepalived's check script and load balancers' probes carry no token, and the answer
  // holds only counts of servers up.
  router.add_get(
      "/healthz",
      [metrics, node](const AdminRequest&) {
        return healthz_response(*metrics->routes(), node->phase(), Clock::now());
      },
      AdminRouter::Access::kPublic);
  router.add_get("/metrics", [metrics](const AdminRequest& request) {
    observe::ExpositionFormat format = observe::negotiate_format(request.accept);
    AdminResponse response;
    response.content_type = observe::content_type(format);
    response.body = metrics->render(format, Clock::now());
    return response;
  });
  add_upstream_routes(router, metrics);
  add_dashboard_endpoints(router, metrics, !config.token.empty());
  if (denylist) add_denylist_routes(router, denylist);
  auto server = std::make_unique<AdminServer>(config.address, std::move(router));
  if (denylist) {
    // Runs once the admin thread's loop starts: the store's timer belongs to that thread.
    EventLoop& loop = server->loop();
    loop.post([denylist, &loop] { denylist->attach(loop); });
  }
  return server;
}

}  // namespace yoke::admin
