#pragma once
// `ewma [decay=TIME] [penalty=TIME]`.
#include <optional>
#include <string>
#include <vector>

#include "yoke/config/ast.h"
#include "yoke/core/clock.h"

namespace yoke::balancing {

struct EwmaArguments {
  // How fast the estimate forgets: a sample Δt after the previous one keeps e^(−Δt/decay) of
  // the old estimate. 10 s is Finagle's and linkerd2-proxy's default.
  Milliseconds decay{10000};
  // The latency an error is charged at least, so a server that fails fast does not look fast.
  Milliseconds penalty{1000};
};

std::optional<std::string> parse_ewma_arguments(const std::vector<config::Argument>& args,
                                                EwmaArguments& out);

}  // namespace yoke::balancing
