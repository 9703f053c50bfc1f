#pragma once
// How the admin API shows an upstream server: its state word and its JSON object
// (docs/admin-api.md, "Server object"). Reads the host's runtime state with relaxed loads
// (host_runtime.h), so a view may be a moment old. Admin thread.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "yoke/balancing/host_set.h"
#include "yoke/core/clock.h"

namespace yoke::admin {

// balancing::host_state's word: "down", "draining", "checking", "ejected" or "up" (the same
// state /metrics and /api/v1/stats show, where ejected counts as down).
std::string_view server_state(const balancing::Host& host, TimePoint now);

// The server's JSON object. active_requests: its requests in flight over every worker.
nlohmann::ordered_json server_json(const balancing::Host& host, std::int64_t active_requests,
                                   TimePoint now);

}  // namespace yoke::admin
