// Envoy's consecutive-error outlier detection (source/common/upstream/outlier_detection_impl.cc
// in spirit: counters reset by a success, inline ejection when a streak reaches its threshold,
// ejection time = base_ejection_time × times ejected, capped at max_ejection_time, and no
// ejection beyond max_ejection_percent), over words shared by all workers (host_outlier.h).
#include "yoke/health/outlier_detector.h"

#include <algorithm>

namespace yoke::health {

using balancing::HostOutlier;

OutlierEvent classify(const balancing::AttemptOutcome& outcome) {
  if (outcome.status >= 502 && outcome.status <= 504) return OutlierEvent::kGatewayFailure;
  if (outcome.status >= 500) return OutlierEvent::kServerError;
  // No head at all: Envoy maps such local-origin errors to gateway failures (503).
  if (outcome.failed && outcome.status == 0) return OutlierEvent::kGatewayFailure;
  if (outcome.failed) return OutlierEvent::kServerError;
  if (outcome.aborted) return OutlierEvent::kIgnored;
  return OutlierEvent::kSuccess;
}

std::uint32_t OutlierDetector::max_ejected(std::size_t hosts, int percent) {
  if (hosts <= 1) return 0;
  const std::size_t share = hosts * static_cast<std::size_t>(percent) / 100;
  return static_cast<std::uint32_t>(std::min(std::max<std::size_t>(share, 1), hosts - 1));
}

OutlierDetector::OutlierDetector(const balancing::HostSet& set)
    : settings_(set.resilience.outlier) {
  if (!settings_.enabled || set.runtime == nullptr) return;
  runtimes_ = set.runtime.get();
  max_ejected_ = max_ejected(set.hosts.size(), settings_.max_ejection_percent);
}

bool OutlierDetector::record(const balancing::Host& host,
                             const balancing::AttemptOutcome& outcome) {
  if (runtimes_ == nullptr) return false;
  HostOutlier& outlier = (*runtimes_)[host.index].outlier;
  const OutlierEvent event = classify(outcome);
  if (event == OutlierEvent::kIgnored) return false;
  if (event == OutlierEvent::kSuccess) {
    // Store only when there is a streak: healthy traffic then only reads the shared line.
    if (outlier.consecutive_5xx.load(std::memory_order_relaxed) != 0) {
      outlier.consecutive_5xx.store(0, std::memory_order_relaxed);
    }
    if (outlier.consecutive_gateway.load(std::memory_order_relaxed) != 0) {
      outlier.consecutive_gateway.store(0, std::memory_order_relaxed);
    }
    return false;
  }
  // Every gateway failure is a 5xx too (Envoy counts both streaks for a 502-504).
  const std::uint32_t errors = outlier.consecutive_5xx.fetch_add(1, std::memory_order_relaxed) + 1;
  std::uint32_t gateway = 0;
  if (event == OutlierEvent::kGatewayFailure) {
    gateway = outlier.consecutive_gateway.fetch_add(1, std::memory_order_relaxed) + 1;
  } else if (outlier.consecutive_gateway.load(std::memory_order_relaxed) != 0) {
    outlier.consecutive_gateway.store(0, std::memory_order_relaxed);
  }
  const bool tripped =
      (settings_.consecutive_5xx > 0 &&
       errors >= static_cast<std::uint32_t>(settings_.consecutive_5xx)) ||
      (settings_.consecutive_gateway_failure > 0 &&
       gateway >= static_cast<std::uint32_t>(settings_.consecutive_gateway_failure));
  return tripped && eject(host, outcome.now);
}

bool OutlierDetector::admits(const balancing::Host& host, TimePoint now) const {
  if (runtimes_ == nullptr) return true;
  const HostOutlier& outlier = (*runtimes_)[host.index].outlier;
  const HostOutlier::Ejection ejection =
      HostOutlier::decode(outlier.ejection_word.load(std::memory_order_relaxed));
  if (!ejection.held) return true;
  const std::int64_t now_ms = HostOutlier::to_ms(now);
  if (ejection.until_ms > now_ms) return false;
  release_if_ended(host.index, now_ms);
  return true;
}

bool OutlierDetector::release_if_ended(std::size_t index, std::int64_t now_ms) const {
  std::atomic<std::uint64_t>& word = (*runtimes_)[index].outlier.ejection_word;
  std::uint64_t old = word.load(std::memory_order_relaxed);
  HostOutlier::Ejection ejection = HostOutlier::decode(old);
  if (!ejection.held || ejection.until_ms > now_ms) return false;
  ejection.held = false;  // the multiplier and end stay, for multiplier_after()
  if (!word.compare_exchange_strong(old, HostOutlier::encode(ejection),
                                    std::memory_order_relaxed)) {
    return false;  // another worker released (or re-ejected) it first
  }
  runtimes_->outliers.ejected_hosts.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

// Envoy: "the ejection time multiplier … is decremented each interval the host is healthy".
// Here lazily: one step per whole interval since the last ejection ended.
std::uint32_t OutlierDetector::multiplier_after(const HostOutlier::Ejection& last,
                                                std::int64_t now_ms) const {
  if (last.multiplier == 0) return 0;
  const std::int64_t back_for = std::max<std::int64_t>(0, now_ms - last.until_ms);
  const std::int64_t steps = back_for / std::max<std::int64_t>(1, settings_.interval.count());
  return steps >= last.multiplier ? 0 : last.multiplier - static_cast<std::uint32_t>(steps);
}

bool OutlierDetector::reserve_slot(TimePoint now) {
  std::atomic<std::uint32_t>& count = runtimes_->outliers.ejected_hosts;
  const std::int64_t now_ms = HostOutlier::to_ms(now);
  std::uint32_t current = count.load(std::memory_order_relaxed);
  for (bool swept = false;;) {
    if (current >= max_ejected_) {
      if (swept) return false;
      // Ended ejections are released lazily; release them now before refusing.
      for (std::size_t i = 0; i < runtimes_->size(); ++i) release_if_ended(i, now_ms);
      swept = true;
      current = count.load(std::memory_order_relaxed);
      continue;
    }
    if (count.compare_exchange_weak(current, current + 1, std::memory_order_relaxed)) return true;
  }
}

bool OutlierDetector::eject(const balancing::Host& host, TimePoint now) {
  HostOutlier& outlier = (*runtimes_)[host.index].outlier;
  const std::int64_t now_ms = HostOutlier::to_ms(now);
  release_if_ended(host.index, now_ms);
  std::uint64_t old = outlier.ejection_word.load(std::memory_order_relaxed);
  const HostOutlier::Ejection last = HostOutlier::decode(old);
  if (last.held) return false;  // still ejected: failures of requests already in flight
  if (!reserve_slot(now)) return false;
  HostOutlier::Ejection next;
  next.held = true;
  next.multiplier = std::min(multiplier_after(last, now_ms) + 1, HostOutlier::kMaxMultiplier);
  const std::int64_t duration = std::min<std::int64_t>(
      settings_.base_ejection_time.count() * next.multiplier, settings_.max_ejection_time.count());
  next.until_ms = now_ms + duration;
  if (!outlier.ejection_word.compare_exchange_strong(old, HostOutlier::encode(next),
                                                     std::memory_order_relaxed)) {
    runtimes_->outliers.ejected_hosts.fetch_sub(1, std::memory_order_relaxed);
    return false;  // another worker ejected it between our load and now
  }
  // A returning host starts with clean streaks (Envoy resets its counters on ejection).
  outlier.consecutive_5xx.store(0, std::memory_order_relaxed);
  outlier.consecutive_gateway.store(0, std::memory_order_relaxed);
  outlier.ejection_count.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace yoke::health
