#pragma once
// The timeline of a discrete-event simulation: a binary min-heap of events ordered by time, and
// among events at the same time by the order they were scheduled (FIFO). The tie rule is what
// makes runs reproducible: nothing ever depends on how the heap happens to arrange equal keys.
#include <cstdint>
#include <vector>

#include "sim_time.h"

namespace yoke::sim {

enum class EventKind : std::uint8_t {
  kArrival,
  kServiceDone,   // subject: request; detail: the server's pause epoch when scheduled
  kFastFailDone,  // subject: request
  kPauseStart,    // subject: index into Scenario::pauses
  kPauseEnd,      // subject: index into Scenario::pauses
  kSlowdown,      // subject: index into Scenario::slowdowns
  kFailStart,     // subject: index into Scenario::failures
  kMembership,    // subject: index into Scenario::membership
  kBoardRefresh,  // the shared view of other nodes' counts is refreshed
};

struct Event {
  SimTime time = 0;
  std::uint64_t sequence = 0;  // scheduling order, the tie-breaker
  EventKind kind = EventKind::kArrival;
  std::uint32_t subject = 0;
  std::uint64_t detail = 0;
};

class EventQueue {
 public:
  void push(SimTime time, EventKind kind, std::uint32_t subject = 0, std::uint64_t detail = 0);
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // The earliest event (first scheduled among equal times). Must not be empty.
  Event pop();

 private:
  std::vector<Event> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace yoke::sim
