#pragma once
// Turns a directive argument such as "$host" or "${remote_addr}:x" into a ValueTemplate,
// rejecting variables Yoke does not provide.
#include <string>
#include <string_view>
#include <vector>

#include "yoke/config/ast.h"
#include "yoke/config/value_template.h"

namespace yoke::config {

// The variables `map` and `geoip2` blocks define, known to parse_value_template while one
// configuration is built: build_http declares them before it reads anything that may use them,
// as nginx accepts a variable defined anywhere in http. A scope, not a parameter, because value
// templates are parsed by a dozen builders that do not otherwise need the http block. Main
// thread only (configurations load there); scopes do not nest.
class UserVariableScope {
 public:
  explicit UserVariableScope(std::vector<std::string> names);
  ~UserVariableScope();
  UserVariableScope(const UserVariableScope&) = delete;
  UserVariableScope& operator=(const UserVariableScope&) = delete;

 private:
  std::vector<std::string> names_;
};

// True for the variables the proxy can fill (see docs/configuration.md, "Variables"), and for
// those the current UserVariableScope declares.
bool is_known_variable(std::string_view name);

// The same as parse_value_template, refusing map and geoip2 variables where Yoke cannot read
// them yet (access log formats and conditions): `"$name" (a map or geoip2 variable) is not
// supported in WHAT yet`.
ValueTemplate parse_builtin_value_template(const Argument& argument, std::string_view what);

// Throws ConfigError at argument.where: `unknown "name" variable`, or a malformed "$".
// allow_captures: "$1" … "$9" name a regex's captures (a map value whose key is a regex).
ValueTemplate parse_value_template(const Argument& argument, bool allow_captures = false);

}  // namespace yoke::config
