// libFuzzer target for the HTTP/1.1 response parser (RFC 9112 §4, §6.3), for a HEAD and a GET
// request, under default and tiny limits, followed — when the head is complete and chunked —
// by the body through ChunkedDecoder and TrailerFields, as the proxy relays it. Checks: results
// point into the input, errors are 502s with a reason, framing is consistent with keep-alive,
// and the head alone parses to the same head (prefix stability).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http1/fuzz_support.h"
#include "yoke/http1/head_end.h"
#include "yoke/http1/parser.h"

namespace {

using namespace yoke::http1;        // NOLINT: a fuzz driver, not library code
using namespace yoke::http1::fuzz;  // NOLINT

// Decodes a chunked body as one buffer and walks its trailers.
void decode_body(std::string_view body) {
  ChunkedDecoder decoder;
  std::size_t offset = 0;
  for (;;) {
    const ChunkedDecoder::Step step = decoder.next(body.substr(offset));
    check(step.consumed <= body.size() - offset);
    offset += step.consumed;
    if (step.event == ChunkedDecoder::Event::kData) continue;
    if (step.event != ChunkedDecoder::Event::kDone) return;
    TrailerFields fields(step.trailers);
    Header field;
    std::size_t count = 0;
    while (fields.next(field)) {
      check(!field.name.empty() && inside(field.name, step.trailers));
      check(inside(field.value, step.trailers));
      check(++count <= step.trailers.size());
    }
    return;
  }
}

void fuzz_response(std::string_view input, const Limits& limits, bool request_was_head) {
  static ResponseHead head;  // 3 KiB: keep it off the stack of every run
  const ParseResult result = parse_response_head(input, limits, request_was_head, head);
  if (result.state == ParseState::kError) {
    check(!result.reason.empty() && result.status == 502);
    return;
  }
  if (result.state != ParseState::kComplete) return;
  check(head.head_size > 0 && head.head_size <= input.size());
  const std::string_view parsed = input.substr(0, head.head_size);
  check(inside(head.reason, parsed));
  check(head.status >= 100 && head.status <= 999);
  const std::size_t hint = find_possible_head_end(input, 0);
  check(hint != 0 && hint <= head.head_size);
  check_headers(head.headers, head.header_count, parsed);
  if (head.body == BodyKind::kUntilClose) check(!head.keep_alive);
  if (request_was_head) check(head.body == BodyKind::kNone);
  const std::size_t size = head.head_size;
  const BodyKind body = head.body;
  if (body == BodyKind::kChunked) decode_body(input.substr(size));
  check(parse_response_head(parsed, limits, request_was_head, head).state == ParseState::kComplete);
  check(head.head_size == size && head.body == body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);  // NOLINT
  Limits tiny;
  tiny.max_request_line = 64;
  tiny.max_field_line = 64;
  tiny.max_head = 256;
  tiny.max_headers = 4;
  for (const Limits& limits : {Limits{}, tiny}) {
    fuzz_response(input, limits, false);
    fuzz_response(input, limits, true);
  }
  return 0;
}
