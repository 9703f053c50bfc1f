#pragma once
// The cells a worker counts in: counters, gauges and fixed-bucket histograms with exactly one
// writer (the worker thread that owns them) and any number of readers (the admin thread, when
// it scrapes).
//
// Why relaxed atomic load + store and not fetch_add: with a single writer, an increment needs no
// read-modify-write that other cores could interleave with, so `lock xadd` (a full barrier on
// x86, tens of cycles, and it holds the cache line) buys nothing. A relaxed load and store
// compile to plain `mov`s, as cheap as a non-atomic counter, while still guaranteeing that the
// reader sees a whole 64-bit value, never a torn one, and that the program has no data race
// (a plain uint64_t read from another thread would be undefined behaviour). A seqlock would
// give readers a consistent view of several cells at once; we do not need it: Prometheus
// tolerates a histogram whose _sum lags its buckets by an observation, and _count is derived
// from the buckets so it always equals the +Inf bucket. (Envoy and the Linux kernel's per-CPU
// counters make the same trade: one writer per slot, readers sum.)
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "yoke/core/clock.h"

namespace yoke::observe {

class Counter {
 public:
  // Owner thread only.
  void add(std::uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Any thread.
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  // Owner thread only.
  void add(std::int64_t n) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void set(std::int64_t value) { value_.store(value, std::memory_order_relaxed); }
  // Any thread.
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Upper bounds of the latency buckets, in microseconds: Prometheus' default buckets
// (client_golang DefBuckets, 5 ms … 10 s) extended downwards to 0.5 ms, because a balancer's
// own answers and a keep-alive upstream on a LAN take well under 5 ms, and upwards to 60 s,
// the default proxy_read_timeout. Fixed for every latency histogram so that series aggregate.
inline constexpr std::array<std::int64_t, 16> kLatencyBoundsMicros = {
    500,    1000,   2500,    5000,    10000,   25000,    50000,    100000,
    250000, 500000, 1000000, 2500000, 5000000, 10000000, 30000000, 60000000};

// A latency histogram: one counter per bucket (not cumulative: an observation touches one
// cell), the last one for values above every bound (+Inf), and the sum in microseconds.
class LatencyHistogram {
 public:
  static constexpr std::size_t kBuckets = kLatencyBoundsMicros.size() + 1;

  // Owner thread only. Negative durations (a clock that cannot go back, so never) count as 0.
  void observe(Microseconds duration) {
    std::int64_t micros = duration.count() < 0 ? 0 : duration.count();
    std::size_t bucket = 0;
    while (bucket < kLatencyBoundsMicros.size() && micros > kLatencyBoundsMicros[bucket]) {
      ++bucket;
    }
    buckets_[bucket].add();
    sum_micros_.add(static_cast<std::uint64_t>(micros));
  }
  // Owner thread only: adds other's observations (a reload folds retired blocks).
  void add(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < kBuckets; ++i) buckets_[i].add(other.bucket(i));
    sum_micros_.add(other.sum_micros());
  }
  // Any thread.
  std::uint64_t bucket(std::size_t index) const { return buckets_[index].value(); }
  std::uint64_t sum_micros() const { return sum_micros_.value(); }

 private:
  std::array<Counter, kBuckets> buckets_;
  Counter sum_micros_;
};

// A histogram summed over workers, ready to print: per-bucket (non-cumulative) counts.
struct HistogramSnapshot {
  std::array<std::uint64_t, LatencyHistogram::kBuckets> buckets{};
  std::uint64_t sum_micros = 0;

  void add(const LatencyHistogram& histogram) {
    for (std::size_t i = 0; i < buckets.size(); ++i) buckets[i] += histogram.bucket(i);
    sum_micros += histogram.sum_micros();
  }
  std::uint64_t count() const {
    std::uint64_t total = 0;
    for (std::uint64_t bucket : buckets) total += bucket;
    return total;
  }
};

}  // namespace yoke::observe
