#pragma once
// One screen of `yoke top`: the dashboard's table in plain text (docs/dashboard.md, "yoke
// top"), from two /api/v1/stats answers: rates and latency percentiles come from their
// difference, so they describe the interval between them. Servers are sorted as on the
// dashboard: down first, then checking, draining, up; within a state the highest p99 first.
// Pure: no I/O, no clock.
#include <nlohmann/json.hpp>
#include <string>

namespace yoke::top {

struct FrameStyle {
  bool color = false;  // ANSI colours for states and slow servers
  std::string admin;   // the address shown in the title
};

// now and before: parsed /api/v1/stats bodies, before taken earlier. Throws
// nlohmann::json::exception when a body does not have the documented shape.
std::string render_frame(const nlohmann::json& now, const nlohmann::json& before,
                         const FrameStyle& style);

}  // namespace yoke::top
