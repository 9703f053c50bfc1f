#include "scenario_values.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace yoke::sim {
namespace {

[[noreturn]] void fail(const config::Argument& arg, const std::string& message) {
  throw config::ConfigError(arg.where, message);
}

std::string format_bound(double value) {
  std::string text = std::to_string(value);
  while (text.size() > 1 && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

// Parses all of text as a finite double, or returns false.
bool to_double(std::string_view text, double& out) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size() && std::isfinite(out);
}

std::string range_text(double min, double max) {
  return "between " + format_bound(min) + " and " + format_bound(max);
}

}  // namespace

double parse_number(const config::Argument& arg, double min, double max) {
  double value = 0;
  if (!to_double(arg.text, value) || value < min || value > max) {
    fail(arg, "expected a number " + range_text(min, max) + ", found \"" + arg.text + "\"");
  }
  return value;
}

std::int64_t parse_integer(const config::Argument& arg, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  const std::string& text = arg.text;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < min ||
      value > max) {
    fail(arg, "expected a whole number between " + std::to_string(min) + " and " +
                  std::to_string(max) + ", found \"" + text + "\"");
  }
  return value;
}

double parse_percent(const config::Argument& arg, double min, double max) {
  const std::string_view text = arg.text;
  double value = 0;
  if (text.empty() || text.back() != '%' || !to_double(text.substr(0, text.size() - 1), value) ||
      value / 100 < min || value / 100 > max) {
    fail(arg, "expected a percentage " + range_text(min * 100, max * 100) + " such as \"50%\", " +
                  "found \"" + arg.text + "\"");
  }
  return value / 100;
}

SimTime parse_time(const config::Argument& arg, bool allow_zero) {
  struct Unit {
    std::string_view suffix;
    SimTime nanos;
  };
  // Longest suffixes first: "ms" and "us" end in "s".
  static constexpr Unit kUnits[] = {
      {"us", kNanosPerMicro}, {"ms", kNanosPerMilli}, {"s", kNanosPerSecond}};
  const std::string_view text = arg.text;
  for (const Unit& unit : kUnits) {
    if (!text.ends_with(unit.suffix)) continue;
    double value = 0;
    if (!to_double(text.substr(0, text.size() - unit.suffix.size()), value)) break;
    const double nanos = value * static_cast<double>(unit.nanos);
    // One simulated day is far beyond any run; it keeps every later sum inside 64 bits.
    if (value < 0 || (value == 0 && !allow_zero) || nanos > 86400.0 * kNanosPerSecond) break;
    return static_cast<SimTime>(std::llround(nanos));
  }
  fail(arg, std::string("expected a ") + (allow_zero ? "" : "positive ") +
                "time such as \"10ms\", \"0.5ms\", \"250us\" or \"2s\", found \"" + arg.text +
                "\"");
}

Params::Params(const config::Directive& directive, std::size_t first) : directive_(directive.name) {
  for (std::size_t i = first; i < directive.args.size(); ++i) {
    const config::Argument& arg = directive.args[i];
    const std::size_t equals = arg.text.find('=');
    Entry entry{arg, equals == std::string::npos, false};
    const std::string key = entry.is_flag ? arg.text : arg.text.substr(0, equals);
    if (!entry.is_flag) entry.value.text = arg.text.substr(equals + 1);
    if (!entries_.emplace(key, entry).second) {
      fail(arg, "\"" + key + "\" is given twice in \"" + directive_ + "\"");
    }
  }
}

const config::Argument* Params::take(std::string_view key) {
  const auto found = entries_.find(key);
  if (found == entries_.end()) return nullptr;
  Entry& entry = found->second;
  if (entry.is_flag) fail(entry.value, "\"" + std::string(key) + "\" needs a value: key=value");
  entry.taken = true;
  return &entry.value;
}

bool Params::take_flag(std::string_view flag) {
  const auto found = entries_.find(flag);
  if (found == entries_.end() || !found->second.is_flag) return false;
  found->second.taken = true;
  return true;
}

void Params::finish() const {
  for (const auto& [key, entry] : entries_) {
    if (!entry.taken) {
      fail(entry.value, "unknown parameter \"" + key + "\" in \"" + directive_ + "\"");
    }
  }
}

void expect_args(const config::Directive& directive, std::size_t min, std::size_t max) {
  const std::size_t count = directive.args.size();
  if (count >= min && count <= max) return;
  const std::string expected =
      min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
  throw config::ConfigError(directive.where, "\"" + directive.name + "\" takes " + expected +
                                                 " argument" + (max == 1 ? "" : "s") + ", found " +
                                                 std::to_string(count));
}

}  // namespace yoke::sim
