#pragma once
// Reading the values of scenario directives: numbers, percentages, times ("10ms", "0.5ms",
// "250us", "2s") and nginx-style `key=value` parameters. Every error throws config::ConfigError
// at the offending argument.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim_time.h"
#include "yoke/config/ast.h"

namespace yoke::sim {

double parse_number(const config::Argument& arg, double min, double max);
std::int64_t parse_integer(const config::Argument& arg, std::int64_t min, std::int64_t max);
// "80%" → 0.8, within [min, max] (as fractions).
double parse_percent(const config::Argument& arg, double min, double max);
// A decimal number and a unit: us, ms or s. Must be positive unless allow_zero.
SimTime parse_time(const config::Argument& arg, bool allow_zero = false);

// The `key=value` parameters and bare flags (e.g. `backup`) of one directive. Every parameter
// must be taken by the reader; finish() rejects the ones nobody asked for.
class Params {
 public:
  // args[first..] are parameters; directive names the directive in messages.
  Params(const config::Directive& directive, std::size_t first);
  // The value argument of key (its text is the part after '='), or nullptr when absent.
  const config::Argument* take(std::string_view key);
  bool take_flag(std::string_view flag);
  // Throws on a parameter that no take() asked for.
  void finish() const;

 private:
  struct Entry {
    config::Argument value;
    bool is_flag = false;
    bool taken = false;
  };
  std::string directive_;
  std::map<std::string, Entry, std::less<>> entries_;
};

// Throws unless directive has between min and max arguments.
void expect_args(const config::Directive& directive, std::size_t min, std::size_t max);

}  // namespace yoke::sim
