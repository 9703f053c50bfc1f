// libFuzzer target for configuration loading: the lexer, the parser and the typed builders.
// Two things are kept out so every input runs fast and touches nothing outside the process:
// `include` is not expanded (a pattern such as /dev/zero would read forever), and hostnames
// are not resolved (BuildOptions::resolve_hostnames = false makes them "host not found").
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/build.h"
#include "config/syntax.h"
#include "yoke/config/ast.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace yoke::config;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<Directive> directives;
  try {
    directives = parse_config_syntax(text, "fuzz.conf");
  } catch (const ConfigError&) {
    return 0;
  }
  try {
    build_config(directives, "fuzz.conf", BuildOptions{false});
  } catch (const ConfigError&) {
  }
  return 0;
}
