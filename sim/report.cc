#include "report.h"

#include <cstdio>
#include <vector>

namespace yoke::sim {
namespace {

// Markdown table with columns padded to equal width; numbers right-aligned.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(rows.front().size(), 3);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    out << "|";
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      const std::string pad(widths[i] - rows[r][i].size(), ' ');
      out << " " << (i == 0 ? rows[r][i] + pad : pad + rows[r][i]) << " |";
    }
    out << "\n";
    if (r != 0) continue;
    out << "|";
    for (std::size_t i = 0; i < widths.size(); ++i) {
      out << (i == 0 ? " " + std::string(widths[i], '-') + " |"
                     : " " + std::string(widths[i] - 1, '-') + ": |");
    }
    out << "\n";
  }
}

std::string latency_cell(const PolicyResult& result, std::size_t percentile) {
  return result.latency.empty() ? "-" : fixed(result.latency[percentile], 2);
}

std::vector<std::string> policy_row(const PolicyResult& result) {
  // kPercentiles: 0 = p50, 2 = p99, 3 = p99.9.
  std::vector<std::string> row{result.label,
                               latency_cell(result, 0),
                               latency_cell(result, 2),
                               latency_cell(result, 3),
                               fixed(result.max_mean_load, 2),
                               fixed(result.error_rate * 100, 2),
                               fixed(result.retry_rate * 100, 2)};
  for (const double share : result.share) row.push_back(fixed(share * 100, 1));
  return row;
}

}  // namespace

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

void print_report(std::ostream& out, const ScenarioResult& result, std::uint64_t seed) {
  const Scenario& scenario = result.scenario;
  out << "### " << scenario.name;
  if (!scenario.title.empty()) out << " — " << scenario.title;
  out << "\n\n"
      << describe(scenario) << " " << scenario.requests << " requests per policy, the first "
      << fixed(scenario.warmup * 100, 0) << "% not measured; seed " << seed << ".\n\n";
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"policy", "p50", "p99", "p99.9", "max/mean load", "errors %", "retries %"});
  for (const ServerSpec& server : scenario.servers) rows.front().push_back(server.name + " %");
  for (const PolicyResult& policy : result.policies) rows.push_back(policy_row(policy));
  print_table(out, rows);
  if (!result.skipped.empty()) {
    out << "\nNot run, not registered in this build:";
    for (std::size_t i = 0; i < result.skipped.size(); ++i) {
      out << (i == 0 ? " " : ", ") << "`" << result.skipped[i].label() << "`";
    }
    out << ".\n";
  }
  out << "\n";
}

}  // namespace yoke::sim
