#pragma once
// Passive outlier ejection (docs/resilience.md): Envoy's consecutive-5xx and consecutive
// gateway-failure detection, counted across workers in the shared words of host_outlier.h.
// Envoy ejects inline, on the failure that completes the streak, and returns hosts in a timer
// sweep; Yoke ejects the same way and returns a host lazily: the first worker that considers it
// after its ejection ended clears the mark (one compare-and-swap per ejection), so no thread
// has to wake up for it.
//
// An OutlierDetector is a view over one HostSet's settings and runtime state; each worker's
// UpstreamBalancer holds one. Every method is for worker threads (any number at once), takes no
// lock and allocates nothing.
#include <cstdint>

#include "yoke/balancing/host_set.h"
#include "yoke/balancing/policy.h"

namespace yoke::health {

// What an attempt's outcome means to outlier detection.
enum class OutlierEvent : std::uint8_t {
  kSuccess,         // a response below 500: breaks both streaks
  kServerError,     // a 5xx other than 502-504, or a failure after the head (a broken body)
  kGatewayFailure,  // 502, 503, 504, or no response at all (connect error, timeout, reset)
  kIgnored,         // cut short by the client or by Yoke: says nothing about the server
};
OutlierEvent classify(const balancing::AttemptOutcome& outcome);

class OutlierDetector {
 public:
  // set must outlive the detector; inactive (records and admits nothing) when the set has no
  // runtime state or its upstream has no outlier_detection.
  explicit OutlierDetector(const balancing::HostSet& set);

  bool active() const { return runtimes_ != nullptr; }
  // Counts the attempt's outcome on host; returns true when this call ejected it.
  bool record(const balancing::Host& host, const balancing::AttemptOutcome& outcome);
  // False while host is ejected. Releases an ejection that has ended (so the cap counts only
  // hosts still ejected).
  bool admits(const balancing::Host& host, TimePoint now) const;

  // The most hosts ejected at once: max_ejection_percent of the hosts, at least one (Envoy
  // ejects one host whatever the percentage) and never every host (Envoy would route to all
  // of them in panic mode; Yoke has none, so the last host stays, as nginx never fails its
  // single peer).
  static std::uint32_t max_ejected(std::size_t hosts, int percent);

 private:
  bool eject(const balancing::Host& host, TimePoint now);
  bool reserve_slot(TimePoint now);
  // Clears host's mark if its ejection ended by now; true if this call cleared it.
  bool release_if_ended(std::size_t index, std::int64_t now_ms) const;
  std::uint32_t multiplier_after(const balancing::HostOutlier::Ejection& last,
                                 std::int64_t now_ms) const;

  balancing::OutlierSettings settings_;
  balancing::HostRuntimes* runtimes_ = nullptr;
  std::uint32_t max_ejected_ = 0;
};

}  // namespace yoke::health
