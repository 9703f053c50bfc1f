#pragma once
#include <string>

namespace yoke::config {

// Where a token came from, for error messages of the form "file:line:column: message".
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string to_string() const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

}  // namespace yoke::config
