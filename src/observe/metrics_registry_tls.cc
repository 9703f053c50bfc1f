// The /metrics families about TLS: handshakes (completed, resumed, failed by reason), their
// duration, and when each loaded certificate expires. A resumption ratio is
// rate(yoke_tls_sessions_resumed_total) / rate(yoke_tls_handshakes_total).
#include <array>

#include "yoke/observe/metrics_registry.h"

namespace yoke::observe {
namespace {

constexpr std::array<std::int64_t, tls::kHandshakeBucketsMs.size()> handshake_bounds_micros() {
  std::array<std::int64_t, tls::kHandshakeBucketsMs.size()> micros{};
  for (std::size_t i = 0; i < micros.size(); ++i) micros[i] = tls::kHandshakeBucketsMs[i] * 1000;
  return micros;
}
constexpr auto kHandshakeBoundsMicros = handshake_bounds_micros();

std::uint64_t load(const tls::HandshakeCounters::Counter& counter) {
  return counter.load(std::memory_order_relaxed);
}

}  // namespace

void MetricsRegistry::write_tls(ExpositionWriter& out) const {
  auto sum = [&](auto read) {
    std::uint64_t total = 0;
    for (const auto& worker : workers_) total += read(worker->tls_handshakes);
    return total;
  };
  out.family("yoke_tls_handshakes_total", MetricType::kCounter,
             "TLS handshakes completed on client connections (full and resumed).");
  out.sample_count({}, sum([](const tls::HandshakeCounters& c) { return load(c.completed); }));
  out.family("yoke_tls_sessions_resumed_total", MetricType::kCounter,
             "Completed TLS handshakes that resumed a session (session ID or ticket).");
  out.sample_count({}, sum([](const tls::HandshakeCounters& c) { return load(c.resumed); }));
  out.family("yoke_tls_handshake_failures_total", MetricType::kCounter,
             "TLS handshakes that failed, by reason.");
  for (std::size_t r = 0; r < static_cast<std::size_t>(tls::HandshakeFailure::kCount); ++r) {
    auto failure = static_cast<tls::HandshakeFailure>(r);
    out.sample_count(
        {{"reason", tls::handshake_failure_name(failure)}},
        sum([failure](const tls::HandshakeCounters& c) { return c.failures(failure); }));
  }
  out.family("yoke_tls_handshake_duration_seconds", MetricType::kHistogram,
             "Time from accepting a TLS connection to its completed handshake.", "seconds");
  std::array<std::uint64_t, kHandshakeBoundsMicros.size() + 1> buckets{};
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    buckets[i] = sum([i](const tls::HandshakeCounters& c) { return load(c.duration_buckets[i]); });
  }
  out.histogram({}, kHandshakeBoundsMicros, buckets,
                sum([](const tls::HandshakeCounters& c) { return load(c.duration_sum_us); }));
  if (certificates_.empty()) return;
  out.family("yoke_tls_certificate_expiry_timestamp_seconds", MetricType::kGauge,
             "When a loaded certificate expires (its notAfter), in seconds since the epoch, by "
             "the first server_name of its server block and the ssl_certificate file.",
             "seconds");
  for (const tls::CertificateExpiry& certificate : certificates_) {
    out.sample({{"server_name", certificate.server_name}, {"file", certificate.file}},
               static_cast<double>(certificate.not_after_seconds));
  }
}

}  // namespace yoke::observe
