#include "event_queue.h"

#include <algorithm>

namespace yoke::sim {
namespace {

// std::push_heap builds a max-heap; "later" events compare smaller, so the earliest is on top.
bool later(const Event& a, const Event& b) {
  return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
}

}  // namespace

void EventQueue::push(SimTime time, EventKind kind, std::uint32_t subject, std::uint64_t detail) {
  heap_.push_back(Event{time, next_sequence_++, kind, subject, detail});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

Event EventQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  const Event event = heap_.back();
  heap_.pop_back();
  return event;
}

}  // namespace yoke::sim
