#pragma once
// Regional upstream selection (docs/global.md): `region_policy nearest;`, `region_key VALUE;`,
// `region_order CLIENT: R1, R2 …;`, `region_spill min_healthy_percent=P;` in an upstream, with
// `server … region=NAME;`.
#include <set>
#include <string>

#include "yoke/config/ast.h"
#include "yoke/config/model.h"

namespace yoke::config {

// Reads directive into upstream when it is one of the region directives; false when it is not
// (the caller tries others). seen: names read so far in this upstream (duplicates fail).
bool read_region_directive(const Directive& directive, std::set<std::string>& seen,
                           Upstream& upstream);

// Checks once the upstream is read: region_policy needs region_key and a region= on every
// primary server, excludes priority=, and every region_order names known regions; region= and
// the other directives need region_policy.
void check_regions(const Upstream& upstream, bool policy_supports_backup);

}  // namespace yoke::config
