#pragma once
// The error log (nginx's error_log): timestamped lines "YYYY/MM/DD HH:MM:SS [level] message"
// to stderr or a file. Thread-safe; meant for events, not for every request.
#include <string>
#include <string_view>

namespace yoke::observe {

enum class LogLevel { kDebug, kInfo, kNotice, kWarn, kError, kCrit, kAlert, kEmerg };

// Parses "debug" … "emerg"; false when unknown.
bool parse_log_level(std::string_view text, LogLevel& out);
// Sends later lines to path ("" or "stderr" = standard error) at or above level.
// Returns false with error set when the file cannot be opened.
bool open_error_log(const std::string& path, LogLevel level, std::string& error);
bool log_enabled(LogLevel level);
void log_line(LogLevel level, std::string_view message);

}  // namespace yoke::observe
