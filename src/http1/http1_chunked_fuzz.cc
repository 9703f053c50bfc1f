// libFuzzer target for the chunked transfer coding (RFC 9112 §7.1): the input is a chunked
// body arriving in two reads split where its first byte says, as a connection sees it
// (unconsumed bytes stay at the front of the buffer), then whole. Both ways must reach the same
// verdict and the same payload: where a read ends must never change what the body means — the
// property a proxy that re-chunks bodies relies on. Trailers are walked as the relay does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http1/chunk_line.h"
#include "http1/fuzz_support.h"
#include "yoke/http1/parser.h"

namespace {

using namespace yoke::http1;        // NOLINT: a fuzz driver, not library code
using namespace yoke::http1::fuzz;  // NOLINT

struct Outcome {
  ChunkedDecoder::Event last = ChunkedDecoder::Event::kNeedMore;
  std::string payload;
  std::string trailers;
  std::size_t consumed = 0;
};

void walk_trailers(std::string_view trailers) {
  TrailerFields fields(trailers);
  Header field;
  while (fields.next(field)) {
    check(!field.name.empty() && inside(field.name, trailers) && inside(field.value, trailers));
  }
}

// Feeds input[0, split) and then all of input, dropping consumed bytes after every step.
Outcome decode(std::string_view input, std::size_t split) {
  ChunkedDecoder decoder;
  Outcome out;
  for (std::size_t available : {split, input.size()}) {
    for (;;) {
      const std::string_view buffer = input.substr(out.consumed, available - out.consumed);
      const ChunkedDecoder::Step step = decoder.next(buffer);
      check(step.consumed <= buffer.size());
      out.consumed += step.consumed;
      out.last = step.event;
      if (step.event == ChunkedDecoder::Event::kData) {
        check(!step.data.empty() && inside(step.data, buffer));
        out.payload.append(step.data);
        continue;
      }
      if (step.event == ChunkedDecoder::Event::kDone) {
        check(inside(step.trailers, buffer) && decoder.done());
        out.trailers.assign(step.trailers);
        walk_trailers(step.trailers);
        return out;
      }
      if (step.event == ChunkedDecoder::Event::kError) {
        check(!step.reason.empty());
        // Sticky: the decoder answers the same after an error.
        check(decoder.next(buffer).event == ChunkedDecoder::Event::kError);
        return out;
      }
      break;  // kNeedMore
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);  // NOLINT
  const Outcome whole = decode(input, size);
  const Outcome split = decode(input, size == 0 ? 0 : data[0] % (size + 1));
  check(whole.last == split.last);
  check(whole.payload == split.payload);
  if (whole.last == ChunkedDecoder::Event::kDone) {
    check(whole.trailers == split.trailers && whole.consumed == split.consumed);
  }
  check(whole.payload.size() <= size);
  // The size line alone, as the decoder sees one.
  std::uint64_t chunk_size = 0;
  const std::string_view line = input.substr(0, input.find('\n'));
  if (parse_chunk_size_line(line, chunk_size).empty()) check(!line.empty());
  return 0;
}
