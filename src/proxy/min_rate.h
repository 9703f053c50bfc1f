#pragma once
// client_min_rate: a request head or body must arrive at a minimum average rate. A client that
// trickles one byte every few seconds resets no timer here (client_body_timeout is between
// two reads, so it never fires on such a client): each read checks that the bytes received
// since the head or body began cover RATE × (time since it began − after). Apache's
// mod_reqtimeout (MinRate) makes the same kind of check; nginx has none. Worker thread only.
#include <cstdint>

#include "yoke/config/model.h"
#include "yoke/core/clock.h"

namespace yoke::proxy {

class MinRateWatch {
 public:
  // Starts measuring at now; a rate of 0 leaves the watch off.
  void start(const config::MinRate& rate, TimePoint now) {
    per_second_ = rate.bytes_per_second;
    after_ = rate.after;
    start_ = now;
    bytes_ = 0;
  }
  void stop() { per_second_ = 0; }
  bool active() const { return per_second_ != 0; }

  // Counts `bytes` received at now. False when the client is behind: it has had more than
  // `after` and sent fewer than RATE bytes per second of the time beyond it.
  bool keeps_up(std::uint64_t bytes, TimePoint now) {
    bytes_ += bytes;
    if (per_second_ == 0) return true;
    const auto beyond = std::chrono::duration_cast<Milliseconds>(now - start_) - after_;
    if (beyond.count() <= 0) return true;
    return bytes_ * 1000 >= per_second_ * static_cast<std::uint64_t>(beyond.count());
  }

 private:
  std::uint64_t per_second_ = 0;
  Milliseconds after_{0};
  TimePoint start_{};
  std::uint64_t bytes_ = 0;
};

}  // namespace yoke::proxy
