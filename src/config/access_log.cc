// access_log (ngx_http_log_module) and trace_context, which inherit down http → server →
// location. Formats are checked against log_format once the whole http block is read
// (log_format.cc), so a format may be defined after the access_log that names it.
#include "config/directive_checks.h"
#include "config/durations.h"
#include "config/inherited.h"
#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

// A buffer larger than this would only delay lines and hold memory per worker and file.
constexpr std::uint64_t kMaxLogBuffer = std::uint64_t{16} * 1024 * 1024;

Argument parameter_value(const Argument& argument, std::size_t prefix) {
  Argument value = argument;
  value.text = argument.text.substr(prefix);
  value.where.column += static_cast<int>(prefix);
  return value;
}

void read_parameter(const Directive& directive, const Argument& argument, AccessLog& log) {
  const std::string& text = argument.text;
  if (text.starts_with("buffer=")) {
    log.buffer = size_value(directive, parameter_value(argument, 7));
    if (log.buffer == 0 || log.buffer > kMaxLogBuffer) {
      fail(argument.where, "invalid buffer size " + quote(text) +
                               " in \"access_log\" directive, expected 1 to 16m");
    }
  } else if (text.starts_with("flush=")) {
    log.flush = duration_value(directive, parameter_value(argument, 6), false);
  } else if (text.starts_with("if=")) {
    log.condition = parse_builtin_value_template(parameter_value(argument, 3), "access_log if=");
  } else {
    fail(argument.where, "invalid parameter " + quote(text));
  }
}

// access_log PATH [FORMAT] [buffer=SIZE] [flush=TIME] [if=CONDITION] | off. nginx writes each
// line at once unless buffer= is given; Yoke always buffers (64k, flushed within 1s by
// default) so that logging never costs a write() per request.
void read_access_log(const Directive& directive, InheritedSettings& settings) {
  require_no_block(directive);
  require_args(directive, 1, 5);
  const Argument& path = directive.args[0];
  bool has_logs = settings.access_logs.has_value() && !settings.access_logs->empty();
  if (path.text == "off") {
    if (directive.args.size() > 1)
      fail(directive.args[1].where, "invalid parameter " + quote(directive.args[1].text));
    if (has_logs) fail(path.where, "\"access_log off\" cannot be combined with other access_log");
    settings.access_log_off = true;
    settings.access_logs.emplace();
    return;
  }
  if (settings.access_log_off) {
    fail(path.where, "\"access_log off\" cannot be combined with other access_log");
  }
  AccessLog log;
  log.path = path.text;
  log.where = directive.where;
  log.format_where = path.where;
  std::size_t next = 1;
  if (directive.args.size() > 1 && directive.args[1].text.find('=') == std::string::npos) {
    log.format = directive.args[1].text == "main" ? "combined" : directive.args[1].text;
    log.format_where = directive.args[1].where;
    next = 2;
  }
  for (; next < directive.args.size(); ++next) read_parameter(directive, directive.args[next], log);
  if (!settings.access_logs) settings.access_logs.emplace();
  settings.access_logs->push_back(std::move(log));
}

// trace_context on | off | pass (docs/logging.md, "Tracing").
void read_trace_context(const Directive& directive, InheritedSettings& settings) {
  require_simple(directive, 1);
  const Argument& value = directive.args[0];
  TraceContext mode = TraceContext::kOn;
  if (value.text == "off") {
    mode = TraceContext::kOff;
  } else if (value.text == "pass") {
    mode = TraceContext::kPass;
  } else if (value.text != "on") {
    fail(value.where, "invalid value " + quote(value.text) +
                          " in \"trace_context\" directive, it must be \"on\", \"off\" or "
                          "\"pass\"");
  }
  set_once(directive, settings.trace_context, mode);
}

}  // namespace

bool read_log_directive(const Directive& directive, InheritedSettings& settings) {
  if (directive.name == "access_log") {
    read_access_log(directive, settings);
  } else if (directive.name == "trace_context") {
    read_trace_context(directive, settings);
  } else {
    return false;
  }
  return true;
}

}  // namespace yoke::config
