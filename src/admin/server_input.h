#pragma once
// The body of `POST /api/v1/upstreams/NAME/servers` (docs/admin-api.md, "Adding a server"):
// a JSON object whose fields are a `server` line's parameters, turned into that line and checked
// by the configuration's own reader (config/upstream_members.h), so the API accepts exactly
// what a configuration file accepts. Pure: no access to Yoke's state (a fuzz target drives it).
// Any thread.
#include <variant>

#include "admin/api_input.h"
#include "yoke/config/model.h"

namespace yoke::admin {

// Parses a new server: "address" (required: IP:PORT, [IPv6]:PORT or unix:PATH; names are
// refused, nothing resolves them on the admin thread), "weight", "max_fails", "max_conns",
// "priority" (integers), "fail_timeout", "slow_start" (durations as the configuration writes
// them: "10s", "500ms"), "zone" (a name), "backup", "down" (booleans). An error names the first
// field at fault.
std::variant<config::UpstreamServer, ApiError> parse_new_server(std::string_view body);

}  // namespace yoke::admin
