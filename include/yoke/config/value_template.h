#pragma once
// A string with variables ("$host", "${remote_addr}:x"), as in nginx directive values.
#include <string>
#include <vector>

namespace yoke::config {

struct TemplatePart {
  bool is_variable = false;
  std::string text;  // literal text, or the variable name without '$' ("host", "http_x_id")
};

struct ValueTemplate {
  std::string source;  // as written
  std::vector<TemplatePart> parts;
  bool has_variables() const {
    for (const auto& p : parts) {
      if (p.is_variable) return true;
    }
    return false;
  }
};

}  // namespace yoke::config
