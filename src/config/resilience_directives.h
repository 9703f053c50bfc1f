#pragma once
// Upstream directives for resilience (docs/resilience.md): outlier_detection, retry_budget,
// zone_aware, priority_spill; the top-level yoke_zone and the --zone override.
#include <set>
#include <string>

#include "yoke/config/ast.h"
#include "yoke/config/model.h"

namespace yoke::config {

// Reads directive into upstream.resilience when it is one of the upstream's resilience
// directives; false when it is not one (the caller tries others). seen: the names read so far
// in this upstream (a second one fails as duplicate). Fails on bad values, at the parameter.
bool read_resilience_directive(const Directive& directive, std::set<std::string>& seen,
                               Upstream& upstream);

// Checks once the upstream is read: priority=N needs a policy that supports backup servers,
// zone_aware needs servers with zone=.
void check_resilience(const Upstream& upstream, bool policy_supports_backup);

// `yoke_zone NAME;` in the main context.
std::string read_yoke_zone(const Directive& directive);
// Applies the override, then checks that every zone_aware upstream knows the balancer's zone.
void finish_zones(Config& config, const SourceLocation& file_start);

}  // namespace yoke::config
