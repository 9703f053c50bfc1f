#pragma once
// One client connection of the demo backend: reads pipelined requests, answers them in order,
// streams large responses with back-pressure. Owned and driven by DemoServer on one thread.
#include <cstdint>
#include <string>

#include "demo/chunked_decoder.h"
#include "demo/demo_backend.h"
#include "demo/demo_routes.h"
#include "demo/request_head.h"

namespace yoke::demo {

class DemoConnection {
 public:
  enum class Outcome { kKeep, kClose };

  // Takes ownership of the non-blocking socket `fd`; `backend` must outlive the connection.
  DemoConnection(int fd, std::uint64_t serial, DemoBackend& backend);
  ~DemoConnection();
  DemoConnection(const DemoConnection&) = delete;
  DemoConnection& operator=(const DemoConnection&) = delete;

  // `scratch` is a buffer shared by all connections, used for one read.
  Outcome on_readable(char* scratch, size_t scratch_size);
  Outcome on_writable();
  Outcome on_delay_elapsed();

  // EPOLLIN / EPOLLOUT bits the connection wants next.
  std::uint32_t wanted_events() const;
  // True once after a response was deferred by the backend's delay; the server then arms a timer
  // that calls on_delay_elapsed().
  bool take_delay_request();
  bool waiting_for_delay() const { return phase_ == Phase::kDelay; }
  std::uint64_t serial() const { return serial_; }
  int delay_ms() const { return backend_.delay_ms; }

 private:
  enum class Phase { kHead, kBody, kDelay, kSendingBytes, kHang, kClosing };

  Outcome pump();
  bool can_consume() const;
  size_t consume(const char* data, size_t size);
  size_t consume_head(const char* data, size_t size);
  size_t consume_body(const char* data, size_t size);
  void take_body_bytes(const char* data, size_t size);
  void begin_request(const RequestHead& head);
  void finish_body();
  void start_response();
  void finish_response();
  void answer_error(int status);
  void answer_failure();
  void answer_control();
  void answer_health();
  bool is_exempt_from_delay() const;
  bool is_admin_route() const;
  bool flush();
  size_t out_pending() const { return out_.size() - out_offset_; }

  int fd_;
  std::uint64_t serial_;
  DemoBackend& backend_;
  Phase phase_ = Phase::kHead;
  bool peer_closed_ = false;
  bool write_blocked_ = false;
  bool delay_requested_ = false;
  std::string in_;  // input not yet consumed (a partial head, or requests behind a busy one)
  std::string out_;
  size_t out_offset_ = 0;

  // The request being read or answered.
  RouteMatch route_;
  bool head_only_ = false;
  bool keep_alive_ = true;
  int minor_version_ = 1;
  BodyFraming framing_ = BodyFraming::kNone;
  std::uint64_t body_remaining_ = 0;
  ChunkedDecoder chunked_;
  bool streaming_echo_ = false;  // echo head already sent; body bytes go straight to out_
  std::string echo_body_;        // echo body kept until the response can start
  std::uint64_t bytes_to_send_ = 0;
};

}  // namespace yoke::demo
