#pragma once
// The text output of yoke-sim: per scenario a heading, a one-paragraph description generated
// from the model, and a Markdown table (readable in a terminal, pasted as is into
// docs/balancing.md). Every number is printed with a fixed format, so equal results give
// byte-identical text.
#include <cstdint>
#include <ostream>
#include <string>

#include "runner.h"
#include "scenario.h"

namespace yoke::sim {

// "10 servers (1 slot each), 1 balancer node, Poisson arrivals at 80% of capacity, …".
std::string describe(const Scenario& scenario);
void print_report(std::ostream& out, const ScenarioResult& result, std::uint64_t seed);

// printf-style fixed formatting ("%.*f").
std::string fixed(double value, int decimals);

}  // namespace yoke::sim
