#pragma once
// Access-log formats (log_format, docs/logging.md), compiled once at configuration load into a
// list of pieces: literal text, or a variable. Writing a line walks the pieces and appends to
// the worker's log buffer, so it allocates nothing.
//
// Variables that read the request head ($request, $http_NAME …) cannot be read when the
// request ends, because the worker reuses the parsed head: they are *captured* when the
// request is routed (their raw values copied into a per-request string, in the order of
// `captures`), and `$sent_http_NAME` when the response head is written. Every other variable
// is read when the line is written.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "yoke/config/model.h"
#include "yoke/router/variables.h"

namespace yoke::observe {

inline constexpr std::uint16_t kNotCaptured = 0xffff;

struct LogPiece {
  router::VariableId id = router::VariableId::kLiteral;
  std::string text;                      // the literal, or NAME of $http_NAME and the like
  std::uint16_t capture = kNotCaptured;  // index into CompiledLogFormat::captures
};

struct LogCapture {
  router::VariableId id = router::VariableId::kLiteral;
  std::string name;
  bool response = false;  // $sent_http_NAME: captured from the response head
};

struct CompiledLogFormat {
  std::string name;
  config::LogEscape escape = config::LogEscape::kDefault;
  std::vector<LogPiece> pieces;
  std::vector<LogCapture> captures;  // each distinct captured variable once
};

// Compiles a format; the loader already rejected unknown variables.
CompiledLogFormat compile_log_format(const config::LogFormat& format);

// Appends value to out escaped as escape says; an empty value becomes "-" except with json
// (nginx: ngx_http_log_escape, ngx_escape_json).
void append_log_value(std::string& out, std::string_view value, config::LogEscape escape);

// What the session supplies when a line is written: the value of a variable read at the end.
class LogValues {
 public:
  virtual std::string_view log_value(router::VariableId id, std::string_view name) const = 0;

 protected:
  ~LogValues() = default;
};

// Captured values of one request for one format: spans into `text`, one per capture.
struct CapturedValues {
  std::string_view text;
  const std::uint32_t* spans = nullptr;  // 2 per capture: offset, length
};

// Appends one line (without the newline) to out.
void format_log_line(const CompiledLogFormat& format, const CapturedValues& captured,
                     const LogValues& values, std::string& out);

// True when the condition (if=) expands to neither "" nor "0" (nginx's access_log if=).
bool log_condition_holds(const CompiledLogFormat& condition, const CapturedValues& captured,
                         const LogValues& values);

}  // namespace yoke::observe
