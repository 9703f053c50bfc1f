// yoke-sim: the balancing simulator. Usage in docs/balancing.md; the model in simulation.h.
#include <charconv>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reference_policies.h"
#include "report.h"
#include "runner.h"
#include "svg_chart.h"

namespace {

using yoke::sim::RunOptions;

constexpr std::string_view kUsage =
    "usage: yoke-sim --scenario FILE [--scenario FILE …] [--seed N] [--policies a,b,…]\n"
    "                [--skip-unregistered] [--requests N] [--svg OUT]\n"
    "       yoke-sim --list-policies\n";

struct Flags {
  std::vector<std::string> scenarios;
  RunOptions options;
  std::string svg;
  bool list_policies = false;
};

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view part = text.substr(0, comma);
    if (!part.empty()) parts.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parts;
}

template <typename Number>
bool parse_whole(std::string_view text, Number& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && error == std::errc{} && end == text.data() + text.size();
}

// Returns false (after printing why) on a bad command line.
bool parse_flags(int argc, char** argv, Flags& flags) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    if (flag == "--list-policies" || flag == "--skip-unregistered") {
      (flag == "--list-policies" ? flags.list_policies : flags.options.skip_unregistered) = true;
      continue;
    }
    if (i + 1 >= args.size()) {
      std::cerr << "yoke-sim: "
                << (flag.starts_with("--") ? "missing value after " : "unknown argument ") << flag
                << "\n"
                << kUsage;
      return false;
    }
    const std::string_view value = args[++i];
    bool ok = true;
    if (flag == "--scenario")
      flags.scenarios.emplace_back(value);
    else if (flag == "--seed")
      ok = parse_whole(value, flags.options.seed);
    else if (flag == "--policies")
      flags.options.policies = split_commas(value);
    else if (flag == "--requests")
      ok = parse_whole(value, flags.options.requests) && flags.options.requests > 0;
    else if (flag == "--svg")
      flags.svg = value;
    else
      ok = false;
    if (!ok) {
      std::cerr << "yoke-sim: bad argument " << flag << " " << value << "\n" << kUsage;
      return false;
    }
  }
  if (flags.scenarios.empty() && !flags.list_policies) {
    std::cerr << kUsage;
    return false;
  }
  return true;
}

void list_policies() {
  std::cout << "registered in Yoke:";
  for (const std::string_view name : yoke::balancing::policy_names()) std::cout << " " << name;
  std::cout << "\nsimulator references:";
  for (const std::string_view name : yoke::sim::reference_policy_names()) std::cout << " " << name;
  std::cout << "\n";
}

// Loads every scenario and resolves every policy before the first run, so a typo fails at once.
// Throws config::ConfigError, or std::invalid_argument for a bad --policies.
std::vector<yoke::sim::Scenario> load_all(const Flags& flags) {
  std::vector<yoke::sim::Scenario> scenarios;
  std::set<std::string> listed;
  for (const std::string& path : flags.scenarios) {
    for (yoke::sim::Scenario& scenario : yoke::sim::load_scenarios(path)) {
      for (const auto& policy : yoke::sim::select_policies(scenario, flags.options).run) {
        yoke::sim::resolve_policy(policy);
      }
      for (const auto& policy : scenario.policies) listed.insert(policy.name);
      scenarios.push_back(std::move(scenario));
    }
  }
  for (const std::string& name : flags.options.policies) {
    if (!listed.contains(name)) {
      throw std::invalid_argument("--policies: no scenario lists policy \"" + name + "\"");
    }
  }
  return scenarios;
}

int run(const Flags& flags) {
  std::vector<yoke::sim::ScenarioResult> results;
  for (const yoke::sim::Scenario& scenario : load_all(flags)) {
    results.push_back(yoke::sim::run_scenario(scenario, flags.options));
    yoke::sim::print_report(std::cout, results.back(), flags.options.seed);
    std::cout.flush();
  }
  if (!flags.svg.empty()) {
    std::ofstream svg(flags.svg);
    svg << yoke::sim::render_svg(results);
    if (!svg) {
      std::cerr << "yoke-sim: cannot write " << flags.svg << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!parse_flags(argc, argv, flags)) return 2;
  if (flags.list_policies) {
    list_policies();
    if (flags.scenarios.empty()) return 0;
  }
  try {
    return run(flags);
  } catch (const yoke::config::ConfigError& error) {
    std::cerr << "yoke-sim: " << error.what() << "\n";
    return 1;
  } catch (const std::invalid_argument& error) {
    std::cerr << "yoke-sim: " << error.what() << "\n";
    return 2;
  }
}
