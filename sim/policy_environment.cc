#include "policy_environment.h"

#include <stdexcept>

namespace yoke::sim {
namespace {

// The simulator is single-threaded; thread_local only keeps test binaries that run simulations
// on several threads honest.
thread_local PolicyEnvironment* current_environment = nullptr;

}  // namespace

PolicyEnvironmentScope::PolicyEnvironmentScope(PolicyEnvironment& environment)
    : previous_(current_environment) {
  current_environment = &environment;
}

PolicyEnvironmentScope::~PolicyEnvironmentScope() { current_environment = previous_; }

PolicyEnvironment& PolicyEnvironmentScope::current() {
  if (current_environment == nullptr) {
    throw std::logic_error("simulator reference policies exist only inside yoke-sim");
  }
  return *current_environment;
}

}  // namespace yoke::sim
