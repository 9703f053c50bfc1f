#pragma once
// Turns a directive argument such as "$host" or "${remote_addr}:x" into a ValueTemplate,
// rejecting variables Yoke does not provide.
#include <string_view>

#include "yoke/config/ast.h"
#include "yoke/config/value_template.h"

namespace yoke::config {

// True for the variables the proxy can fill (see docs/configuration.md, "Variables").
bool is_known_variable(std::string_view name);

// Throws ConfigError at argument.where: `unknown "name" variable`, or a malformed "$".
ValueTemplate parse_value_template(const Argument& argument);

}  // namespace yoke::config
