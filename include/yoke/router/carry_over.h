#pragma once
// A reload's carry-over of runtime host state (docs/architecture.md, "Reload"). Limit zones are
// carried over inside RouteTable::build (same_rate_zone / same_conn_zone).
#include <cstddef>

#include "yoke/router/route_table.h"

namespace yoke::router {

// Gives every host of `to` that was in `from` (same upstream name, same address) the state the
// checker thread had found for it: the active health verdict when both configurations check
// that upstream, the agent's words (drain, maint, down, weight %, maxconn) when both have an
// agent for that server, the outlier ejection count, and an ejection in force when both detect
// outliers there. Other hosts keep what the new configuration says (up, or checking with
// `health_check … mandatory`). Returns how many hosts were matched.
// Main thread, while no checker thread writes to either table (the running checker is stopped
// first, the new one started after), before `to` is published to the workers.
std::size_t carry_over_host_state(const RouteTable& from, const RouteTable& to);

// Gives every host of `to` that was in `from` the admin API's state (down, drain, weight, when
// it reopened): an operator's drain must survive a reload (nginx Plus keeps API changes across
// reloads in its shared zone). The admin thread is these fields' one writer, so this runs under
// the lock that orders API changes against the swap (observe::MetricsRegistry::replace), where
// no API change can land between the copy and the swap. Returns how many hosts were matched.
std::size_t carry_over_admin_state(const RouteTable& from, const RouteTable& to);

}  // namespace yoke::router
