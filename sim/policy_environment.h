#pragma once
// What a simulator-only reference policy (sim-random, sim-jsq) needs besides its group: the
// simulator's global view, which simulated server each Host is, and a seed.
//
// balancing::PolicyFactory::create is a plain function pointer with no user data (like nginx's
// peer init hooks), and UpstreamBalancer calls it from its constructor. So the simulator opens a
// PolicyEnvironmentScope around each UpstreamBalancer it builds, and the reference policies'
// create functions read it. Yoke's own policies never look at it.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "global_view.h"

namespace yoke::sim {

struct PolicyEnvironment {
  const GlobalView* view = nullptr;
  std::size_t node = 0;
  std::vector<std::size_t> server_of_host;  // balancing::Host::index → simulated server
  std::uint64_t seed = 0;
  std::uint64_t created = 0;  // policies created so far in this scope (seeds differ per policy)
};

class PolicyEnvironmentScope {
 public:
  explicit PolicyEnvironmentScope(PolicyEnvironment& environment);
  ~PolicyEnvironmentScope();
  PolicyEnvironmentScope(const PolicyEnvironmentScope&) = delete;
  PolicyEnvironmentScope& operator=(const PolicyEnvironmentScope&) = delete;

  // The innermost open scope's environment; throws std::logic_error when none is open (a
  // reference policy created outside the simulator).
  static PolicyEnvironment& current();

 private:
  PolicyEnvironment* previous_;
};

}  // namespace yoke::sim
