#pragma once
// `adaptive [decay=TIME] [penalty=TIME] [hot=Q] [candidates=N]`.
#include <optional>
#include <string>
#include <vector>

#include "yoke/config/ast.h"
#include "yoke/core/clock.h"

namespace yoke::balancing {

struct AdaptiveArguments {
  // How fast each host's latency model forgets (load_latency_model.h): samples Δt old weigh
  // e^(−Δt/decay). Short enough to follow a host that slows down within a few seconds; 3 s
  // was best or within noise of the best among 0.3–10 s in the simulator scenarios
  // (docs/balancing.md).
  Milliseconds decay{3000};
  // The latency an error is learnt as at least, so a host that fails fast does not look fast.
  Milliseconds penalty{1000};
  // Prequal's Q_RIF: hosts whose requests in flight (per unit of weight) lie above this quantile
  // of the candidates' are hot and only chosen when no cold one is eligible.
  double hot_quantile = 0.5;
  // How many hosts are drawn as candidates when the group is larger than that (Prequal's probe
  // pool); smaller groups are considered whole.
  int candidates = 16;
};

std::optional<std::string> parse_adaptive_arguments(const std::vector<config::Argument>& args,
                                                    AdaptiveArguments& out);

}  // namespace yoke::balancing
