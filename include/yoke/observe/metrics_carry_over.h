#pragma once
// Counters across reloads (docs/architecture.md, "Reload"). Each configuration generation has
// its own counter blocks, indexed by position (upstream, server) in its RouteTable; series are
// identified by labels, not positions. A reload keeps the retired blocks and adds them to the
// new generation's series of the same labels (upstream name, server address), so a counter
// never goes backwards while its series exists. Series of a removed upstream or server end.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "yoke/observe/worker_metrics.h"
#include "yoke/router/route_table.h"

namespace yoke::observe {

// The labels behind a RouteTable's block positions.
struct MetricsLayout {
  std::vector<std::string> upstreams;             // by upstream index
  std::vector<std::vector<std::string>> servers;  // by upstream, by server index: the address

  static MetricsLayout of(const router::RouteTable& routes);
  std::vector<std::size_t> servers_per_upstream() const;
};

// Where each position of one layout goes in another (kNone: the series ended).
struct LayoutMap {
  static constexpr std::size_t kNone = WorkerMetrics::kNone;
  std::vector<std::size_t> upstream;             // from upstream → to upstream
  std::vector<std::vector<std::size_t>> server;  // from upstream, server → to server

  static LayoutMap between(const MetricsLayout& from, const MetricsLayout& to);
};

// A block in layout's shape that only carries counts: its passive-health deadlines say
// "failed forever", so it never makes a server look up.
std::unique_ptr<WorkerMetrics> make_carry_block(const MetricsLayout& layout);

// Adds every counter, histogram and gauge of from (passive-health deadlines excepted) to the
// series of into that map names. The caller is into's only writer; from may still be written
// by its worker (relaxed loads; a count made meanwhile shows at the next fold).
void accumulate(WorkerMetrics& into, const WorkerMetrics& from, const LayoutMap& map);

}  // namespace yoke::observe
