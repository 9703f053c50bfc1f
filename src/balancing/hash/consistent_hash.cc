// `hash KEY consistent [balance_factor=F]`: ketama consistent hashing (ketama_ring.h) in the
// spirit of nginx's ngx_http_upstream_get_chash_peer: a key goes to the host of the first point
// at or after its hash; when that host cannot be used (down, failed, full, already tried) the
// walk goes on to the next points, so the key lands on the same next host every time and keys
// of usable hosts never move. nginx gives up after 20 points and falls back to round robin;
// here the walk goes on until every host was judged (key_walk.h), which keeps the answer a
// function of the key. With balance_factor, a host at its load bound is passed over the same
// way (bounded_load.h).
#include <memory>
#include <utility>
#include <vector>

#include "balancing/hash/bounded_load.h"
#include "balancing/hash/hash_policies.h"
#include "balancing/hash/ketama_ring.h"
#include "balancing/hash/key_walk.h"
#include "balancing/support/group_positions.h"

namespace yoke::balancing {
namespace {

class ConsistentHashPolicy final : public KeyWalkPolicy {
 public:
  ConsistentHashPolicy(const std::vector<const Host*>& group,
                       std::shared_ptr<const KetamaRing> ring, double balance_factor)
      : KeyWalkPolicy(group, balance_factor), ring_(std::move(ring)) {}

  const Host* choose(const LbContext& context, const Eligibility& eligibility) override {
    const std::size_t size = ring_->size();
    if (size == 0) return nullptr;
    const std::size_t start = ring_->point_for(context.has_hash_key ? context.hash_key : 0);
    return walk(eligibility, size, [&](std::size_t step) {
      const std::size_t point = start + step;
      return ring_->owner(point < size ? point : point - size);
    });
  }

 private:
  std::shared_ptr<const KetamaRing> ring_;
};

}  // namespace

SharedPolicyStatePtr build_ketama_ring(const std::vector<const Host*>& group) {
  return KetamaRing::build(group);
}

std::unique_ptr<Policy> make_consistent_hash(const std::vector<const Host*>& group,
                                             SharedPolicyStatePtr ring, double balance_factor) {
  auto typed = std::dynamic_pointer_cast<const KetamaRing>(std::move(ring));
  if (typed == nullptr) typed = KetamaRing::build(group);
  return std::make_unique<ConsistentHashPolicy>(group, std::move(typed), balance_factor);
}

}  // namespace yoke::balancing
