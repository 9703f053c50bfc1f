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
// Opens the error log's path anew (SIGUSR1, after logrotate moved it). The new file takes
// over the descriptor number in one dup2(), so a thread writing at that moment writes whole
// lines to the old file or the new one, never to a closed descriptor. A failure is logged to
// the file still open. Any thread; a no-op for standard error.
void reopen_error_log();
bool log_enabled(LogLevel level);
void log_line(LogLevel level, std::string_view message);

}  // namespace yoke::observe
