#pragma once
// Internal steps behind parse_config_text / parse_config_file (yoke/config/ast.h).
#include <string>
#include <vector>

#include "yoke/config/ast.h"

namespace yoke::config {

// Blocks may nest this deep; deeper input is an error (it also bounds the parser's recursion).
inline constexpr int kMaxBlockDepth = 64;
// Include files may nest this deep (a cycle is reported before reaching it).
inline constexpr int kMaxIncludeDepth = 16;

// Parses text into directives without expanding `include`. Throws ConfigError.
std::vector<Directive> parse_config_syntax(const std::string& text, const std::string& file_name);

// Replaces every `include PATTERN;` in directives (at any depth) with the directives of the
// files it names. file_name is the file the directives came from: relative patterns are taken
// from its folder. Throws ConfigError.
void expand_includes(std::vector<Directive>& directives, const std::string& file_name);

}  // namespace yoke::config
