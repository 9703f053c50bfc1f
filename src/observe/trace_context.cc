#include "yoke/observe/trace_context.h"

#include <algorithm>
#include <cstring>

namespace yoke::observe {
namespace {

// §3.2.2: "HEXDIGLC = DIGIT / "a" / "b" / "c" / "d" / "e" / "f" ; lowercase hex character".
bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '0'; });
}

}  // namespace

bool parse_traceparent(std::string_view value, TraceParent& out) {
  if (value.size() < kTraceparentLength) return false;
  std::string_view version = value.substr(0, 2);
  // §3.2.2.1: version ff is forbidden. §3.2.4: version 00 has exactly four fields; a later
  // version may append fields after a '-', which a version-00 reader ignores.
  if (!is_lower_hex(version) || version == "ff") return false;
  if (version == "00" ? value.size() != kTraceparentLength
                      : value.size() > kTraceparentLength && value[kTraceparentLength] != '-') {
    return false;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') return false;
  std::string_view trace_id = value.substr(3, kTraceIdLength);
  std::string_view parent_id = value.substr(36, kParentIdLength);
  std::string_view flags = value.substr(53, 2);
  // §3.2.2.3 / §3.2.2.4: all zeros is an invalid trace-id / parent-id.
  if (!is_lower_hex(trace_id) || all_zero(trace_id)) return false;
  if (!is_lower_hex(parent_id) || all_zero(parent_id)) return false;
  if (!is_lower_hex(flags)) return false;
  std::copy(trace_id.begin(), trace_id.end(), out.trace_id.begin());
  std::copy(parent_id.begin(), parent_id.end(), out.parent_id.begin());
  std::copy(flags.begin(), flags.end(), out.flags.begin());
  return true;
}

void format_traceparent(std::string_view trace_id, std::string_view span_id, std::string_view flags,
                        char* out) {
  out[0] = '0';
  out[1] = '0';
  out[2] = '-';
  std::memcpy(out + 3, trace_id.data(), kTraceIdLength);
  out[35] = '-';
  std::memcpy(out + 36, span_id.data(), kParentIdLength);
  out[52] = '-';
  std::memcpy(out + 53, flags.data(), 2);
}

}  // namespace yoke::observe
