#pragma once
// W3C Trace Context (Recommendation, 23 November 2021; https://www.w3.org/TR/trace-context/):
// reading a `traceparent` value and writing the one Yoke passes on. Pure functions.
#include <array>
#include <string_view>

namespace yoke::observe {

inline constexpr std::size_t kTraceIdLength = 32;   // §3.2.2.3: 16 bytes as lowercase hex
inline constexpr std::size_t kParentIdLength = 16;  // §3.2.2.4: 8 bytes as lowercase hex
inline constexpr std::size_t kTraceparentLength = 55;

struct TraceParent {
  std::array<char, kTraceIdLength> trace_id{};
  std::array<char, kParentIdLength> parent_id{};
  std::array<char, 2> flags{};
};

// Parses a traceparent value (§3.2): version 00 exactly as "00-TRACEID-PARENTID-FLAGS"; a
// higher version (but not ff) by those first 55 characters, followed by nothing or '-' (§3.2.4).
// Lowercase hex only; an all-zero trace-id or parent-id is invalid. False when invalid.
bool parse_traceparent(std::string_view value, TraceParent& out);

// Writes "00-TRACEID-SPANID-FLAGS" (kTraceparentLength bytes) to out.
void format_traceparent(std::string_view trace_id, std::string_view span_id, std::string_view flags,
                        char* out);

}  // namespace yoke::observe
