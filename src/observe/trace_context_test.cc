// W3C Trace Context traceparent values (https://www.w3.org/TR/trace-context/ §3.2).
#include "yoke/observe/trace_context.h"

#include <gtest/gtest.h>

#include <string>

namespace yoke::observe {
namespace {

constexpr std::string_view kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceContext, ParsesTheSpecExample) {
  TraceParent parent;
  ASSERT_TRUE(parse_traceparent(kValid, parent));
  EXPECT_EQ(std::string(parent.trace_id.data(), 32), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(std::string(parent.parent_id.data(), 16), "00f067aa0ba902b7");
  EXPECT_EQ(std::string(parent.flags.data(), 2), "01");
}

TEST(TraceContext, RejectsWhatTheSpecCallsInvalid) {
  TraceParent parent;
  std::string value(kValid);
  auto with = [&](std::size_t at, std::string_view text) {
    std::string changed = value;
    changed.replace(at, text.size(), text);
    return changed;
  };
  EXPECT_FALSE(parse_traceparent(with(0, "ff"), parent));                   // §3.2.2.1
  EXPECT_FALSE(parse_traceparent(with(3, "4BF9"), parent));                 // uppercase
  EXPECT_FALSE(parse_traceparent(with(3, std::string(32, '0')), parent));   // §3.2.2.3
  EXPECT_FALSE(parse_traceparent(with(36, std::string(16, '0')), parent));  // §3.2.2.4
  EXPECT_FALSE(parse_traceparent(with(53, "0g"), parent));
  EXPECT_FALSE(parse_traceparent(with(35, "_"), parent));
  EXPECT_FALSE(parse_traceparent(value.substr(0, 54), parent));
  EXPECT_FALSE(parse_traceparent(value + "-00", parent));  // version 00 has four fields
  EXPECT_FALSE(parse_traceparent("", parent));
}

TEST(TraceContext, ReadsLaterVersionsByTheirFirstFields) {
  TraceParent parent;
  std::string later = "cc" + std::string(kValid.substr(2));
  EXPECT_TRUE(parse_traceparent(later, parent));  // §3.2.4
  EXPECT_TRUE(parse_traceparent(later + "-what-comes-next", parent));
  EXPECT_FALSE(parse_traceparent(later + "x", parent));
}

TEST(TraceContext, FormatsVersion00) {
  char out[kTraceparentLength];
  format_traceparent("4bf92f3577b34da6a3ce929d0e0e4736", "1234567890abcdef", "01", out);
  std::string_view written(out, kTraceparentLength);
  EXPECT_EQ(written, "00-4bf92f3577b34da6a3ce929d0e0e4736-1234567890abcdef-01");
  TraceParent parent;
  EXPECT_TRUE(parse_traceparent(written, parent));
}

}  // namespace
}  // namespace yoke::observe
