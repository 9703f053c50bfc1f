#pragma once
// Directive readers shared by the scenario parser's files. Internal to sim/.
#include "scenario.h"
#include "yoke/config/ast.h"

namespace yoke::sim {

// Server declarations and timeline events (scenario_parse_servers.cc). Each returns false when
// directive is not one of its names.
bool read_server_directive(Scenario& scenario, const config::Directive& directive);
bool read_event_directive(Scenario& scenario, const config::Directive& directive);

// The index of the server named by arg; throws when no server of that name was declared above.
std::size_t find_server(const Scenario& scenario, const config::Argument& arg);

}  // namespace yoke::sim
