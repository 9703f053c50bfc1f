#pragma once
// What the demo backend answers for a request target, and how response heads are written.
#include <cstdint>
#include <string>
#include <string_view>

namespace yoke::demo {

enum class Route {
  kName,     // any path: "NAME\n"
  kEcho,     // /echo: the request body
  kBytes,    // /bytes/N: N bytes of 'x'
  kStats,    // /__stats: {"connections":C,"requests":R}
  kControl,  // /__control?delay_ms=N&fail=0|1&…: change this backend at run time
  kHealth,   // /health: "ok", or what /__control?health= says
};

// How /health answers (/__control?health=ok|fail|hang).
enum class HealthMode { kOk, kFail, kHang };

struct RouteMatch {
  Route route = Route::kName;
  std::uint64_t byte_count = 0;  // for kBytes
  int delay_ms = -1;             // for kControl: the new delay, or -1 to keep it
  int fail = -1;                 // for kControl: 1 fail, 0 answer normally, -1 keep
  int hang = -1;                 // for kControl: 1 never answer, 0 answer, -1 keep
  int health = -1;               // for kControl: a HealthMode, or -1 to keep
  bool set_agent = false;        // for kControl: agent= was given
  std::string agent;             // for kControl: the agent's new answer, percent-decoded
  bool bad_control = false;      // for kControl: a parameter was not understood
};

// Matches the path of `target`, ignoring any query string. A /bytes/ path without a valid
// number falls back to kName.
RouteMatch match_route(std::string_view target);

struct ResponseHead {
  int status = 200;
  std::string_view backend_name;
  std::string_view content_type = "text/plain";
  std::uint64_t content_length = 0;
  bool keep_alive = true;
  int minor_version = 1;  // the request's; an HTTP/1.0 keep-alive gets an explicit header
};

// Appends the status line and headers, ending with the blank line.
void append_response_head(const ResponseHead& head, std::string& out);

}  // namespace yoke::demo
