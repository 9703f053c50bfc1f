#pragma once
// Helpers shared by the config tests.
#include <string>

#include "yoke/config/ast.h"
#include "yoke/config/model.h"

namespace yoke::config::testing {

// The what() of the ConfigError that loading text as "t.conf" throws, or "no error".
inline std::string load_error(const std::string& text) {
  try {
    load_config_text(text, "t.conf");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

// A minimal valid http block around the given server body.
inline std::string http_with_server(const std::string& server_body) {
  return "http {\n  server {\n" + server_body + "\n  }\n}\n";
}

}  // namespace yoke::config::testing
