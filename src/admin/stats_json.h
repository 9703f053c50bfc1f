#pragma once
// The JSON body of GET /api/v1/stats (docs/dashboard.md has the schema): a StatsSnapshot, with
// latency histograms as bucket counts plus p50/p99 estimates.
// Counters are totals since start; the dashboard and `yoke top` take rates from the difference
// of two responses (the server keeps no previous sample, so any number of viewers may poll).
// Admin thread.
#include <string>

#include "yoke/observe/stats_snapshot.h"

namespace yoke::admin {

struct StatsClock {
  double wall_seconds = 0;       // since the Unix epoch, for display
  double monotonic_seconds = 0;  // steady clock, for rates between two responses
};

std::string stats_json(const observe::StatsSnapshot& snapshot, StatsClock clock);

}  // namespace yoke::admin
