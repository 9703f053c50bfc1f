// Incremental decoding of the chunked transfer coding (RFC 9112 §7.1). next() walks framing
// elements in a loop and returns at the first piece of payload, so one call per chunk usually
// suffices; a size line or the trailer section is consumed only once it has fully arrived.
#include "http1/chunk_line.h"
#include "http1/field_line.h"
#include "http1/field_syntax.h"
#include "http1/line_finder.h"
#include "yoke/http1/message.h"
#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

constexpr std::size_t kMaxSizeLine = 4096;
constexpr std::size_t kMaxTrailerSection = 8192;

// RFC 9110 §6.5.1: fields needed before the content — framing, routing — must not be sent as
// trailers. Content-Length and Host, and the hop-by-hop fields (Transfer-Encoding, Connection
// and the rest), whose meaning is the connection's and which a proxy must strip anyway.
bool forbidden_in_trailers(std::string_view name) {
  return iequals(name, "content-length") || iequals(name, "host") || is_hop_by_hop(name);
}

}  // namespace

ChunkedDecoder::Step ChunkedDecoder::next(std::string_view input) {
  Step step;
  for (;;) {
    const std::string_view rest = input.substr(step.consumed);
    switch (state_) {
      case State::kSize:
        if (!consume_size_line(rest, step)) return step;
        break;
      case State::kData:
        take_data(rest, step);
        return step;
      case State::kDataEnd:
        if (!consume_data_end(rest, step)) return step;
        break;
      case State::kTrailers:
        consume_trailers(rest, step);
        return step;
      case State::kDone:
        step.event = Event::kDone;
        return step;
      case State::kError:
        step.event = Event::kError;
        step.reason = error_;
        return step;
    }
  }
}

void ChunkedDecoder::fail(Step& step, std::string_view reason) {
  state_ = State::kError;
  error_ = reason;
  step.event = Event::kError;
  step.reason = reason;
}

bool ChunkedDecoder::consume_size_line(std::string_view input, Step& step) {
  const Line line = find_line(input, 0, kMaxSizeLine);
  if (line.status == LineStatus::kTooLong) {
    fail(step, "chunk-size line too long");
    return false;
  }
  if (line.status == LineStatus::kIncomplete) {
    // The first byte can already tell garbage from a size; reject it without waiting for LF.
    if (!input.empty() &&
        syntax::kHexValue[static_cast<unsigned char>(input[0])] == syntax::kNotHex) {
      fail(step, "invalid chunk size");
    }
    return false;
  }
  std::uint64_t size = 0;
  const std::string_view problem = parse_chunk_size_line(input.substr(0, line.content_end), size);
  if (!problem.empty()) {
    fail(step, problem);
    return false;
  }
  step.consumed += line.next;
  remaining_ = size;
  state_ = size == 0 ? State::kTrailers : State::kData;
  return true;
}

void ChunkedDecoder::take_data(std::string_view input, Step& step) {
  const std::size_t available = input.size();
  const std::size_t taken =
      remaining_ < available ? static_cast<std::size_t>(remaining_) : available;
  if (taken == 0) return;  // kNeedMore, keeping what framing was consumed
  remaining_ -= taken;
  if (remaining_ == 0) state_ = State::kDataEnd;
  step.event = Event::kData;
  step.data = input.substr(0, taken);
  step.consumed += taken;
}

// RFC 9112 §7.1: chunk-data is followed by CRLF; a bare LF is accepted as for any line (§2.2).
bool ChunkedDecoder::consume_data_end(std::string_view input, Step& step) {
  if (input.empty()) return false;
  std::size_t ending = 0;
  if (input[0] == '\n') {
    ending = 1;
  } else if (input[0] == '\r') {
    if (input.size() == 1) return false;
    if (input[1] == '\n') ending = 2;
  }
  if (ending == 0) {
    fail(step, "chunk data not followed by CRLF");
    return false;
  }
  step.consumed += ending;
  state_ = State::kSize;
  return true;
}

// trailer-section = *( field-line CRLF ) CRLF (RFC 9112 §7.1.2), validated like a head.
void ChunkedDecoder::consume_trailers(std::string_view input, Step& step) {
  std::size_t pos = 0;
  Header field;
  for (;;) {
    const FieldLineScan line = scan_field_line(input, pos, kMaxTrailerSection, field);
    if (line.status == FieldLineStatus::kInvalid) return fail(step, line.error);
    const bool too_large =
        line.status == FieldLineStatus::kTooLong ||
        (line.status == FieldLineStatus::kIncomplete && input.size() > kMaxTrailerSection) ||
        line.next > kMaxTrailerSection;
    if (too_large) return fail(step, "trailer section too large");
    if (line.status == FieldLineStatus::kIncomplete) return;
    if (line.status == FieldLineStatus::kField && forbidden_in_trailers(field.name)) {
      return fail(step, "framing, routing or hop-by-hop field in trailer section");
    }
    if (line.status == FieldLineStatus::kEnd) {
      state_ = State::kDone;
      step.event = Event::kDone;
      step.trailers = input.substr(0, pos);
      step.consumed += line.next;
      return;
    }
    pos = line.next;
  }
}

}  // namespace yoke::http1
