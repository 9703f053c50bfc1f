// server_name NAME ... (ngx_http_core_server_name): exact names, "*.example.com",
// "www.example.*", ".example.com" and "~regex". Names compare case-insensitively, so
// non-regex names are stored lowercased, as nginx does.
#include "config/server_names.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "config/directive_checks.h"

namespace yoke::config {
namespace {

bool valid_wildcard(const std::string& name) {
  auto stars = std::count(name.begin(), name.end(), '*');
  if (stars == 0) return true;
  if (stars > 1) return false;
  bool leading = name.size() > 2 && name.rfind("*.", 0) == 0;
  bool trailing = name.size() > 2 && name.compare(name.size() - 2, 2, ".*") == 0;
  return leading || trailing;
}

void check_regex(const Argument& argument) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 regex(argument.text.substr(1), options);
  if (!regex.ok()) {
    fail(argument.where,
         "invalid regular expression " + quote(argument.text.substr(1)) + ": " + regex.error());
  }
}

}  // namespace

void read_server_names(const Directive& directive, std::vector<std::string>& names) {
  require_no_block(directive);
  require_args(directive, 1, SIZE_MAX);
  for (const auto& argument : directive.args) {
    std::string name = argument.text;
    if (name.size() > 1 && name.front() == '~') {
      check_regex(argument);
    } else {
      if (!valid_wildcard(name)) {
        fail(argument.where, "invalid server name or wildcard " + quote(name));
      }
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    names.push_back(std::move(name));
  }
}

}  // namespace yoke::config
