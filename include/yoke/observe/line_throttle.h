#pragma once
// At most one error-log line a second from one source, for events a flood repeats (a denied
// client retrying, requests over a limit, refused connections): the first line tells the
// story, later ones would only fill the disk. Lines held back are counted and reported with
// the next one that passes. Not thread-safe: one per thread (thread_local) or per owner.
#include <chrono>
#include <cstdint>
#include <string>

#include "yoke/core/clock.h"

namespace yoke::observe {

class LineThrottle {
 public:
  // Whether a line may be written at now; when not, it is counted as held back.
  bool admit(TimePoint now) {
    if (now - last_line_ < std::chrono::seconds(1) && last_line_ != TimePoint{}) {
      ++held_back_;
      return false;
    }
    last_line_ = now;
    return true;
  }

  // " (and N more since the last line)" when lines were held back since the last one, else "";
  // the count starts again.
  std::string take_held_back_note() {
    if (held_back_ == 0) return {};
    std::string note = " (and " + std::to_string(held_back_) + " more since the last line)";
    held_back_ = 0;
    return note;
  }

 private:
  TimePoint last_line_{};
  std::uint64_t held_back_ = 0;
};

}  // namespace yoke::observe
