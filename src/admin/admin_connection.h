#pragma once
// One client of the admin listener: reads request heads with the project's strict HTTP/1
// parser, answers each from the AdminRouter (pipelined requests in order), keeps the connection
// alive as HTTP/1.1 allows, and closes it on a timeout or an error. A request body (the JSON
// API's) is read when Content-Length frames it and it is at most 64 KiB (else 413 / 411).
// Admin thread only.
#include <cstdint>
#include <string>

#include "yoke/core/event_loop.h"
#include "yoke/core/timer.h"

namespace yoke::admin {

class AdminServer;

class AdminConnection final : public IoHandler, public TimerHandler, public Deferrable {
 public:
  AdminConnection(AdminServer& server, int fd) : server_(server), fd_(fd) { timer_.bind(this); }
  ~AdminConnection() override;
  AdminConnection(const AdminConnection&) = delete;
  AdminConnection& operator=(const AdminConnection&) = delete;

  // Registers the socket; false when the loop refuses it (the caller deletes the connection).
  bool start();
  void on_io(std::uint32_t events) override;
  void on_timer(Timer& timer) override;
  // Closes the socket; the object is deleted at the end of the loop iteration.
  void close();

 private:
  void read_available();
  void answer_requests();
  bool answer_one();
  void respond_error(int status, const std::string& message);
  bool flush();
  void arm_timer();
  void linger();

  AdminServer& server_;
  int fd_;
  Timer timer_;
  std::string in_;
  std::string out_;
  std::size_t out_sent_ = 0;
  bool readable_ = false;
  bool writable_ = true;
  bool peer_closed_ = false;
  bool closing_ = false;  // close once out_ is sent
  bool lingering_ = false;
  enum class Wait : std::uint8_t { kIdle, kHead, kSend } wait_ = Wait::kIdle;
  int requests_ = 0;
};

}  // namespace yoke::admin
