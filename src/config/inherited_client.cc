// Client-side directives of ngx_http_core_module that inherit down.
#include <climits>

#include "config/directive_checks.h"
#include "config/inherited.h"

namespace yoke::config {
namespace {

// Limits that keep a typo from reserving absurd amounts of memory per connection.
constexpr int kMaxLargeHeaderBuffers = 1024;
constexpr std::uint64_t kMaxLargeHeaderBufferSize = 1024 * 1024;

void read_time(const Directive& directive, std::optional<Duration>& slot, bool allow_zero) {
  require_simple(directive, 1);
  set_once(directive, slot, duration_value(directive, directive.args[0], allow_zero));
}

void read_large_header_buffers(const Directive& directive, InheritedSettings& settings) {
  require_simple(directive, 2);
  LargeHeaderBuffers buffers;
  buffers.count = count_value(directive, directive.args[0], 1, kMaxLargeHeaderBuffers);
  buffers.size = size_value(directive, directive.args[1]);
  if (buffers.size == 0 || buffers.size > kMaxLargeHeaderBufferSize) {
    fail(directive.args[1].where, "invalid value " + quote(directive.args[1].text) +
                                      " in \"large_client_header_buffers\" directive, expected "
                                      "a size from 1 to 1m");
  }
  set_once(directive, settings.large_header_buffers, buffers);
}

// client_min_rate RATE [after=TIME]: RATE a size per second ("1k" = 1024 bytes/s), 0 = off.
void read_min_rate(const Directive& directive, InheritedSettings& settings) {
  require_no_block(directive);
  require_args(directive, 1, 2);
  MinRate rate;
  rate.bytes_per_second = size_value(directive, directive.args[0]);
  if (directive.args.size() == 2) {
    const Argument& argument = directive.args[1];
    if (argument.text.rfind("after=", 0) != 0) {
      fail(argument.where, "invalid parameter " + quote(argument.text) +
                               " in \"client_min_rate\" directive, expected \"after=TIME\"");
    }
    Argument value = argument;
    value.text = argument.text.substr(6);
    rate.after = duration_value(directive, value, true);
  }
  set_once(directive, settings.client_min_rate, rate);
}

}  // namespace

bool read_client_directive(const Directive& directive, InheritedSettings& settings) {
  const std::string& name = directive.name;
  if (name == "client_max_body_size") {
    require_simple(directive, 1);
    set_once(directive, settings.client_max_body_size, size_value(directive, directive.args[0]));
  } else if (name == "client_body_timeout") {
    read_time(directive, settings.client_body_timeout, false);
  } else if (name == "send_timeout") {
    read_time(directive, settings.send_timeout, false);
  } else if (name == "keepalive_timeout") {
    // 0 disables client keep-alive, as in nginx.
    read_time(directive, settings.keepalive_timeout, true);
  } else if (name == "keepalive_requests") {
    require_simple(directive, 1);
    set_once(directive, settings.keepalive_requests,
             count_value(directive, directive.args[0], 1, INT_MAX));
  } else if (name == "client_header_timeout") {
    read_time(directive, settings.client_header_timeout, false);
  } else if (name == "client_min_rate") {
    read_min_rate(directive, settings);
  } else if (name == "large_client_header_buffers") {
    read_large_header_buffers(directive, settings);
  } else {
    return false;
  }
  return true;
}

}  // namespace yoke::config
