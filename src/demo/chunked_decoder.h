#pragma once
// Incremental decoder for the chunked transfer coding (RFC 9112 §7.1). Bytes arrive in arbitrary
// pieces; decoded data is handed to a sink without copying. Chunk extensions and trailer fields
// are skipped, which RFC 9112 §7.1.1 and §7.1.2 allow a recipient to do.
#include <cstddef>
#include <cstdint>

namespace yoke::demo {

class ChunkedDecoder {
 public:
  // Feeds bytes; `sink(const char* data, size_t size)` receives decoded body bytes. Returns how
  // many bytes were consumed: fewer than `size` only once the body is done() or failed().
  template <typename Sink>
  size_t feed(const char* data, size_t size, Sink&& sink) {
    size_t pos = 0;
    while (pos < size && state_ != State::kDone && state_ != State::kFailed) {
      if (state_ == State::kData) {
        size_t take = remaining_ < size - pos ? static_cast<size_t>(remaining_) : size - pos;
        sink(data + pos, take);
        pos += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kDataCr;
      } else {
        step(data[pos++]);
      }
    }
    return pos;
  }

  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }
  void reset() { *this = ChunkedDecoder(); }

 private:
  enum class State {
    kSizeFirstDigit,
    kSize,
    kExtension,
    kSizeLf,
    kData,
    kDataCr,
    kDataLf,
    kTrailerStart,
    kTrailerLine,
    kTrailerLineLf,
    kFinalLf,
    kDone,
    kFailed,
  };

  // Advances the framing state machine by one byte outside chunk data.
  void step(char c);

  State state_ = State::kSizeFirstDigit;
  std::uint64_t remaining_ = 0;
  int size_digits_ = 0;
};

}  // namespace yoke::demo
