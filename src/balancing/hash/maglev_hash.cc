// `hash KEY maglev [balance_factor=F]`: a Maglev lookup table (Eisenbud et al., NSDI 2016,
// §3.4; src/balancing/maglev/maglev_table.h), built once per snapshot and shared by every
// worker (the table is immutable; building it per worker would cost each worker the build time
// and 128 KiB or more per upstream for identical bytes).
//
// Maglev itself has no answer for a backend that is down at pick time short of rebuilding the
// table, which would remap keys of healthy hosts too (the table is not minimal-disruption, see
// maglev_table_test.cc). Instead each key has a fixed fallback sequence: its own slot, then the
// slots of rehash(key, 1), rehash(key, 2) … (20 of them, as nginx's hash tries 20 times), then
// every slot onward from the last. A host that cannot be used (down, failed, full, already
// tried) is passed over along that sequence: keys of usable hosts never move, a down host's
// keys spread over the others in proportion to their slots (each rehash lands on a uniformly
// random slot), and every worker and restart sends a key to the same fallback host. With
// balance_factor, hosts at their load bound are passed over the same way (bounded_load.h).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "balancing/hash/bounded_load.h"
#include "balancing/hash/hash_policies.h"
#include "balancing/hash/key_walk.h"
#include "balancing/maglev/maglev_table.h"
#include "balancing/support/group_positions.h"
#include "balancing/support/host_identity.h"
#include "balancing/support/rehash.h"

namespace yoke::balancing {
namespace {

struct MaglevState final : SharedPolicyState {
  MaglevTable table;
};

class MaglevHashPolicy final : public KeyWalkPolicy {
 public:
  static constexpr std::size_t kRehashes = 20;

  MaglevHashPolicy(const std::vector<const Host*>& group, std::shared_ptr<const MaglevState> state,
                   double balance_factor)
      : KeyWalkPolicy(group, balance_factor), state_(std::move(state)) {}

  const Host* choose(const LbContext& context, const Eligibility& eligibility) override {
    const std::uint64_t key = context.has_hash_key ? context.hash_key : 0;
    const MaglevTable& table = state_->table;
    if (table.empty()) return nullptr;
    const std::size_t size = table.size();
    const std::size_t scan_start = rehash(key, kRehashes + 1) % size;
    return walk(eligibility, kRehashes + 1 + size, [&](std::size_t step) -> std::size_t {
      if (step == 0) return table.lookup(key);
      if (step <= kRehashes) return table.lookup(rehash(key, step));
      return table.owner((scan_start + step - kRehashes - 1) % size);
    });
  }

 private:
  std::shared_ptr<const MaglevState> state_;
};

}  // namespace

SharedPolicyStatePtr build_maglev_state(const std::vector<const Host*>& group) {
  const std::vector<std::string> identities = host_identities(group);
  std::vector<MaglevServer> servers;
  servers.reserve(group.size());
  for (std::size_t i = 0; i < group.size(); ++i) {
    servers.push_back({identities[i], group[i]->weight});
  }
  auto state = std::make_shared<MaglevState>();
  state->table = MaglevTable::build(servers);
  return state;
}

std::unique_ptr<Policy> make_maglev_hash(const std::vector<const Host*>& group,
                                         SharedPolicyStatePtr state, double balance_factor) {
  auto typed = std::dynamic_pointer_cast<const MaglevState>(std::move(state));
  if (typed == nullptr) {
    typed = std::static_pointer_cast<const MaglevState>(build_maglev_state(group));
  }
  return std::make_unique<MaglevHashPolicy>(group, std::move(typed), balance_factor);
}

}  // namespace yoke::balancing
