#pragma once
// A tiny closed-loop simulation on a fake clock for the latency policies' tests: `clients`
// clients each send a request, wait for its answer, and send the next. A host answers after
// service(host index, start time) microseconds (negative: never), ending as ends(host index,
// start time) says (by default: answered 200). Deterministic: events at equal times run in the
// order they were made.
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing::testing {

struct Pick {
  Microseconds at;  // since the start of the run
  std::size_t host;
};

class ClosedLoop {
 public:
  using Service = std::function<std::int64_t(std::size_t host, Microseconds at)>;
  enum class End { kAnswered, kFailed, kServerError };  // 200, a failed attempt, a 500 answer
  using Ends = std::function<End(std::size_t host, Microseconds at)>;

  ClosedLoop(Policy& policy, const TestHosts& hosts, Service service, Ends ends = nullptr)
      : policy_(policy), hosts_(hosts), service_(std::move(service)), ends_(std::move(ends)) {}

  // Runs until `until` with `clients` clients; returns every pick.
  std::vector<Pick> run(int clients, Microseconds until) {
    for (int i = 0; i < clients; ++i) send(Microseconds(0));
    while (!events_.empty() && events_.top().at <= until) {
      const Event event = events_.top();
      events_.pop();
      const TimePoint now = origin() + event.at;
      AttemptOutcome result = outcome(now, event.at - event.started, event.end == End::kFailed);
      if (event.end == End::kServerError) result.status = 500;
      policy_.on_request_end(*hosts_.group()[event.host], result);
      send(event.at);
    }
    return picks_;
  }

  static TimePoint origin() { return TimePoint{} + std::chrono::hours(1); }

 private:
  struct Event {
    Microseconds at;
    std::uint64_t order;
    std::size_t host;
    Microseconds started;
    End end;
    bool operator>(const Event& other) const {
      return at != other.at ? at > other.at : order > other.order;
    }
  };

  void send(Microseconds at) {
    LbContext context;
    context.now = origin() + at;
    const Host* host = policy_.choose(context, all_);
    if (host == nullptr) return;
    policy_.on_request_start(*host, context.now);
    picks_.push_back({at, host->index});
    const std::int64_t service = service_(host->index, at);
    if (service < 0) return;  // never answers: the client is stuck, as behind a stalled server
    const End end = ends_ != nullptr ? ends_(host->index, at) : End::kAnswered;
    events_.push({at + Microseconds(service), order_++, host->index, at, end});
  }

  Policy& policy_;
  const TestHosts& hosts_;
  Service service_;
  Ends ends_;
  AllEligible all_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  std::vector<Pick> picks_;
  std::uint64_t order_ = 0;
};

// The share of picks that went to host within [from, to).
inline double share(const std::vector<Pick>& picks, std::size_t host, Microseconds from,
                    Microseconds to) {
  int all = 0;
  int hits = 0;
  for (const Pick& pick : picks) {
    if (pick.at < from || pick.at >= to) continue;
    ++all;
    hits += pick.host == host ? 1 : 0;
  }
  return all == 0 ? 0.0 : static_cast<double>(hits) / all;
}

}  // namespace yoke::balancing::testing
