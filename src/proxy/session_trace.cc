// $request_id and W3C Trace Context (https://www.w3.org/TR/trace-context/, docs/logging.md).
// With `trace_context on` (the default) Yoke takes part in the trace as one span per request:
// a valid incoming traceparent keeps its trace-id and flags and gets Yoke's span id as the new
// parent-id (§3.5 "Mutating the traceparent Field"), tracestate passes unchanged; without one
// (or with an invalid one) Yoke starts a trace whose trace-id is the request id (§4.3,
// "Processing Model": restart the trace) and drops the tracestate, which belonged to the
// discarded parent. Every attempt of the request carries the same span id.
#include <cstring>
#include <random>

#include "client_session.h"
#include "worker.h"
#include "yoke/balancing/random.h"
#include "yoke/http1/message.h"

namespace yoke::proxy {
namespace {

// One generator per worker thread (SplitMix64, include/yoke/balancing/random.h), seeded once
// from the kernel: an id costs a few instructions and no system call. Ids identify, they do not
// authenticate: not for secrets.
balancing::PolicyRandom& id_random() {
  thread_local balancing::PolicyRandom random{(std::uint64_t{std::random_device{}()} << 32) ^
                                              std::random_device{}()};
  return random;
}

// The 8 nibbles of bits, one per byte, as lowercase hex digits, in a few word operations
// (a digit-by-digit loop cost a few hundred instructions per id). The digits come out in no
// particular order, which does not matter for random bits.
std::uint64_t hex_digits(std::uint32_t bits) {
  std::uint64_t spread = bits;
  spread = (spread | (spread << 16)) & 0x0000ffff0000ffffULL;
  spread = (spread | (spread << 8)) & 0x00ff00ff00ff00ffULL;
  spread = (spread | (spread << 4)) & 0x0f0f0f0f0f0f0f0fULL;
  // 1 in each byte whose nibble is above 9: those skip from '9'+1 to 'a' (39 apart).
  std::uint64_t letters = ((spread + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL;
  return spread + 0x3030303030303030ULL + letters * ('a' - '9' - 1);
}

// Fills out[0..length) (a multiple of 16) with random lowercase hex, never all zeros
// (§3.2.2.3, §3.2.2.4: an all-zero trace-id or parent-id is invalid).
void random_hex(char* out, std::size_t length) {
  bool all_zero = true;
  for (std::size_t i = 0; i < length; i += 16) {
    std::uint64_t bits = id_random().next();
    all_zero = all_zero && bits == 0;
    std::uint64_t low = hex_digits(static_cast<std::uint32_t>(bits));
    std::uint64_t high = hex_digits(static_cast<std::uint32_t>(bits >> 32));
    std::memcpy(out + i, &low, 8);
    std::memcpy(out + i + 8, &high, 8);
  }
  if (all_zero) out[length - 1] = '1';
}

// §3.2.2.5: the sampled flag of a trace Yoke starts. Set, so that services downstream that
// sample "by parent" record the traces the balancer starts (the access log records it too).
constexpr std::string_view kStartedFlags = "01";

}  // namespace

std::string_view ClientSession::request_id() const {
  if (request_id_[0] == 0) random_hex(request_id_, 32);
  return {request_id_, 32};
}

// handle_head, once routed: remembers the incoming traceparent. Several traceparent fields
// make it invalid, as the spec's test suite expects.
void ClientSession::read_trace_context(const http1::RequestHead& head) {
  trace_mode_ = route_ != nullptr ? route_->config->trace_context : config::TraceContext::kOff;
  trace_incoming_ = false;
  span_ready_ = false;
  if (trace_mode_ == config::TraceContext::kOff) return;
  int found = 0;
  std::string_view value;
  for (std::size_t i = 0; i < head.header_count; ++i) {
    const http1::Header& field = head.headers[i];
    if (field.name.size() == 11 && http1::iequals(field.name, "traceparent")) {
      ++found;
      value = field.value;
    }
  }
  trace_incoming_ = found == 1 && observe::parse_traceparent(value, trace_in_);
}

// write_request_head: with trace_context on, Yoke writes traceparent itself, and tracestate is
// dropped with an invalid parent.
bool ClientSession::replaces_trace_field(std::string_view name) const {
  if (trace_mode_ != config::TraceContext::kOn) return false;
  if (name.size() == 11 && http1::iequals(name, "traceparent")) return true;
  return !trace_incoming_ && name.size() == 10 && http1::iequals(name, "tracestate");
}

std::string_view ClientSession::outgoing_traceparent(char* buffer) const {
  if (trace_mode_ != config::TraceContext::kOn) return {};
  std::string_view flags =
      trace_incoming_ ? std::string_view(trace_in_.flags.data(), 2) : kStartedFlags;
  observe::format_traceparent(trace_id(), span_id(), flags, buffer);
  return {buffer, observe::kTraceparentLength};
}

std::string_view ClientSession::trace_id() const {
  if (trace_mode_ == config::TraceContext::kOff) return {};
  if (trace_incoming_) return {trace_in_.trace_id.data(), observe::kTraceIdLength};
  if (trace_mode_ == config::TraceContext::kPass) return {};
  return request_id();
}

std::string_view ClientSession::span_id() const {
  if (trace_mode_ == config::TraceContext::kOff) return {};
  if (trace_mode_ == config::TraceContext::kPass) {
    if (!trace_incoming_) return {};
    return {trace_in_.parent_id.data(), observe::kParentIdLength};
  }
  if (!span_ready_) {
    random_hex(span_id_, observe::kParentIdLength);
    span_ready_ = true;
  }
  return {span_id_, observe::kParentIdLength};
}

}  // namespace yoke::proxy
