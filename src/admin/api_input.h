#pragma once
// Parsing and validating what admin API clients send (docs/admin-api.md): pure functions, bytes
// in, a typed change or an error naming the field out, no access to Yoke's state, so a fuzz
// target can drive them. Any thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "yoke/security/ip_prefix.h"

namespace yoke::admin {

// A client error: the HTTP status, the JSON field it concerns (empty when the whole body or the
// path is wrong) and a sentence saying what was expected.
struct ApiError {
  int status = 400;
  std::string field;
  std::string message;
};

// `PATCH /api/v1/upstreams/NAME/servers/ID`: the fields given; absent ones stay as they are.
struct ServerPatch {
  // Set: the new weight; set to nullopt by `"weight": null`, which restores the configured one.
  std::optional<std::optional<std::int32_t>> weight;
  std::optional<bool> down;
  std::optional<bool> drain;
};

// The largest weight the API accepts, as the configuration's `weight=` (upstream_server.cc).
inline constexpr std::int32_t kMaxApiWeight = 1000000;
// The body of an API request (64 KiB at most, admin_connection.cc) is read into a JSON tree no
// deeper than this; deeper nesting is refused before it is built.
inline constexpr std::size_t kMaxJsonDepth = 16;

// Parses a PATCH body: a JSON object with only "weight" (integer 0-1000000, or null), "down"
// and "drain" (booleans), at least one of them.
std::variant<ServerPatch, ApiError> parse_server_patch(std::string_view body);

// `POST /api/v1/denylist`: what to deny, for how long, and why.
struct DenylistAddition {
  security::IpPrefix prefix;              // IPv4 or IPv6, address or network
  std::optional<std::int64_t> expires_s;  // seconds from now; nullopt = until deleted
  std::string reason;
};
// The longest expiry the API takes, as the configuration's longest time (one year).
inline constexpr std::int64_t kMaxDenyExpirySeconds = 365LL * 24 * 3600;

// Parses a POST body: {"address": "203.0.113.0/24" (required), "expires": "10m" or seconds
// (optional, 1 s to one year), "reason": "…" (optional, at most 256 bytes, no control bytes)}.
std::variant<DenylistAddition, ApiError> parse_denylist_addition(std::string_view body);

// An address or CIDR as the deny list takes it ("203.0.113.0/24", "::1"); an error naming the
// field otherwise. field: the JSON field or "path" it came from.
std::variant<security::IpPrefix, ApiError> parse_deny_prefix(std::string_view text,
                                                             const std::string& field);

// Whether content_type (a Content-Type value, possibly empty) may carry JSON: empty, or
// application/json with or without parameters.
bool is_json_content_type(std::string_view content_type);

// A server ID from the path: a decimal index without sign or leading zeros (at most 9 digits);
// nullopt otherwise (the caller then tries it as an address).
std::optional<std::size_t> parse_server_index(std::string_view text);

}  // namespace yoke::admin
