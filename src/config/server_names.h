#pragma once
#include <string>
#include <vector>

#include "yoke/config/ast.h"

namespace yoke::config {

// Appends the names of one server_name directive to names, checking wildcards and regexes.
void read_server_names(const Directive& directive, std::vector<std::string>& names);

}  // namespace yoke::config
