#pragma once
// The requests of one client connection, phase by phase (docs/architecture.md):
//   read head → route → (local response | choose upstream → connect → send request →
//   read response head → stream bodies) → log → keep-alive or close.
// Each phase lives in its own file (session_*.cc); this class holds their shared state.
// A session is attached to its ClientConnection only while a request is in progress and goes
// back to the worker's SessionPool when the connection is idle or closed (client_connection.h).
// Worker thread only.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "body_relay.h"
#include "client_connection.h"
#include "min_rate.h"
#include "upstream_connection.h"
#include "yoke/core/buffer.h"
#include "yoke/core/event_loop.h"
#include "yoke/core/socket_address.h"
#include "yoke/core/timer.h"
#include "yoke/observe/log_format.h"
#include "yoke/observe/trace_context.h"
#include "yoke/router/route_table.h"
#include "yoke/router/variables.h"
#include "yoke/upstream/upstream_balancer.h"

namespace yoke::proxy {

class Worker;

// Why an upstream attempt failed; maps to proxy_next_upstream conditions and to 502/504.
enum class AttemptFailure { kNone, kError, kTimeout, kInvalidHeader, kStatus };

// Every public entry point ends in settle(), which may hand the session back to the pool:
// nothing may touch a session after calling one of them.
class ClientSession final : public IoHandler,
                            public TimerHandler,
                            public UpstreamOwner,
                            public router::VariableSource,
                            public observe::LogValues {
 public:
  explicit ClientSession(Worker& worker);
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  // Takes over connection, which has bytes to read (or an error to report).
  void attach(ClientConnection& connection);
  void on_io(std::uint32_t events) override;
  void on_timer(Timer& timer) override;
  void on_upstream_io(std::uint32_t events) override;
  // The connection drains (graceful stop, removed listener): see ClientConnection::drain.
  void on_drain();
  // Immediate stop: close now.
  void abort();

  // router::VariableSource
  std::string_view value(router::VariableId id, std::string_view name) const override;
  std::string_view forwarded_for() const override;
  std::string_view user_value(std::uint32_t index) const override;
  // observe::LogValues (session_log.cc): the variables read when the access log line is written.
  std::string_view log_value(router::VariableId id, std::string_view name) const override;

 private:
  // Read/write rounds one session may run before others get a turn (each moves up to a buffer).
  static constexpr int kRoundsPerTurn = 64;

  enum class Phase : std::uint8_t {
    kReadingHead,
    kPrefetchingBody,
    kProxying,
    kTunnel,
    kLocalResponse,
    kDelayed,  // limit_req holds the request until upstream_timer_ fires
    kLingering,
    kClosed
  };

  // session_read_head.cc
  void pump();
  // Runs pump() again after this loop iteration (a pump stopped early for fairness).
  void schedule_continue();
  // The end of every entry point: a closed session, or one idle between requests, goes back
  // to the pool. Nothing may touch the session afterwards.
  void settle();
  bool idle() const;
  void close();
  void pump_reading_head();
  bool read_client();
  bool fall_behind_min_rate();
  void handle_head(const http1::RequestHead& head);
  void arm_client_timer();
  void handle_timeout(Timer& timer);

  // session_access.cc: realip (the connection's address back first, when an earlier request
  // changed it), then allow / deny. pass_access: false when the request was answered (403).
  void apply_real_ip(const config::RealIp& real_ip, const http1::RequestHead& head);
  void reset_real_ip();
  bool pass_access(const http1::RequestHead& head);
  // The runtime deny list on the address realip found (the connection's own addresses were
  // checked before any byte was read); false when the request was answered (403, close).
  bool pass_denylist();

  // session_limits.cc: limit_req, then limit_conn. False when the request was answered or
  // put on hold.
  bool pass_rate_limits(const http1::RequestHead& head);
  void resume_delayed();
  bool pass_conn_limits(const http1::RequestHead& head);
  // Gives back the limit_conn counts the request holds (at its end, or when the session closes).
  void release_conn_limits();
  void proceed_after_limits(const http1::RequestHead& head);

  // session_prefetch.cc
  void begin_prefetch();
  void pump_prefetch();

  // session_local_response.cc
  // extra_field: one more header line without CRLF ("Location: /x", "Retry-After: 1"), or empty.
  void respond_local(int status, std::string_view body, bool close_after,
                     std::string_view extra_field = {});
  void pump_local_response();

  // session_upstream.cc
  void begin_proxy(const http1::RequestHead& head);
  void send_continue_if_expected();
  void start_attempt();
  bool connect_attempt(const balancing::Host& host);
  void fail_to_connect(const balancing::Host& host);
  void fail_attempt(AttemptFailure failure, std::string_view reason);
  bool may_retry(AttemptFailure failure) const;
  // retry_budget: takes a token for a retry about to start; false (and counted) when spent.
  bool spend_retry_budget();
  void finish_attempt(bool failed, bool aborted = false);
  void abandon_attempt();
  void release_upstream(bool reusable);
  // session_upstream_tls.cc (proxy_pass https://)
  enum class UpstreamHandshakeStep { kWaiting, kDone, kFailed };
  // Gives a new connection its SSL (false when OpenSSL cannot allocate one: closed, errno set).
  bool start_upstream_tls(UpstreamConnection& connection);
  // Runs the handshake of upstream_ on; kFailed after fail_attempt().
  UpstreamHandshakeStep handshake_upstream();
  void count_upstream_tls_failure(tls::UpstreamHandshakeFailure failure);
  // session_hash_key.cc
  void compute_hash_key(const router::UpstreamEntry& entry);
  // session_region.cc: the client's region (region_key) for region_policy nearest.
  void compute_client_region(const router::UpstreamEntry& entry);
  // session_route.cc: proxy_pass http://$variable; false when the request was answered (502).
  bool choose_dynamic_upstream(const http1::RequestHead& head);
  // $proxy_host and the Host field sent upstream: as written in proxy_pass, or the upstream a
  // variable named.
  std::string_view proxy_host() const;
  std::string_view client_network() const;
  // session_affinity.cc (called only when affinity_ is set)
  const balancing::Host* find_affinity_host() const;
  bool append_affinity_cookie(Buffer& out) const;

  // session_request.cc
  bool write_request_head();
  const http1::RequestHead& reparse_head();

  // session_exchange.cc
  void pump_proxying();
  bool pump_request();
  bool pump_response();
  bool read_upstream();
  bool parse_response_head();
  bool write_response_head(const http1::ResponseHead& head);
  void finish_exchange();
  void arm_upstream_timer();
  void arm_send_timeout(bool wrote);

  // session_tunnel.cc
  void pump_tunnel();

  // session_log.cc: capture the request's head variables when it is routed, the response's
  // when its head is written; write the lines when it ends (finish_exchange or close).
  const router::AccessLogs& request_logs() const;
  void capture_log_fields(const http1::RequestHead& head);
  void capture_format(const observe::CompiledLogFormat& format, std::uint32_t base,
                      const http1::RequestHead& head);
  void append_head_value(const observe::LogCapture& capture, const http1::RequestHead& head);
  void capture_response_fields(const http1::ResponseHead& head);
  void write_access_log();
  // session_log_upstream.cc: $upstream_* over the request's attempts (nginx joins them ", ").
  void note_attempt_start(const balancing::Host& host, bool reused);
  void note_attempt_connected();
  void note_attempt_failure(AttemptFailure failure);
  void note_failed_connect(const balancing::Host& host);
  void note_attempt_end(Microseconds latency);
  std::string_view upstream_values(router::VariableId id) const;

  // session_trace.cc: $request_id and W3C Trace Context (docs/logging.md, "Tracing").
  std::string_view request_id() const;
  void read_trace_context(const http1::RequestHead& head);
  bool replaces_trace_field(std::string_view name) const;
  // The traceparent value to send upstream, written to buffer (kTraceparentLength bytes), or
  // empty when the client's field (if any) passes unchanged.
  std::string_view outgoing_traceparent(char* buffer) const;
  std::string_view trace_id() const;
  std::string_view span_id() const;

  // session_metrics.cc: the hooks that feed the worker's counters (docs/metrics.md)
  void count_request();
  void count_unfinished_request();
  void count_attempt_start();
  void count_connected();
  void count_attempt_end(const balancing::AttemptOutcome& outcome);
  void count_attempt_failure(AttemptFailure failure, const balancing::Host& host);
  void publish_health(const balancing::Host& host, bool attempt_failed, TimePoint now);
  void count_retry();
  void count_retry_budget_exhausted();
  void set_close_reason();
  void count_client_timeout(const Timer& timer);

  bool flush(int fd, Outgoing& out, bool& writable);
  bool client_may_send_more(bool body_left) const;
  void linger();
  void pump_lingering();
  Buffer* take_buffer(Buffer*& slot);
  void return_buffer(Buffer*& slot);
  void reset_for_next_request();

  Timer& client_timer() { return connection_->client_timer(); }
  const std::string& remote_addr() const;

  Worker& worker_;
  ClientConnection* connection_ = nullptr;
  // The generation of the request in progress (the connection's; it holds it alive).
  WorkerGeneration* generation_ = nullptr;
  WorkerGeneration& gen() const { return *generation_; }
  int fd_ = -1;
  std::size_t listener_ = 0;
  SocketAddress peer_;
  std::uint16_t server_port_ = 0;  // the listener's port ($server_port)
  Phase phase_ = Phase::kReadingHead;
  bool readable_ = false;
  bool client_hung_up_ = false;  // EPOLLRDHUP/HUP/ERR seen: read on until EOF
  bool writable_ = true;
  bool client_eof_ = false;
  bool scheduled_ = false;  // a schedule_continue() call is pending
  bool close_after_ = false;
  bool head_started_ = false;     // bytes of a new request arrived (header timeout applies)
  std::size_t head_scanned_ = 0;  // bytes of the pending head already searched for its end
  bool real_ip_applied_ = false;  // peer_ is the real address of realip, not the connection's
  MinRateWatch min_rate_;         // client_min_rate over the head, then the body
  Milliseconds keepalive_timeout_{75000};
  Timer upstream_timer_;

  Buffer* client_in_ = nullptr;     // bytes from the client
  Buffer* client_out_ = nullptr;    // generated bytes to the client
  Buffer* upstream_in_ = nullptr;   // bytes from the upstream
  Buffer* upstream_out_ = nullptr;  // generated bytes to the upstream
  Outgoing to_client_;
  Outgoing to_upstream_;
  BodyRelay request_body_;
  BodyRelay response_body_;
  http1::ChunkedDecoder prefetch_decoder_;
  std::size_t prefetch_scanned_ = 0;  // bytes of client_in_ the prefetch decoder has seen
  std::uint64_t prefetch_body_ = 0;   // decoded body bytes seen by the prefetch

  // The current exchange.
  const router::VirtualServer* server_ = nullptr;
  const router::Route* route_ = nullptr;
  // The upstream this request goes to: route_->upstream, or a limit_req reroute= upstream.
  std::size_t upstream_index_ = 0;
  bool upstream_named_ = true;  // false when proxy_pass http://$variable named no upstream
  std::size_t head_size_ = 0;
  bool body_consumed_ = false;  // request bytes were dropped from client_in_: no more retries
  bool idempotent_ = true;
  bool head_request_ = false;
  bool upgrade_ = false;
  bool client_keep_alive_ = true;
  int client_version_minor_ = 1;
  bool expect_continue_ = false;
  bool body_expected_ = false;  // the request announced a body (Content-Length or chunked)
  UpstreamConnection* upstream_ = nullptr;
  upstream::TriedHosts tried_;
  int attempts_ = 0;
  TimePoint exchange_start_{};
  TimePoint attempt_start_{};
  Microseconds header_latency_{-1};  // attempt start to response head; -1 until one arrived
  int attempt_status_ = 0;           // the attempt's response status; 0 until a head arrived
  std::uint64_t hash_key_ = 0;       // LbContext::hash_key, when the policy hashes one
  bool has_hash_key_ = false;
  std::string client_region_;  // LbContext::client_region; capacity reused across requests
  // map and geoip2 values of the current request (computed on first read).
  mutable router::UserValueCache user_values_;
  // The upstream's `sticky cookie`, or nullptr; and the host the request's cookie names
  // (eligible or not), or nullptr.
  const upstream::SessionAffinity* affinity_ = nullptr;
  const balancing::Host* affinity_host_ = nullptr;
  bool response_head_sent_ = false;
  bool response_head_parsed_ = false;
  bool upstream_keep_alive_ = false;
  int response_status_ = 0;
  bool request_sent_ = false;
  bool upstream_eof_ = false;
  bool truncated_ = false;  // the upstream closed before the body ended
  std::string_view forwarded_for_;
  // limit_conn counts this request holds (RouteConnLimit: at most 4 per location).
  std::array<limits::KeyedSlot*, 4> conn_slots_{};
  std::uint8_t conn_slot_count_ = 0;
  const http1::RequestHead* current_head_ = nullptr;  // only while building the upstream head
  std::string uri_;  // normalized path ($uri), capacity reused across requests
  mutable char request_id_[33] = {};

  // The access logs of the current request, its captured head values (spans of log_text_, two
  // numbers per capture slot) and its attempts; capacities are reused across requests.
  struct AttemptLog {
    const balancing::Host* host = nullptr;
    int status = 0;  // the response's, or 502/504 for a failed attempt; 0 = none
    Microseconds connect{-1};
    Microseconds header{-1};
    Microseconds total{-1};
  };
  const router::AccessLogs* logs_ = nullptr;  // set when captured
  std::string log_text_;
  std::vector<std::uint32_t> log_spans_;
  std::vector<AttemptLog> attempt_log_;
  bool pipelined_ = false;  // $pipe: the request's head was already buffered behind another's

  // W3C Trace Context of the current request.
  config::TraceContext trace_mode_ = config::TraceContext::kOff;
  bool trace_incoming_ = false;  // a valid traceparent arrived
  observe::TraceParent trace_in_;
  mutable char span_id_[observe::kParentIdLength] = {};
  mutable bool span_ready_ = false;

  mutable std::string remote_addr_;  // $remote_addr, formatted on first use after attach()
};

}  // namespace yoke::proxy
