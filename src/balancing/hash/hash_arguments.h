#pragma once
// `hash KEY [consistent | maglev] [balance_factor=F]`: what the arguments ask for.
#include <optional>
#include <string>
#include <vector>

#include "yoke/config/ast.h"

namespace yoke::balancing {

enum class HashMode {
  kModulo,      // nginx's plain `hash KEY`: weighted modulo, most keys move when servers change
  kConsistent,  // a ketama ring (nginx's `consistent`)
  kMaglev,      // a Maglev lookup table
};

struct HashArguments {
  HashMode mode = HashMode::kModulo;
  // Consistent hashing with bounded loads: no host takes a request while it has
  // balance_factor × its share of the requests in flight. 0: no bound.
  double balance_factor = 0;
};

// The arguments' meaning, or an error message (std::string) naming what was wrong.
std::optional<std::string> parse_hash_arguments(const std::vector<config::Argument>& args,
                                                HashArguments& out);

}  // namespace yoke::balancing
