// balance_factor: with a skewed key mix (one key sends a third of the requests), no host is
// given a request that takes it above ceil(F × the mean) requests in flight, for consistent and
// maglev. The bound is applied when a request is placed (Mirrokni et al.): a host can sit above
// it for a while when other hosts' requests end, but it gets nothing new until it is below.
// Requests end in a random order from a seeded generator.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "balancing/hash/hash_testing.h"
#include "yoke/balancing/random.h"

namespace yoke::balancing {
namespace {

struct LoadRun {
  double worst_ratio = 0;    // chosen host's in flight / mean in flight, over every pick
  bool within_bound = true;  // chosen host's in flight <= ceil(F × mean) after every pick
};

LoadRun simulate(const std::string& words, double factor, std::size_t hosts_count) {
  testing::TestHosts hosts = testing::TestHosts::equal(hosts_count);
  auto policy = testing::make_policy("hash", words, hosts);
  testing::AllEligible all;
  PolicyRandom random(42);
  std::vector<int> in_flight(hosts_count, 0);
  std::vector<std::size_t> open;  // host index of each request in flight
  LoadRun result;
  for (int step = 0; step < 20000; ++step) {
    // Keep 40 to 200 requests in flight: start more often than end until the level is reached.
    const bool start = open.size() < 40 || (open.size() < 200 && random.below(2) == 0);
    if (start) {
      const int user = random.below(3) == 0 ? 7 : static_cast<int>(random.below(1000));
      const Host* host = policy->choose(testing::keyed(testing::user_key(user)), all);
      policy->on_request_start(*host, TimePoint{});
      ++in_flight[host->index];
      open.push_back(host->index);
      const double mean = static_cast<double>(open.size()) / static_cast<double>(hosts_count);
      const int chosen = in_flight[host->index];
      result.worst_ratio = std::max(result.worst_ratio, chosen / mean);
      if (factor > 0 && chosen > std::ceil(factor * mean)) result.within_bound = false;
    } else {
      const std::size_t which = random.below(open.size());
      const std::size_t index = open[which];
      open[which] = open.back();
      open.pop_back();
      --in_flight[index];
      policy->on_request_end(hosts[index], AttemptOutcome{});
    }
  }
  return result;
}

TEST(BoundedLoad, NoHostAboveTheFactorTimesTheMeanInFlight) {
  for (const char* mode : {"consistent", "maglev"}) {
    const LoadRun bounded = simulate(std::string("$k ") + mode + " balance_factor=1.25", 1.25, 8);
    EXPECT_TRUE(bounded.within_bound) << mode;
    const LoadRun unbounded = simulate(std::string("$k ") + mode, 0, 8);
    // Without the bound the hot key's host carries far more than its share.
    EXPECT_GT(unbounded.worst_ratio, 2.0) << mode;
  }
}

TEST(BoundedLoad, KeysOfAHostWithRoomStayPut) {
  testing::TestHosts hosts = testing::TestHosts::equal(4);
  auto plain = testing::make_policy("hash", "$k maglev", hosts);
  auto bounded = testing::make_policy("hash", "$k maglev balance_factor=1.25", hosts);
  testing::AllEligible all;
  for (int key = 0; key < 1000; ++key) {
    const auto context = testing::keyed(testing::user_key(key));
    EXPECT_EQ(plain->choose(context, all), bounded->choose(context, all));
  }
}

}  // namespace
}  // namespace yoke::balancing
