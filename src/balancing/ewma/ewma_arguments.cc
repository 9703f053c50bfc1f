#include "balancing/ewma/ewma_arguments.h"

#include "config/durations.h"

namespace yoke::balancing {
namespace {

std::optional<std::string> read_time(const std::string& text, std::string_view name,
                                     Milliseconds& out) {
  config::Duration value{};
  const std::string_view given = std::string_view(text).substr(name.size() + 1);
  if (config::parse_duration(given, value) != config::ParseStatus::kOk || value.count() <= 0) {
    return "invalid \"" + text + "\" in ewma: expected a time above zero, e.g. " +
           std::string(name) + (name == "decay" ? "=10s" : "=1s");
  }
  out = value;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_ewma_arguments(const std::vector<config::Argument>& args,
                                                EwmaArguments& out) {
  out = EwmaArguments{};
  bool decay_set = false;
  bool penalty_set = false;
  for (const config::Argument& argument : args) {
    const std::string& text = argument.text;
    if (text.rfind("decay=", 0) == 0 && !decay_set) {
      decay_set = true;
      if (auto error = read_time(text, "decay", out.decay)) return error;
    } else if (text.rfind("penalty=", 0) == 0 && !penalty_set) {
      penalty_set = true;
      if (auto error = read_time(text, "penalty", out.penalty)) return error;
    } else {
      return "invalid parameter \"" + text +
             "\" in ewma: expected \"decay=TIME\" or \"penalty=TIME\", each at most once";
    }
  }
  return std::nullopt;
}

}  // namespace yoke::balancing
