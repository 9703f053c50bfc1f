// limit_req (ngx_http_limit_req_module) then limit_conn (ngx_http_limit_conn_module), after the
// location is chosen and before proxying, as nginx's preaccess phase. limit_req: every limit of
// the location counts the request in its zone (shared by all workers, limits/rate_zone.h); the
// first one over its burst answers limit_req_status (Yoke's default 429, with Retry-After), and
// otherwise the request waits for the longest delay any limit asks for. limit_conn: the request
// holds one count per limit until it ends (limits/conn_zone.h); at a limit it is answered
// limit_conn_status. Requests whose key is empty are not counted (nginx, both modules).
// Yoke's reroute=UPSTREAM: a request over that limit_req goes to another upstream instead of
// being refused (the remaining limits are not consulted: it is already over one), then on to
// limit_conn like any other. A zone with global=redis://… admits a request only when the local
// bucket does and the node's share of the cluster's budget has a token (docs/redis-limits.md).
#include <algorithm>
#include <string>

#include "client_session.h"
#include "worker.h"
#include "yoke/observe/error_log.h"
#include "yoke/observe/line_throttle.h"

namespace yoke::proxy {
namespace {

// Whole seconds until a bucket at `rate_milli` has room for one more request: 1 s from 1r/s
// up, 60/N s for N r/m. (nginx sends no Retry-After; RFC 9110 §10.2.3 wants one with 429.)
std::uint64_t retry_after_seconds(std::uint64_t rate_milli) {
  return std::max<std::uint64_t>(1, (1000 * 1000 / rate_milli + 999) / 1000);
}

// One line per second per worker at most: under a flood every rejection is the same story.
void log_rejection(std::string_view what, const std::string& zone, std::string_view client,
                   bool dry_run) {
  thread_local observe::LineThrottle throttle;
  if (!throttle.admit(Clock::now())) return;
  observe::log_line(observe::LogLevel::kWarn, "limiting " + std::string(what) +
                                                  (dry_run ? ", dry run" : "") + " by zone \"" +
                                                  zone + "\", client: " + std::string(client) +
                                                  throttle.take_held_back_note());
}

}  // namespace

bool ClientSession::pass_rate_limits(const http1::RequestHead& head) {
  const config::Location& location = *route_->config;
  Milliseconds delay{0};
  std::string& key = worker_.scratch().key;
  current_head_ = &head;  // the key's variables read the request
  for (const router::RouteRateLimit& limit : route_->rate_limits) {
    key.clear();
    router::expand(limit.zone->key, *this, [&key](std::string_view part) { key.append(part); });
    if (key.empty()) continue;
    limits::RateVerdict verdict = limit.zone->zone->take(key, worker_.loop().now(), limit.rule);
    // A global zone (global=redis://…) also needs a token of this node's share of the
    // cluster's budget: one compare-and-swap, Redis is never called here.
    if (verdict.accepted && limit.zone->global != nullptr) {
      verdict.accepted = limit.zone->global->admit(limits::KeyedSlots::tag_of(key));
    }
    if (verdict.accepted) {
      delay = std::max(delay, verdict.delay);
      continue;
    }
    log_rejection(
        limit.reroute != router::RouteRateLimit::kRefuse ? "requests, rerouting" : "requests",
        limit.zone->zone->name(), remote_addr(), location.limit_req_dry_run);
    if (location.limit_req_dry_run) continue;
    if (limit.reroute != router::RouteRateLimit::kRefuse) {
      // reroute=UPSTREAM: served elsewhere, at once (an excess request is not delayed too).
      current_head_ = nullptr;
      upstream_index_ = limit.reroute;
      gen().metrics().rerouted.add();
      return true;
    }
    current_head_ = nullptr;
    std::string& field = worker_.scratch().text;
    field.assign("Retry-After: ")
        .append(std::to_string(retry_after_seconds(limit.zone->zone->rate_milli())));
    // The body is not read: close after the answer unless there is none.
    respond_local(location.limit_req_status, {}, head.body != http1::BodyKind::kNone, field);
    return false;
  }
  current_head_ = nullptr;
  if (delay.count() == 0 || location.limit_req_dry_run) return true;
  phase_ = Phase::kDelayed;
  worker_.loop().arm(upstream_timer_, delay);
  return false;
}

// The delay is over: go on as handle_head would have (the head is parsed again from the
// receive buffer, which kept it; the worker's parse scratch has served others since).
void ClientSession::resume_delayed() {
  phase_ = Phase::kReadingHead;
  proceed_after_limits(reparse_head());
}

void ClientSession::proceed_after_limits(const http1::RequestHead& head) {
  if (!route_->conn_limits.empty() && !pass_conn_limits(head)) return;
  if (head.body == http1::BodyKind::kChunked) return begin_prefetch();
  begin_proxy(head);
}

bool ClientSession::pass_conn_limits(const http1::RequestHead& head) {
  const config::Location& location = *route_->config;
  std::string& key = worker_.scratch().key;
  current_head_ = &head;
  for (const router::RouteConnLimit& limit : route_->conn_limits) {
    key.clear();
    router::expand(limit.zone->key, *this, [&key](std::string_view part) { key.append(part); });
    if (key.empty()) continue;
    limits::KeyedSlot* slot = limit.zone->zone->acquire(key, limit.limit);
    if (slot != nullptr) {
      conn_slots_[conn_slot_count_++] = slot;
      continue;
    }
    log_rejection("connections", limit.zone->zone->name(), remote_addr(),
                  location.limit_conn_dry_run);
    if (location.limit_conn_dry_run) continue;
    current_head_ = nullptr;
    release_conn_limits();
    respond_local(location.limit_conn_status, {}, head.body != http1::BodyKind::kNone);
    return false;
  }
  current_head_ = nullptr;
  return true;
}

void ClientSession::release_conn_limits() {
  for (std::uint8_t i = 0; i < conn_slot_count_; ++i) limits::ConnZone::release(conn_slots_[i]);
  conn_slot_count_ = 0;
}

}  // namespace yoke::proxy
