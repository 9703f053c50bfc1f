#include "config/durations.h"

#include <gtest/gtest.h>

namespace yoke::config {
namespace {

std::int64_t ms(std::string_view text) {
  Duration value{-1};
  EXPECT_EQ(parse_duration(text, value), ParseStatus::kOk) << text;
  return value.count();
}

ParseStatus duration_status(std::string_view text) {
  Duration value{};
  return parse_duration(text, value);
}

TEST(ConfigDurations, NginxTimeSyntax) {
  EXPECT_EQ(ms("10"), 10000);
  EXPECT_EQ(ms("10s"), 10000);
  EXPECT_EQ(ms("500ms"), 500);
  EXPECT_EQ(ms("1m"), 60000);
  EXPECT_EQ(ms("1h"), 3600000);
  EXPECT_EQ(ms("1d"), 86400000);
  EXPECT_EQ(ms("1w"), 7 * 86400000LL);
  EXPECT_EQ(ms("1M"), 30 * 86400000LL);
  EXPECT_EQ(ms("1y"), 365 * 86400000LL);
  EXPECT_EQ(ms("0"), 0);
  EXPECT_EQ(ms("0s"), 0);
}

TEST(ConfigDurations, Combinations) {
  EXPECT_EQ(ms("1m30s"), 90000);
  EXPECT_EQ(ms("1m30"), 90000);
  EXPECT_EQ(ms("1h 5m"), 3900000);
  EXPECT_EQ(ms("1s500ms"), 1500);
  EXPECT_EQ(ms("1d2h3m4s5ms"), 93784005);
}

TEST(ConfigDurations, RejectsMalformedTimes) {
  for (const char* text : {"", "s", "ms", "10x", "-1", "1.5s", "30s1m", "1s1s", "1ms1s", "10S",
                           " 1s", "1s 2", "1m30s10", "1mm"}) {
    EXPECT_EQ(duration_status(text), ParseStatus::kInvalid) << text;
  }
}

TEST(ConfigDurations, RejectsTimesAboveOneYear) {
  EXPECT_EQ(duration_status("366d"), ParseStatus::kOutOfRange);
  EXPECT_EQ(duration_status("2y"), ParseStatus::kOutOfRange);
  EXPECT_EQ(duration_status("99999999999999999999999"), ParseStatus::kOutOfRange);
  EXPECT_EQ(ms("365d"), 365 * 86400000LL);
}

TEST(ConfigSizes, NginxSizeSyntax) {
  std::uint64_t value = 0;
  ASSERT_EQ(parse_size("1024", value), ParseStatus::kOk);
  EXPECT_EQ(value, 1024u);
  ASSERT_EQ(parse_size("8k", value), ParseStatus::kOk);
  EXPECT_EQ(value, 8192u);
  ASSERT_EQ(parse_size("8K", value), ParseStatus::kOk);
  EXPECT_EQ(value, 8192u);
  ASSERT_EQ(parse_size("1m", value), ParseStatus::kOk);
  EXPECT_EQ(value, 1048576u);
  ASSERT_EQ(parse_size("2G", value), ParseStatus::kOk);
  EXPECT_EQ(value, 2147483648u);
  ASSERT_EQ(parse_size("0", value), ParseStatus::kOk);
  EXPECT_EQ(value, 0u);
}

TEST(ConfigSizes, RejectsMalformedAndHugeSizes) {
  std::uint64_t value = 0;
  for (const char* text : {"", "k", "1kb", "1t", "-1", "1.5m", "1 k"}) {
    EXPECT_EQ(parse_size(text, value), ParseStatus::kInvalid) << text;
  }
  EXPECT_EQ(parse_size("9999999999999g", value), ParseStatus::kOutOfRange);
  EXPECT_EQ(parse_size("99999999999999999999", value), ParseStatus::kOutOfRange);
}

TEST(ConfigCounts, BoundsAndDigits) {
  std::int64_t value = 0;
  EXPECT_EQ(parse_count("42", 100, value), ParseStatus::kOk);
  EXPECT_EQ(value, 42);
  EXPECT_EQ(parse_count("101", 100, value), ParseStatus::kOutOfRange);
  EXPECT_EQ(parse_count("1", 0, value), ParseStatus::kOutOfRange);
  EXPECT_EQ(parse_count("4x", 100, value), ParseStatus::kInvalid);
  EXPECT_EQ(parse_count("", 100, value), ParseStatus::kInvalid);
  EXPECT_EQ(parse_count("9223372036854775807", INT64_MAX, value), ParseStatus::kOk);
  EXPECT_EQ(parse_count("9223372036854775808", INT64_MAX, value), ParseStatus::kOutOfRange);
}

}  // namespace
}  // namespace yoke::config
