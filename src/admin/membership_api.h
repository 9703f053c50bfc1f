#pragma once
// The admin API's membership changes (docs/admin-api.md, "Adding and removing servers"):
//   POST   /api/v1/upstreams/NAME/servers     add a server  → 201 with its object
//   DELETE /api/v1/upstreams/NAME/servers/ID  drain, then remove a server → 200 with the
//                                             upstream's remaining servers
// Each builds the upstream's new member list from the running snapshot's configuration and
// hands it to membership::change_members, which publishes a new snapshot without a reload.
// Built on the main thread; the handlers run on the admin thread.
#include <memory>

#include "admin/admin_router.h"
#include "yoke/membership/member_change.h"
#include "yoke/observe/metrics_registry.h"

namespace yoke::admin {

// swap outlives router.
void add_membership_routes(AdminRouter& router,
                           const std::shared_ptr<const observe::MetricsRegistry>& metrics,
                           membership::SnapshotSwap& swap);

}  // namespace yoke::admin
