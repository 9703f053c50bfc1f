#include "svg_chart.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "report.h"

namespace yoke::sim {
namespace {

constexpr double kWidth =
    900;  // the legend needs room for labels like "hash … balance_factor=1.25"
constexpr double kPanelHeight = 320;
constexpr double kLeft = 60;  // room for the y labels
constexpr double kPlotWidth = 440;
constexpr double kTop = 40;  // room for the title
constexpr double kPlotHeight = 230;
// Tableau 10, readable on white and distinguishable in most colour-vision deficiencies.
constexpr const char* kColours[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

// The decades the panel's y axis spans: [low, high] as powers of ten.
void decades(const ScenarioResult& result, int& low, int& high) {
  double smallest = 1;
  double largest = 1;
  for (const PolicyResult& policy : result.policies) {
    for (const double value : policy.latency) {
      smallest = std::min(smallest, std::max(value, 1e-3));
      largest = std::max(largest, value);
    }
  }
  low = static_cast<int>(std::floor(std::log10(smallest)));
  high = std::max(low + 1, static_cast<int>(std::ceil(std::log10(largest))));
}

class Panel {
 public:
  Panel(std::ostringstream& out, const ScenarioResult& result, double top)
      : out_(out), result_(result), top_(top) {
    decades(result, low_, high_);
  }

  void draw() {
    out_ << "<text x=\"" << kLeft << "\" y=\"" << fixed(top_ + 24, 1)
         << "\" font-size=\"15\" font-weight=\"bold\">" << escape(title()) << "</text>\n";
    draw_axes();
    for (std::size_t i = 0; i < result_.policies.size(); ++i) draw_policy(i);
  }

 private:
  std::string title() const {
    const Scenario& scenario = result_.scenario;
    return scenario.name + (scenario.title.empty() ? "" : " — " + scenario.title);
  }

  double x(std::size_t percentile) const {
    return kLeft + kPlotWidth * (static_cast<double>(percentile) + 0.5) / kPercentileCount;
  }

  double y(double value) const {
    const double position = (std::log10(std::max(value, 1e-3)) - low_) / (high_ - low_);
    return top_ + kTop + kPlotHeight * (1 - position);
  }

  void draw_axes() {
    const double bottom = top_ + kTop + kPlotHeight;
    for (int decade = low_; decade <= high_; ++decade) {
      for (const int step : {1, 2, 5}) {
        const double value = step * std::pow(10.0, decade);
        if (decade == high_ && step > 1) break;
        const std::string at = fixed(y(value), 1);
        out_ << "<line x1=\"" << kLeft << "\" x2=\"" << kLeft + kPlotWidth << "\" y1=\"" << at
             << "\" y2=\"" << at << "\" stroke=\"" << (step == 1 ? "#bbb" : "#eee") << "\"/>\n";
        out_ << "<text x=\"" << kLeft - 6 << "\" y=\"" << fixed(y(value) + 4, 1)
             << "\" font-size=\"11\" text-anchor=\"end\">" << label(value) << "</text>\n";
      }
    }
    for (std::size_t i = 0; i < kPercentileCount; ++i) {
      out_ << "<text x=\"" << fixed(x(i), 1) << "\" y=\"" << fixed(bottom + 18, 1)
           << "\" font-size=\"12\" text-anchor=\"middle\">" << kPercentiles[i].label << "</text>\n";
    }
    out_ << "<text x=\"14\" y=\"" << fixed(top_ + kTop + kPlotHeight / 2, 1)
         << "\" font-size=\"11\" transform=\"rotate(-90 14 "
         << fixed(top_ + kTop + kPlotHeight / 2, 1)
         << ")\" text-anchor=\"middle\">latency / mean service time</text>\n";
  }

  static std::string label(double value) {
    return value >= 1 ? fixed(value, 0)
                      : fixed(value, static_cast<int>(std::ceil(-std::log10(value))));
  }

  void draw_policy(std::size_t index) {
    const PolicyResult& policy = result_.policies[index];
    const char* colour = kColours[index % std::size(kColours)];
    const double legend_y = top_ + kTop + 14 + 18 * static_cast<double>(index);
    out_ << "<line x1=\"" << kLeft + kPlotWidth + 20 << "\" x2=\"" << kLeft + kPlotWidth + 40
         << "\" y1=\"" << fixed(legend_y - 4, 1) << "\" y2=\"" << fixed(legend_y - 4, 1)
         << "\" stroke=\"" << colour << "\" stroke-width=\"2.5\"/>\n"
         << "<text x=\"" << kLeft + kPlotWidth + 46 << "\" y=\"" << fixed(legend_y, 1)
         << "\" font-size=\"12\">" << escape(policy.label) << "</text>\n";
    if (policy.latency.empty()) return;
    out_ << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
    for (std::size_t i = 0; i < policy.latency.size(); ++i) {
      out_ << (i == 0 ? "" : " ") << fixed(x(i), 1) << "," << fixed(y(policy.latency[i]), 1);
    }
    out_ << "\"/>\n";
    for (std::size_t i = 0; i < policy.latency.size(); ++i) {
      out_ << "<circle cx=\"" << fixed(x(i), 1) << "\" cy=\"" << fixed(y(policy.latency[i]), 1)
           << "\" r=\"3\" fill=\"" << colour << "\"><title>" << escape(policy.label) << " "
           << kPercentiles[i].label << " = " << fixed(policy.latency[i], 2)
           << "</title></circle>\n";
    }
  }

  std::ostringstream& out_;
  const ScenarioResult& result_;
  double top_;
  int low_ = 0;
  int high_ = 1;
};

}  // namespace

std::string render_svg(const std::vector<ScenarioResult>& results) {
  std::ostringstream out;
  const double height = kPanelHeight * static_cast<double>(results.size());
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << kWidth << " " << height
      << "\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    Panel(out, results[i], kPanelHeight * static_cast<double>(i)).draw();
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace yoke::sim
