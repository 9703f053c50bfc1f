#pragma once
// nginx's number, time and size syntax (ngx_parse_time, ngx_parse_offset). Pure functions.
#include <cstdint>
#include <string_view>

#include "yoke/config/model.h"

namespace yoke::config {

enum class ParseStatus { kOk, kInvalid, kOutOfRange };

// The longest time accepted anywhere: one year.
inline constexpr Duration kMaxDuration = std::chrono::hours(24 * 365);

// "10" (seconds), "10s", "500ms", "1m", "1h", "1d", "1w", "1M" (30 days), "1y", and
// combinations from the largest unit down, optionally separated by spaces ("1m30s", "1h 5m").
ParseStatus parse_duration(std::string_view text, Duration& out);
// "1024", "8k"/"8K", "1m"/"1M", "1g"/"1G".
ParseStatus parse_size(std::string_view text, std::uint64_t& out);
// A non-negative decimal number no larger than max.
ParseStatus parse_count(std::string_view text, std::int64_t max, std::int64_t& out);

}  // namespace yoke::config
