#include "balancing/adaptive/adaptive_arguments.h"

#include <charconv>
#include <string_view>

#include "config/durations.h"

namespace yoke::balancing {
namespace {

constexpr const char* kExpected =
    "\" in adaptive: expected \"decay=TIME\", \"penalty=TIME\", \"hot=QUANTILE\" (above 0, at "
    "most 1) or \"candidates=N\" (2 to 1000), each at most once";

std::optional<std::string> invalid(const std::string& text) {
  return "invalid parameter \"" + text + kExpected;
}

bool read_time(std::string_view value, Milliseconds& out) {
  config::Duration duration{};
  if (config::parse_duration(value, duration) != config::ParseStatus::kOk) return false;
  if (duration.count() <= 0) return false;
  out = duration;
  return true;
}

bool read_quantile(std::string_view value, double& out) {
  double parsed = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error != std::errc() || end != value.data() + value.size()) return false;
  if (!(parsed > 0 && parsed <= 1)) return false;
  out = parsed;
  return true;
}

bool read_count(std::string_view value, int& out) {
  int parsed = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error != std::errc() || end != value.data() + value.size()) return false;
  if (parsed < 2 || parsed > 1000) return false;
  out = parsed;
  return true;
}

}  // namespace

std::optional<std::string> parse_adaptive_arguments(const std::vector<config::Argument>& args,
                                                    AdaptiveArguments& out) {
  out = AdaptiveArguments{};
  unsigned seen = 0;
  for (const config::Argument& argument : args) {
    const std::string& text = argument.text;
    const std::size_t equals = text.find('=');
    if (equals == std::string::npos) return invalid(text);
    const std::string_view name = std::string_view(text).substr(0, equals);
    const std::string_view value = std::string_view(text).substr(equals + 1);
    bool ok = false;
    unsigned bit = 0;
    if (name == "decay") {
      bit = 1;
      ok = read_time(value, out.decay);
    } else if (name == "penalty") {
      bit = 2;
      ok = read_time(value, out.penalty);
    } else if (name == "hot") {
      bit = 4;
      ok = read_quantile(value, out.hot_quantile);
    } else if (name == "candidates") {
      bit = 8;
      ok = read_count(value, out.candidates);
    }
    if (!ok || (seen & bit) != 0) return invalid(text);
    seen |= bit;
  }
  return std::nullopt;
}

}  // namespace yoke::balancing
