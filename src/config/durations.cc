// Times as nginx reads them (ngx_parse_time with is_sec = 0): each unit at most once, units
// from the largest to the smallest, a bare trailing number counts as seconds.
#include "config/durations.h"

#include <array>

namespace yoke::config {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t milliseconds;
};

// Largest first: the order the units must appear in.
constexpr std::array<Unit, 8> kUnits = {{{"y", 365LL * 86400000},
                                         {"M", 30LL * 86400000},
                                         {"w", 7LL * 86400000},
                                         {"d", 86400000},
                                         {"h", 3600000},
                                         {"m", 60000},
                                         {"s", 1000},
                                         {"ms", 1}}};

// Index in kUnits of the unit starting text, or kUnits.size() for "no unit" (seconds).
std::size_t unit_at(std::string_view text) {
  if (text.substr(0, 2) == "ms") return 7;
  for (std::size_t i = 0; i + 1 < kUnits.size(); ++i) {
    if (!text.empty() && text.front() == kUnits[i].suffix.front()) return i;
  }
  return kUnits.size();
}

}  // namespace

ParseStatus parse_duration(std::string_view text, Duration& out) {
  const std::int64_t max = kMaxDuration.count();
  std::int64_t total = 0;
  std::size_t next_allowed_unit = 0;
  std::size_t pos = 0;
  bool any = false;
  while (pos < text.size()) {
    std::int64_t value = 0;
    std::size_t digits = 0;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
      value = value * 10 + (text[pos] - '0');
      if (value > max) return ParseStatus::kOutOfRange;
    }
    if (digits == 0) return ParseStatus::kInvalid;
    std::size_t unit = unit_at(text.substr(pos));
    if (unit == kUnits.size()) {
      // A bare number is seconds and must be the last part: "1m30", but not "30 1m".
      if (pos != text.size() || next_allowed_unit > 6) return ParseStatus::kInvalid;
      unit = 6;
    } else {
      if (unit < next_allowed_unit) return ParseStatus::kInvalid;
      pos += kUnits[unit].suffix.size();
    }
    next_allowed_unit = unit + 1;
    if (value > max / kUnits[unit].milliseconds) return ParseStatus::kOutOfRange;
    total += value * kUnits[unit].milliseconds;
    if (total > max) return ParseStatus::kOutOfRange;
    while (pos < text.size() && text[pos] == ' ') ++pos;
    any = true;
  }
  if (!any) return ParseStatus::kInvalid;
  out = Duration(total);
  return ParseStatus::kOk;
}

ParseStatus parse_count(std::string_view text, std::int64_t max, std::int64_t& out) {
  if (text.empty()) return ParseStatus::kInvalid;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return ParseStatus::kInvalid;
    int digit = c - '0';
    if (digit > max || value > (max - digit) / 10) return ParseStatus::kOutOfRange;
    value = value * 10 + digit;
  }
  out = value;
  return ParseStatus::kOk;
}

// Sizes as ngx_parse_offset reads them: one optional suffix, either case.
ParseStatus parse_size(std::string_view text, std::uint64_t& out) {
  std::int64_t scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k':
      case 'K':
        scale = 1LL << 10;
        break;
      case 'm':
      case 'M':
        scale = 1LL << 20;
        break;
      case 'g':
      case 'G':
        scale = 1LL << 30;
        break;
      default:
        break;
    }
    if (scale != 1) text.remove_suffix(1);
  }
  constexpr std::int64_t kMaxSize = INT64_MAX;
  std::int64_t value = 0;
  ParseStatus status = parse_count(text, kMaxSize / scale, value);
  if (status != ParseStatus::kOk) return status;
  out = static_cast<std::uint64_t>(value * scale);
  return ParseStatus::kOk;
}

}  // namespace yoke::config
