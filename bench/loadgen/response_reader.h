#pragma once
// Reads one HTTP/1.1 response at a time off a keep-alive connection for yoke-loadgen.
// Only Content-Length framing is understood: the demo backend, Yoke, nginx and HAProxy all send
// it for the paths the benchmarks use. A chunked or unframed response is reported as an error
// rather than guessed at (RFC 9112 §6.3 would read an unframed body until close).
#include <cstddef>
#include <string>

namespace yoke::loadgen {

class ResponseReader {
 public:
  enum class Status { kNeedMore, kComplete, kError };

  // Consumes `size` bytes. kComplete once the response has ended exactly at the last byte
  // given (the client sends one request at a time, so bytes past the end are an error).
  Status feed(const char* data, size_t size);

  // The status code of the last complete response (0 before the first).
  int status_code() const { return status_code_; }
  // What went wrong after kError.
  const std::string& error() const { return error_; }

 private:
  Status parse_head();
  Status fail(std::string why);

  std::string head_;      // bytes of the current head, until its blank line
  size_t body_left_ = 0;  // body bytes still to come once the head is parsed
  bool in_body_ = false;
  int status_code_ = 0;
  std::string error_;
};

}  // namespace yoke::loadgen
