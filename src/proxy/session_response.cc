// Phase "read response head": interim responses, retries on configured statuses
// (proxy_next_upstream http_5xx), and the head Yoke sends to the client.
#include <charconv>

#include "client_session.h"
#include "field_copy.h"
#include "worker.h"
#include "yoke/http1/parser.h"

namespace yoke::proxy {
namespace {

// proxy_next_upstream http_NNN conditions.
bool retry_on_status(const config::NextUpstream& next, int status) {
  switch (status) {
    case 500:
      return next.http_500;
    case 502:
      return next.http_502;
    case 503:
      return next.http_503;
    case 504:
      return next.http_504;
    case 403:
      return next.http_403;
    case 404:
      return next.http_404;
    case 429:
      return next.http_429;
    default:
      return false;
  }
}

void append_status(Buffer& out, int status) {
  char digits[8];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, status);
  out.append(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

}  // namespace

// Returns true when the state moved (a head was handled or the attempt failed).
bool ClientSession::parse_response_head() {
  http1::ResponseHead& head = worker_.scratch().response;
  http1::Limits limits;
  limits.max_head = limits.max_field_line = upstream_in_->capacity();
  for (;;) {
    auto parsed = http1::parse_response_head(upstream_in_->readable(), limits, head_request_, head);
    if (parsed.state == http1::ParseState::kIncomplete) {
      if (upstream_in_->writable() > 0 || upstream_in_->size() < upstream_in_->capacity())
        return false;
      fail_attempt(AttemptFailure::kInvalidHeader, "upstream sent too big header");
      return true;
    }
    if (parsed.state == http1::ParseState::kError) {
      fail_attempt(AttemptFailure::kInvalidHeader,
                   "upstream sent invalid header: " + std::string(parsed.reason));
      return true;
    }
    // Interim 1xx responses other than 101 are dropped: Yoke answered Expect itself.
    if (head.status >= 100 && head.status < 200 && head.status != 101) {
      upstream_in_->consume(head.head_size);
      continue;
    }
    break;
  }
  header_latency_ = std::chrono::duration_cast<Microseconds>(worker_.loop().now() - attempt_start_);
  attempt_status_ = head.status;
  if (head.status == 101 && !upgrade_) {
    fail_attempt(AttemptFailure::kInvalidHeader, "upstream sent 101 without an upgrade request");
    return true;
  }
  const config::NextUpstream& next = route_->config->next_upstream;
  UpstreamRuntime& runtime = gen().upstream(upstream_index_);
  if (retry_on_status(next, head.status) && may_retry(AttemptFailure::kStatus) &&
      tried_.count() < runtime.balancer->host_set().hosts.size() && spend_retry_budget()) {
    // nginx counts http_5xx / http_429 listed in proxy_next_upstream as failed attempts.
    bool counts = head.status >= 500 || head.status == 429;
    finish_attempt(counts);
    release_upstream(false);
    reparse_head();
    start_attempt();
    return true;
  }
  response_head_parsed_ = true;
  response_status_ = head.status;
  upstream_keep_alive_ = head.keep_alive;
  bool raw_to_old_client =
      client_version_minor_ == 0 &&
      (head.body == http1::BodyKind::kChunked || head.body == http1::BodyKind::kUntilClose);
  if (!client_keep_alive_ || raw_to_old_client || !request_body_.done() ||
      connection_->draining()) {
    close_after_ = true;
  }
  if (!write_response_head(head)) {
    fail_attempt(AttemptFailure::kInvalidHeader, "upstream header too big to forward");
    return true;
  }
  upstream_in_->consume(head.head_size);
  bool chunk_out = client_version_minor_ == 1;
  response_body_.start(head.body, head.content_length, chunk_out);
  response_head_sent_ = true;
  to_client_.generated = client_out_;
  to_client_.source = upstream_in_;
  to_client_.source_offset = 0;
  to_client_.source_length = 0;
  to_client_.consume_source = true;
  if (head.status == 101) phase_ = Phase::kTunnel;
  return true;
}

bool ClientSession::write_response_head(const http1::ResponseHead& head) {
  capture_response_fields(head);
  Buffer& out = *take_buffer(client_out_);
  std::size_t start = out.size();
  out.append("HTTP/1.1 ");
  append_status(out, head.status);
  out.append(" ");
  out.append(head.reason);
  out.append("\r\n");
  bool has_connection = false;
  for (std::size_t i = 0; i < head.header_count; ++i) {
    has_connection = has_connection || http1::iequals(head.headers[i].name, "connection");
  }
  for (std::size_t i = 0; i < head.header_count; ++i) {
    const http1::Header& field = head.headers[i];
    bool keep_upgrade = head.status == 101 && http1::iequals(field.name, "upgrade");
    if (!keep_upgrade && (http1::is_hop_by_hop(field.name) ||
                          (has_connection && http1::named_in_connection(
                                                 head.headers, head.header_count, field.name)))) {
      continue;
    }
    forward_field(field, [&out](std::string_view bytes) { out.append(bytes); });
  }
  if (affinity_ != nullptr && !append_affinity_cookie(out)) {
    out.truncate(start);
    return false;
  }
  bool chunked = client_version_minor_ == 1 && (head.body == http1::BodyKind::kChunked ||
                                                head.body == http1::BodyKind::kUntilClose);
  if (chunked) out.append("Transfer-Encoding: chunked\r\n");
  if (head.status == 101) {
    out.append("Connection: upgrade\r\n");
  } else if (close_after_) {
    out.append("Connection: close\r\n");
  } else if (client_version_minor_ == 0) {
    out.append("Connection: keep-alive\r\n");
  }
  std::size_t written = out.append("\r\n");
  if (written != 2) {
    out.truncate(start);
    return false;
  }
  return true;
}

}  // namespace yoke::proxy
