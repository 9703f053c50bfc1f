#pragma once
// One named backend served by the demo process: its listening socket, settings and counters.
#include <cstdint>
#include <string>

#include "demo/demo_routes.h"

namespace yoke::demo {

struct DemoBackend {
  std::string name;
  int delay_ms = 0;      // every answer but /__stats and /__control waits this long
  bool failing = false;  // answer 500 at once instead (set through /__control?fail=1)
  bool hanging = false;  // read requests, never answer them (/__control?hang=1)
  HealthMode health = HealthMode::kOk;  // how /health answers (/__control?health=)
  int agent_fd = -1;                    // the agent-check listener, or -1
  std::string agent_reply = "ready";    // the agent's line, without its LF (/__control?agent=)
  int listen_fd = -1;
  std::uint64_t connections = 0;  // accepted, including the one that asks /__stats
  std::uint64_t requests = 0;     // every request except /__stats
  // The whole keep-alive HTTP/1.1 answer to "any path", built once: the benchmark's hot path.
  std::string name_response;
};

}  // namespace yoke::demo
