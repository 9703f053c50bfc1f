#include "yoke/observe/exposition.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace yoke::observe {
namespace {

std::string line_starting(const std::string& text, const std::string& prefix) {
  std::size_t at = text.find(prefix);
  if (at == std::string::npos) return "(missing " + prefix + ")";
  return text.substr(at, text.find('\n', at) - at);
}

TEST(Exposition, LabelValuesEscapeBackslashQuoteAndNewline) {
  std::string out;
  ExpositionWriter writer(ExpositionFormat::kPrometheusText, out);
  writer.family("yoke_test_total", MetricType::kCounter, "Help.");
  writer.sample_count({{"path", "a\\b\"c\nd"}, {"plain", "x y{}=,"}}, 3);
  EXPECT_EQ(line_starting(out, "yoke_test_total{"),
            "yoke_test_total{path=\"a\\\\b\\\"c\\nd\",plain=\"x y{}=,\"} 3");
}

TEST(Exposition, HelpEscapesPerFormat) {
  for (auto format : {ExpositionFormat::kPrometheusText, ExpositionFormat::kOpenMetrics}) {
    std::string out;
    ExpositionWriter writer(format, out);
    writer.family("yoke_g", MetricType::kGauge, "back\\slash \"quoted\"\nnext");
    bool open = format == ExpositionFormat::kOpenMetrics;
    EXPECT_EQ(line_starting(out, "# HELP"),
              open ? "# HELP yoke_g back\\\\slash \\\"quoted\\\"\\nnext"
                   : "# HELP yoke_g back\\\\slash \"quoted\"\\nnext");
  }
}

TEST(Exposition, CounterNamingPerFormat) {
  std::string text;
  ExpositionWriter prometheus(ExpositionFormat::kPrometheusText, text);
  prometheus.family("process_cpu_seconds_total", MetricType::kCounter, "CPU.", "seconds");
  prometheus.sample({}, 1.5);
  prometheus.finish();
  EXPECT_EQ(text,
            "# TYPE process_cpu_seconds_total counter\n"
            "# HELP process_cpu_seconds_total CPU.\n"
            "process_cpu_seconds_total 1.5\n");

  std::string open;
  ExpositionWriter openmetrics(ExpositionFormat::kOpenMetrics, open);
  openmetrics.family("process_cpu_seconds_total", MetricType::kCounter, "CPU.", "seconds");
  openmetrics.sample({}, 1.5);
  openmetrics.finish();
  EXPECT_EQ(open,
            "# TYPE process_cpu_seconds counter\n"
            "# UNIT process_cpu_seconds seconds\n"
            "# HELP process_cpu_seconds CPU.\n"
            "process_cpu_seconds_total 1.5\n"
            "# EOF\n");
}

TEST(Exposition, InfoIsAGaugeInPrometheusText) {
  std::string text;
  ExpositionWriter prometheus(ExpositionFormat::kPrometheusText, text);
  prometheus.family("yoke_build_info", MetricType::kInfo, "Build.");
  prometheus.sample_count({{"version", "0.1.0"}}, 1);
  EXPECT_EQ(text,
            "# TYPE yoke_build_info gauge\n# HELP yoke_build_info Build.\n"
            "yoke_build_info{version=\"0.1.0\"} 1\n");
  std::string open;
  ExpositionWriter openmetrics(ExpositionFormat::kOpenMetrics, open);
  openmetrics.family("yoke_build_info", MetricType::kInfo, "Build.");
  openmetrics.sample_count({{"version", "0.1.0"}}, 1);
  EXPECT_EQ(open,
            "# TYPE yoke_build info\n# HELP yoke_build Build.\n"
            "yoke_build_info{version=\"0.1.0\"} 1\n");
}

TEST(Exposition, NamesBreakingTheRulesAreRejected) {
  std::string out;
  ExpositionWriter writer(ExpositionFormat::kPrometheusText, out);
  EXPECT_THROW(writer.family("yoke_requests", MetricType::kCounter, "x"), std::invalid_argument);
  EXPECT_THROW(writer.family("yoke_open_total", MetricType::kGauge, "x"), std::invalid_argument);
  EXPECT_THROW(writer.family("yoke_build", MetricType::kInfo, "x"), std::invalid_argument);
  EXPECT_THROW(writer.family("9yoke", MetricType::kGauge, "x"), std::invalid_argument);
  EXPECT_THROW(writer.family("yoke-x", MetricType::kGauge, "x"), std::invalid_argument);
  EXPECT_THROW(writer.family("yoke_latency_seconds", MetricType::kGauge, "x", "bytes"),
               std::invalid_argument);
  writer.family("yoke_ok", MetricType::kGauge, "x");
  EXPECT_THROW(writer.sample({{"bad-label", "v"}}, 1), std::invalid_argument);
  EXPECT_THROW(writer.histogram({}, HistogramSnapshot{}), std::invalid_argument);
}

HistogramSnapshot two_observations() {
  LatencyHistogram histogram;
  histogram.observe(Microseconds(300));       // first bucket (0.0005 s)
  histogram.observe(Microseconds(1000));      // exactly on the 0.001 s bound: le is inclusive
  histogram.observe(Microseconds(90000000));  // above every bound: +Inf only
  HistogramSnapshot snapshot;
  snapshot.add(histogram);
  return snapshot;
}

TEST(Exposition, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  std::string out;
  ExpositionWriter writer(ExpositionFormat::kPrometheusText, out);
  writer.family("yoke_request_duration_seconds", MetricType::kHistogram, "Latency.", "seconds");
  writer.histogram({{"upstream", "app"}}, two_observations());
  EXPECT_EQ(
      line_starting(out, "yoke_request_duration_seconds_bucket{upstream=\"app\",le=\"0.0005\"}"),
      "yoke_request_duration_seconds_bucket{upstream=\"app\",le=\"0.0005\"} 1");
  EXPECT_EQ(
      line_starting(out, "yoke_request_duration_seconds_bucket{upstream=\"app\",le=\"0.001\"}"),
      "yoke_request_duration_seconds_bucket{upstream=\"app\",le=\"0.001\"} 2");
  EXPECT_EQ(line_starting(out, "yoke_request_duration_seconds_bucket{upstream=\"app\",le=\"60\"}"),
            "yoke_request_duration_seconds_bucket{upstream=\"app\",le=\"60\"} 2");
  EXPECT_EQ(
      line_starting(out, "yoke_request_duration_seconds_bucket{upstream=\"app\",le=\"+Inf\"}"),
      "yoke_request_duration_seconds_bucket{upstream=\"app\",le=\"+Inf\"} 3");
  EXPECT_EQ(line_starting(out, "yoke_request_duration_seconds_sum"),
            "yoke_request_duration_seconds_sum{upstream=\"app\"} 90.0013");
  EXPECT_EQ(line_starting(out, "yoke_request_duration_seconds_count"),
            "yoke_request_duration_seconds_count{upstream=\"app\"} 3");
  // Every bound once, in order, plus +Inf.
  std::size_t buckets = 0;
  for (std::size_t at = out.find("_bucket"); at != std::string::npos;
       at = out.find("_bucket", at + 1)) {
    ++buckets;
  }
  EXPECT_EQ(buckets, LatencyHistogram::kBuckets);
}

TEST(Exposition, OpenMetricsBucketBoundsAreCanonical) {
  std::string out;
  ExpositionWriter writer(ExpositionFormat::kOpenMetrics, out);
  writer.family("yoke_request_duration_seconds", MetricType::kHistogram, "Latency.", "seconds");
  writer.histogram({}, two_observations());
  writer.finish();
  EXPECT_NE(out.find("yoke_request_duration_seconds_bucket{le=\"1.0\"} 2\n"), std::string::npos);
  EXPECT_NE(out.find("yoke_request_duration_seconds_bucket{le=\"0.0025\"} 2\n"), std::string::npos);
  EXPECT_NE(out.find("yoke_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 6), "# EOF\n");
}

TEST(Exposition, Negotiation) {
  EXPECT_EQ(negotiate_format(""), ExpositionFormat::kPrometheusText);
  EXPECT_EQ(negotiate_format("text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
            ExpositionFormat::kPrometheusText);
  // What Prometheus 2.42 sends.
  EXPECT_EQ(negotiate_format("application/openmetrics-text;version=1.0.0,application/"
                             "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;"
                             "q=0.5,*/*;q=0.1"),
            ExpositionFormat::kOpenMetrics);
  EXPECT_EQ(content_type(ExpositionFormat::kPrometheusText),
            "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(content_type(ExpositionFormat::kOpenMetrics),
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

TEST(LatencyHistogram, SumAndBucketsFollowObservations) {
  LatencyHistogram histogram;
  histogram.observe(Microseconds(-5));  // counted as 0
  histogram.observe(Microseconds(2000));
  EXPECT_EQ(histogram.bucket(0), 1u);
  EXPECT_EQ(histogram.bucket(2), 1u);  // 1 ms < 2 ms <= 2.5 ms
  EXPECT_EQ(histogram.sum_micros(), 2000u);
}

}  // namespace
}  // namespace yoke::observe
