#pragma once
// `yoke-sim --svg OUT`: latency percentiles per policy, one panel per scenario, drawn as plain
// SVG (no plotting dependency). The y axis is logarithmic: tails span orders of magnitude.
#include <string>
#include <vector>

#include "runner.h"

namespace yoke::sim {

std::string render_svg(const std::vector<ScenarioResult>& results);

}  // namespace yoke::sim
