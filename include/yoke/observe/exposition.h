#pragma once
// Writes metric families in the two text formats Prometheus scrapes:
// - the Prometheus text exposition format 0.0.4 (prometheus.io/docs/instrumenting/
//   exposition_formats), served by default;
// - OpenMetrics 1.0 (prometheus.io/docs/specs/om/open_metrics_spec), served when the scraper's
//   Accept header asks for application/openmetrics-text.
// The differences handled here: a counter family's TYPE/HELP/UNIT lines name it without its
// `_total` suffix in OpenMetrics (its samples keep it); `info` is a type of its own there (a
// gauge with value 1 in 0.0.4); UNIT lines exist only in OpenMetrics; HELP escapes `"` only in
// OpenMetrics; bucket bounds are canonical floats ("1.0") in OpenMetrics; and an OpenMetrics
// exposition ends with "# EOF".
// Not thread-safe; used by the admin thread while it renders one response.
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "yoke/observe/metric_cells.h"

namespace yoke::observe {

enum class ExpositionFormat : std::uint8_t { kPrometheusText, kOpenMetrics };
enum class MetricType : std::uint8_t { kCounter, kGauge, kHistogram, kInfo };

struct Label {
  std::string_view name;
  std::string_view value;  // any UTF-8; escaped when written
};

// OpenMetrics when accept (an HTTP Accept field value) names application/openmetrics-text,
// else the 0.0.4 text format. Parameters and quality values are not weighed: a scraper that
// lists OpenMetrics at all can read it (Prometheus sends it first when it prefers it).
ExpositionFormat negotiate_format(std::string_view accept);
// The Content-Type of a response in format.
std::string_view content_type(ExpositionFormat format);

class ExpositionWriter {
 public:
  // Appends to out, which must outlive the writer.
  ExpositionWriter(ExpositionFormat format, std::string& out) : format_(format), out_(out) {}

  // Starts a family. name is what users query: a counter's ends in "_total", an info metric's in
  // "_info". unit, when given, is the name's last component before any "_total" ("seconds").
  // Throws std::invalid_argument when the name breaks these rules or Prometheus' name syntax:
  // those are programming errors, caught by the unit tests, never by a scrape.
  void family(std::string_view name, MetricType type, std::string_view help,
              std::string_view unit = {});
  // One sample of the current counter, gauge or info family.
  void sample(std::initializer_list<Label> labels, double value);
  void sample_count(std::initializer_list<Label> labels, std::uint64_t value);
  // One histogram of the current histogram family: cumulative _bucket series with the bounds of
  // kLatencyBoundsMicros in seconds and +Inf, then _sum (seconds) and _count.
  void histogram(std::initializer_list<Label> labels, const HistogramSnapshot& histogram);
  // The same for a histogram with other bounds: buckets has one (non-cumulative) count per
  // bound plus the +Inf one; bounds_micros are ascending upper bounds in microseconds.
  void histogram(std::initializer_list<Label> labels, std::span<const std::int64_t> bounds_micros,
                 std::span<const std::uint64_t> buckets, std::uint64_t sum_micros);
  // Ends the exposition ("# EOF" in OpenMetrics).
  void finish();

 private:
  void series(std::string_view suffix, std::initializer_list<Label> labels,
              const Label* extra = nullptr);
  void help_text(std::string_view help);

  ExpositionFormat format_;
  std::string& out_;
  std::string name_;  // the current family's sample name (with _total / _info)
  MetricType type_ = MetricType::kGauge;
};

// Label values escape backslash, double quote and line feed (both formats).
void append_label_value(std::string& out, std::string_view value);

}  // namespace yoke::observe
