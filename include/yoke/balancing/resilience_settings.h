#pragma once
// What an upstream configures for resilience (docs/resilience.md): passive outlier ejection, the
// retry budget, zone-aware routing and priority spill-over. Plain values, parsed by the config
// loader (src/config/resilience_directives.cc) and copied into each HostSet, so workers and the
// simulator read them from the immutable snapshot. Every feature is off unless configured.
#include <cstdint>
#include <string>
#include <vector>

#include "yoke/core/clock.h"

namespace yoke::balancing {

// `outlier_detection …;` — Envoy's outlier detection, consecutive-error kinds
// (envoy.config.cluster.v3.OutlierDetection; names and defaults as Envoy's unless noted).
struct OutlierSettings {
  bool enabled = false;
  // 5xx responses, or attempts that failed without one (connect error, timeout, reset), in a
  // row across all workers; 0 = this kind is off.
  int consecutive_5xx = 5;
  // 502 / 503 / 504 responses, connect errors and timeouts in a row; 0 = off (Envoy counts it
  // but enforces it 0 % of the time by default, so off is the same default).
  int consecutive_gateway_failure = 0;
  // Ejected for base_ejection_time × (times ejected), at most max_ejection_time.
  Milliseconds base_ejection_time{30000};
  Milliseconds max_ejection_time{300000};
  // Each interval a host spends back in service takes one off its ejection multiplier
  // (Envoy decrements it once per sweep interval while the host stays healthy).
  Milliseconds interval{10000};
  // At most this share of the upstream's hosts is ejected at once (at least one host, never
  // the last one). The default, 50 %; Envoy's is 10 %.
  int max_ejection_percent = 50;
};

// `retry_budget [percent=P] [min_per_second=N];` — retries may add at most P % to the requests
// an upstream receives, plus N retries a second whatever the traffic (Linkerd's retry budget:
// retry_ratio 0.2, min_retries_per_second 10, ttl 10 s; Finagle's RetryBudget before it).
struct RetryBudgetSettings {
  bool enabled = false;
  int percent = 20;
  int min_per_second = 3;
  // How long a request's deposit stays usable (Linkerd's ttl); deposits decay with this time
  // constant, so a burst of retries can spend at most about ttl × rate × percent.
  Milliseconds ttl{10000};
};

// `zone_aware on [min_healthy_percent=P];` — keep requests in the balancer's own zone while at
// least P % of its capacity there is healthy, and spill the shortfall to other zones (Envoy's
// zone-aware routing, simplified to "local zone first": Yoke knows no peers' zones).
struct ZoneAwareSettings {
  bool enabled = false;
  int min_healthy_percent = 70;
};

// `region_order CLIENT: R1, R2 …;` — the regions a client of region CLIENT is sent to, nearest
// first (docs/global.md). CLIENT "default" applies to client regions without a line of their own.
struct RegionOrder {
  std::string client_region;
  std::vector<std::string> regions;
};

// `region_policy nearest;` with `region_order` lines and `region_spill min_healthy_percent=P;`:
// each request goes to the first region of its client region's order while that region's
// healthy capacity is at least P %, and spills the shortfall to the next regions in order (the
// arithmetic of priority levels, load_spill.h). The client region comes from `region_key`.
struct RegionSettings {
  bool enabled = false;
  int min_healthy_percent = 70;
  std::vector<RegionOrder> orders;  // in configured order
};

struct UpstreamResilience {
  OutlierSettings outlier;
  RetryBudgetSettings retry_budget;
  ZoneAwareSettings zone_aware;
  // `priority_spill min_healthy_percent=P;` — a priority level keeps all its share of traffic
  // while at least P % of its capacity is healthy; below, the shortfall goes to the next level
  // (Envoy's priority load with overprovisioning factor 100 / P: 70 % ≈ Envoy's 1.4).
  int priority_min_healthy_percent = 70;
  RegionSettings regions;
};

}  // namespace yoke::balancing
