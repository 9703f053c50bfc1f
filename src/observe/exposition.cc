// Prometheus text 0.0.4 and OpenMetrics 1.0 writers (see exposition.h for the differences).
#include "yoke/observe/exposition.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace yoke::observe {
namespace {

constexpr std::string_view kTotal = "_total";
constexpr std::string_view kInfo = "_info";

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// [a-zA-Z_:][a-zA-Z0-9_:]* (metric names) or [a-zA-Z_][a-zA-Z0-9_]* (label names).
bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string_view type_name(MetricType type, ExpositionFormat format) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kInfo:
      return format == ExpositionFormat::kOpenMetrics ? "info" : "gauge";
    case MetricType::kGauge:
      break;
  }
  return "gauge";
}

void check_family(std::string_view name, MetricType type, std::string_view unit) {
  auto reject = [&](const std::string& why) {
    throw std::invalid_argument("metric family \"" + std::string(name) + "\": " + why);
  };
  if (!valid_name(name, true)) reject("not a valid metric name");
  bool total = ends_with(name, kTotal);
  if (type == MetricType::kCounter && !total) reject("a counter's name ends in _total");
  if (type != MetricType::kCounter && total) reject("only counters end in _total");
  if ((type == MetricType::kInfo) != ends_with(name, kInfo)) reject("info names end in _info");
  std::string_view base = total ? name.substr(0, name.size() - kTotal.size()) : name;
  if (!unit.empty() && !ends_with(base, "_" + std::string(unit))) reject("unit is not a suffix");
}

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char digits[32];
    auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, end);
  }
}

void append_count(std::string& out, std::uint64_t value) {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

// A bucket bound as an `le` label value. OpenMetrics wants canonical numbers there ("1.0", not
// "1": OpenMetrics 1.0, "Canonical Numbers"); 0.0.4 scrapers parse either.
// Written in fixed notation ("0.0005", not the shorter "5e-04") so that bounds read naturally.
std::string bound_text(std::int64_t micros, ExpositionFormat format) {
  char digits[32];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits,
                                    static_cast<double>(micros) / 1e6, std::chars_format::fixed);
  std::string text(digits, end);
  if (format == ExpositionFormat::kOpenMetrics && text.find('.') == std::string::npos) {
    text += ".0";
  }
  return text;
}

double seconds(std::uint64_t micros) { return static_cast<double>(micros) / 1e6; }

}  // namespace

ExpositionFormat negotiate_format(std::string_view accept) {
  return accept.find("application/openmetrics-text") != std::string_view::npos
             ? ExpositionFormat::kOpenMetrics
             : ExpositionFormat::kPrometheusText;
}

std::string_view content_type(ExpositionFormat format) {
  return format == ExpositionFormat::kOpenMetrics
             ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
             : "text/plain; version=0.0.4; charset=utf-8";
}

void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void ExpositionWriter::help_text(std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out_ += "\\\\";
    } else if (c == '\n') {
      out_ += "\\n";
    } else if (c == '"' && format_ == ExpositionFormat::kOpenMetrics) {
      out_ += "\\\"";
    } else {
      out_ += c;
    }
  }
}

void ExpositionWriter::family(std::string_view name, MetricType type, std::string_view help,
                              std::string_view unit) {
  check_family(name, type, unit);
  name_ = name;
  type_ = type;
  std::string_view meta = name;
  if (format_ == ExpositionFormat::kOpenMetrics) {
    // OpenMetrics names the family without the suffix its samples carry.
    if (type == MetricType::kCounter) meta.remove_suffix(kTotal.size());
    if (type == MetricType::kInfo) meta.remove_suffix(kInfo.size());
  }
  out_.append("# TYPE ").append(meta).append(" ").append(type_name(type, format_)).append("\n");
  if (format_ == ExpositionFormat::kOpenMetrics && !unit.empty()) {
    out_.append("# UNIT ").append(meta).append(" ").append(unit).append("\n");
  }
  out_.append("# HELP ").append(meta).append(" ");
  help_text(help);
  out_ += "\n";
}

void ExpositionWriter::series(std::string_view suffix, std::initializer_list<Label> labels,
                              const Label* extra) {
  out_.append(name_).append(suffix);
  if (labels.size() == 0 && extra == nullptr) {
    out_ += ' ';
    return;
  }
  char separator = '{';
  auto append = [&](const Label& label) {
    if (!valid_name(label.name, false)) {
      throw std::invalid_argument("label \"" + std::string(label.name) + "\" of " + name_ +
                                  ": not a valid label name");
    }
    out_ += separator;
    out_.append(label.name).append("=\"");
    append_label_value(out_, label.value);
    out_ += '"';
    separator = ',';
  };
  for (const Label& label : labels) append(label);
  if (extra != nullptr) append(*extra);
  out_ += "} ";
}

void ExpositionWriter::sample(std::initializer_list<Label> labels, double value) {
  series({}, labels);
  append_number(out_, value);
  out_ += '\n';
}

void ExpositionWriter::sample_count(std::initializer_list<Label> labels, std::uint64_t value) {
  series({}, labels);
  append_count(out_, value);
  out_ += '\n';
}

void ExpositionWriter::histogram(std::initializer_list<Label> labels,
                                 const HistogramSnapshot& histogram) {
  this->histogram(labels, kLatencyBoundsMicros, histogram.buckets, histogram.sum_micros);
}

void ExpositionWriter::histogram(std::initializer_list<Label> labels,
                                 std::span<const std::int64_t> bounds_micros,
                                 std::span<const std::uint64_t> buckets, std::uint64_t sum_micros) {
  if (type_ != MetricType::kHistogram) {
    throw std::invalid_argument("histogram() in the non-histogram family " + name_);
  }
  if (buckets.size() != bounds_micros.size() + 1) {
    throw std::invalid_argument("histogram() of " + name_ + ": one bucket per bound and +Inf");
  }
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    cumulative += buckets[i];
    std::string bound = i < bounds_micros.size() ? bound_text(bounds_micros[i], format_) : "+Inf";
    Label le{"le", bound};
    series("_bucket", labels, &le);
    append_count(out_, cumulative);
    out_ += '\n';
  }
  series("_sum", labels);
  append_number(out_, seconds(sum_micros));
  out_ += '\n';
  // _count is the +Inf bucket by construction (OpenMetrics requires them to agree).
  series("_count", labels);
  append_count(out_, cumulative);
  out_ += '\n';
}

void ExpositionWriter::finish() {
  if (format_ == ExpositionFormat::kOpenMetrics) out_ += "# EOF\n";
}

}  // namespace yoke::observe
