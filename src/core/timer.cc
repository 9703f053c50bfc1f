#include "yoke/core/timer.h"

#include <algorithm>

namespace yoke {

Timer::~Timer() { cancel(); }

void Timer::cancel() {
  if (list_ == nullptr) return;
  if (prev_ != nullptr)
    prev_->next_ = next_;
  else
    list_->head = next_;
  if (next_ != nullptr)
    next_->prev_ = prev_;
  else
    list_->tail = prev_;
  prev_ = next_ = nullptr;
  list_ = nullptr;
}

TimerQueue::~TimerQueue() {
  for (TimerList* list : lists_) {
    while (list->head != nullptr) list->head->cancel();
    delete list;
  }
}

TimerList* TimerQueue::list_for(Milliseconds duration) {
  if (last_list_ != nullptr && last_list_->duration == duration) return last_list_;
  for (TimerList* list : lists_) {
    if (list->duration == duration) return last_list_ = list;
  }
  auto* list = new TimerList;
  list->duration = duration;
  lists_.push_back(list);
  return last_list_ = list;
}

void TimerQueue::arm(Timer& timer, Milliseconds duration, TimePoint now) {
  Milliseconds length = std::max(duration, Milliseconds(0));
  bool same_list = timer.list_ != nullptr && timer.list_->duration == length;
  TimerList* list = same_list ? timer.list_ : list_for(length);
  timer.deadline_ = now + duration;
  // Re-arming the newest timer of its list (a timeout pushed back on every bit of progress):
  // its new deadline is still the latest of the list, so it stays where it is.
  if (same_list && list->tail == &timer) return;
  timer.cancel();
  timer.list_ = list;
  timer.prev_ = list->tail;
  timer.next_ = nullptr;
  if (list->tail != nullptr)
    list->tail->next_ = &timer;
  else
    list->head = &timer;
  list->tail = &timer;
}

void TimerQueue::expire(TimePoint now) {
  // Fire in deadline order across lists: pick the list whose head is earliest each time.
  for (;;) {
    TimerList* earliest = nullptr;
    for (TimerList* list : lists_) {
      if (list->head == nullptr || list->head->deadline_ > now) continue;
      if (earliest == nullptr || list->head->deadline_ < earliest->head->deadline_) earliest = list;
    }
    if (earliest == nullptr) return;
    Timer* timer = earliest->head;
    timer->cancel();
    if (timer->handler_ != nullptr) timer->handler_->on_timer(*timer);
  }
}

int TimerQueue::wait_ms(TimePoint now) const {
  bool any = false;
  TimePoint earliest{};
  for (const TimerList* list : lists_) {
    if (list->head == nullptr) continue;
    if (!any || list->head->deadline_ < earliest) earliest = list->head->deadline_;
    any = true;
  }
  if (!any) return -1;
  if (earliest <= now) return 0;
  auto wait = std::chrono::ceil<Milliseconds>(earliest - now).count();
  return static_cast<int>(std::min<long long>(wait, 60'000));
}

}  // namespace yoke
