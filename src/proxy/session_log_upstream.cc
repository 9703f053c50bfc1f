// $upstream_addr, $upstream_status, $upstream_*_time and $request_time: one entry per attempt
// of the request, joined by ", " as nginx's ngx_http_upstream_*_variable do; a time the attempt
// never reached (a failed connect has no header time) is "-". Times are seconds with
// millisecond resolution ("0.012"), from the event loop's clock.
#include <charconv>

#include "client_session.h"
#include "worker.h"

namespace yoke::proxy {
namespace {

using router::VariableId;

Microseconds since(TimePoint start, TimePoint now) {
  return std::chrono::duration_cast<Microseconds>(now - start);
}

void append_seconds(std::string& out, Microseconds time) {
  if (time.count() < 0) {
    out.push_back('-');
    return;
  }
  auto ms = static_cast<std::uint64_t>(time.count() / 1000);
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, ms / 1000);
  out.append(digits, end);
  const char fraction[4] = {'.', static_cast<char>('0' + ms / 100 % 10),
                            static_cast<char>('0' + ms / 10 % 10),
                            static_cast<char>('0' + ms % 10)};
  out.append(fraction, 4);
}

}  // namespace

// connect_attempt: a pooled connection was connected before the attempt began (nginx: 0).
void ClientSession::note_attempt_start(const balancing::Host& host, bool reused) {
  if (logs_ == nullptr) return;
  AttemptLog entry;
  entry.host = &host;
  entry.connect = reused ? Microseconds(0) : Microseconds(-1);
  attempt_log_.push_back(entry);
}

void ClientSession::note_attempt_connected() {
  if (logs_ == nullptr || attempt_log_.empty()) return;
  attempt_log_.back().connect = since(attempt_start_, worker_.loop().now());
}

// fail_attempt: nginx records 504 for a timeout and 502 for other failures of an attempt that
// got no response head.
void ClientSession::note_attempt_failure(AttemptFailure failure) {
  if (logs_ == nullptr || attempt_log_.empty() || attempt_log_.back().status != 0) return;
  if (failure == AttemptFailure::kStatus) return;
  attempt_log_.back().status = failure == AttemptFailure::kTimeout ? 504 : 502;
}

// fail_to_connect: the socket could not even be opened or connected at once.
void ClientSession::note_failed_connect(const balancing::Host& host) {
  if (logs_ == nullptr) return;
  AttemptLog entry;
  entry.host = &host;
  entry.status = 502;
  entry.total = Microseconds(0);
  attempt_log_.push_back(entry);
}

// finish_attempt: the attempt's end, with the latency the balancer was told.
void ClientSession::note_attempt_end(Microseconds latency) {
  if (logs_ == nullptr || attempt_log_.empty()) return;
  AttemptLog& entry = attempt_log_.back();
  if (entry.total.count() >= 0) return;  // already ended
  entry.header = header_latency_;
  entry.total = latency;
  if (entry.status == 0) entry.status = attempt_status_;
}

std::string_view ClientSession::upstream_values(VariableId id) const {
  std::string& text = worker_.scratch().text;
  text.clear();
  if (id == VariableId::kRequestTime) {
    append_seconds(text, server_ != nullptr || route_ != nullptr
                             ? since(exchange_start_, worker_.loop().now())
                             : Microseconds(0));
    return text;
  }
  for (std::size_t i = 0; i < attempt_log_.size(); ++i) {
    const AttemptLog& entry = attempt_log_[i];
    if (i > 0) text.append(", ");
    switch (id) {
      case VariableId::kUpstreamAddr:
        text.append(gen().upstream(route_->upstream).address_text(entry.host->index));
        break;
      case VariableId::kUpstreamStatus:
        if (entry.status == 0) {
          text.push_back('-');
        } else {
          char digits[8];
          auto [end, error] = std::to_chars(digits, digits + sizeof digits, entry.status);
          text.append(digits, end);
        }
        break;
      case VariableId::kUpstreamConnectTime:
        append_seconds(text, entry.connect);
        break;
      case VariableId::kUpstreamHeaderTime:
        append_seconds(text, entry.header);
        break;
      default:
        append_seconds(text, entry.total);
        break;
    }
  }
  return text;
}

}  // namespace yoke::proxy
