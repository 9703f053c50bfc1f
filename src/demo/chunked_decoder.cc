#include "demo/chunked_decoder.h"

namespace yoke::demo {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// 15 hex digits keep the size below 2^60, far beyond any body the demo will see, and rule out
// overflow.
constexpr int kMaxSizeDigits = 15;

}  // namespace

void ChunkedDecoder::step(char c) {
  switch (state_) {
    case State::kSizeFirstDigit:
    case State::kSize: {
      int digit = hex_value(c);
      if (digit >= 0 && size_digits_ < kMaxSizeDigits) {
        remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(digit);
        ++size_digits_;
        state_ = State::kSize;
      } else if (state_ == State::kSize && (c == ';' || c == ' ' || c == '\t')) {
        state_ = State::kExtension;
      } else if (state_ == State::kSize && c == '\r') {
        state_ = State::kSizeLf;
      } else {
        state_ = State::kFailed;
      }
      break;
    }
    case State::kExtension:
      if (c == '\r') state_ = State::kSizeLf;
      if (c == '\n' || c == '\0') state_ = State::kFailed;
      break;
    case State::kSizeLf:
      if (c != '\n') {
        state_ = State::kFailed;
      } else {
        state_ = remaining_ == 0 ? State::kTrailerStart : State::kData;
        size_digits_ = 0;
      }
      break;
    case State::kDataCr:
      state_ = c == '\r' ? State::kDataLf : State::kFailed;
      break;
    case State::kDataLf:
      state_ = c == '\n' ? State::kSizeFirstDigit : State::kFailed;
      break;
    case State::kTrailerStart:
      state_ = c == '\r' ? State::kFinalLf : State::kTrailerLine;
      break;
    case State::kTrailerLine:
      if (c == '\r') state_ = State::kTrailerLineLf;
      break;
    case State::kTrailerLineLf:
      state_ = c == '\n' ? State::kTrailerStart : State::kFailed;
      break;
    case State::kFinalLf:
      state_ = c == '\n' ? State::kDone : State::kFailed;
      break;
    case State::kData:
    case State::kDone:
    case State::kFailed:
      break;
  }
}

}  // namespace yoke::demo
