#pragma once
// The untyped syntax tree of an nginx-style configuration: directives with arguments and
// optional blocks. Produced by parse_config_text / parse_config_file; `include` is already
// expanded (glob, relative to the including file's folder).
#include <stdexcept>
#include <string>
#include <vector>

#include "yoke/config/source_location.h"

namespace yoke::config {

struct Argument {
  std::string text;  // unquoted, escapes resolved
  bool quoted = false;
  SourceLocation where;
};

struct Directive {
  std::string name;
  std::vector<Argument> args;
  bool has_block = false;
  std::vector<Directive> block;
  SourceLocation where;
};

// Every configuration error, with where it happened. what() is "file:line:column: message".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const SourceLocation& where, const std::string& message)
      : std::runtime_error(where.to_string() + ": " + message), where_(where) {}
  const SourceLocation& where() const { return where_; }

 private:
  SourceLocation where_;
};

// Parses text (named file_name in messages). Throws ConfigError.
std::vector<Directive> parse_config_text(const std::string& text, const std::string& file_name);
// Reads and parses a file, expanding `include PATTERN;` anywhere. Throws ConfigError.
std::vector<Directive> parse_config_file(const std::string& path);

}  // namespace yoke::config
