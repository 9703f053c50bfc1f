#include "body_relay.h"

#include <algorithm>
#include <charconv>

#include "field_copy.h"

namespace yoke::proxy {
namespace {

// Room kept free in the generated buffer before decoding the next chunked element: the
// largest element that cannot be split is a trailer section (8 KiB, see ChunkedDecoder), which
// grows by up to a third when every line is a 3-byte "a:" LF written back with CRLF.
constexpr std::size_t kChunkedReserve = 8 * 1024 * 4 / 3 + 64;
constexpr std::size_t kChunkOverhead = 24;  // "<hex>\r\n" + "\r\n"

// Drops count bytes at the start of the unsent part of source: consumed from the buffer while
// streaming, or only skipped while the request must stay replayable.
void drop_source(Outgoing& out, std::size_t count) {
  if (out.consume_source)
    out.source->consume(count);
  else
    out.source_offset += count;
}

}  // namespace

void BodyRelay::start(http1::BodyKind kind, std::uint64_t length, bool chunk_out) {
  kind_ = kind;
  remaining_ = length;
  chunk_out_ = chunk_out;
  error_ = {};
  decoder_.reset();
  done_ =
      kind == http1::BodyKind::kNone || (kind == http1::BodyKind::kContentLength && length == 0);
}

BodyRelay::Result BodyRelay::relay(Outgoing& out) {
  if (done_) return Result::kDone;
  switch (kind_) {
    case http1::BodyKind::kContentLength:
      return relay_length(out);
    case http1::BodyKind::kChunked:
      return relay_chunked(out);
    case http1::BodyKind::kUntilClose:
      return relay_until_close(out);
    case http1::BodyKind::kNone:
      break;
  }
  return Result::kDone;
}

BodyRelay::Result BodyRelay::relay_length(Outgoing& out) {
  std::size_t used = out.source_offset + out.source_length;
  std::size_t available = out.source->size() - used;
  auto count = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, available));
  if (count == 0) return Result::kIdle;
  out.source_length += count;
  out.body_bytes += count;
  remaining_ -= count;
  if (remaining_ == 0) done_ = true;
  return done_ ? Result::kDone : Result::kProgress;
}

bool BodyRelay::write_chunk(Outgoing& out, std::string_view data) {
  Buffer& generated = *out.generated;
  if (chunk_out_) {
    char size_line[24];
    auto [end, ec] = std::to_chars(size_line, size_line + 16, data.size(), 16);
    *end++ = '\r';
    *end++ = '\n';
    generated.append(std::string_view(size_line, static_cast<std::size_t>(end - size_line)));
  }
  generated.append(data);
  if (chunk_out_) generated.append("\r\n");
  out.body_bytes += data.size();
  return true;
}

// The last chunk and the trailer fields, each line ended by a CRLF Yoke writes: the decoder
// accepts bare LF line ends (RFC 9112 §2.2), and a next hop that does not would read past the
// trailer section into whatever follows on the connection.
void BodyRelay::write_last_chunk(Outgoing& out, std::string_view trailers) {
  Buffer& generated = *out.generated;
  generated.append("0\r\n");
  http1::TrailerFields fields(trailers);
  http1::Header field;
  while (fields.next(field)) {
    forward_field(field, [&generated](std::string_view bytes) { generated.append(bytes); });
  }
  generated.append("\r\n");
}

BodyRelay::Result BodyRelay::relay_chunked(Outgoing& out) {
  Result result = Result::kIdle;
  for (;;) {
    out.generated->compact();
    if (out.source_length > 0 || out.generated->writable() < kChunkedReserve) return result;
    std::size_t room = out.generated->writable() - kChunkOverhead;
    std::string_view input = out.source->readable().substr(out.source_offset);
    auto step = decoder_.next(input.substr(0, std::min(room, input.size())));
    switch (step.event) {
      case http1::ChunkedDecoder::Event::kNeedMore:
        drop_source(out, step.consumed);
        return result;
      case http1::ChunkedDecoder::Event::kError:
        error_ = step.reason;
        return Result::kError;
      case http1::ChunkedDecoder::Event::kData:
        if (!step.data.empty()) write_chunk(out, step.data);
        drop_source(out, step.consumed);
        result = Result::kProgress;
        break;
      case http1::ChunkedDecoder::Event::kDone:
        if (chunk_out_) write_last_chunk(out, step.trailers);
        drop_source(out, step.consumed);
        done_ = true;
        return Result::kDone;
    }
  }
}

BodyRelay::Result BodyRelay::relay_until_close(Outgoing& out) {
  std::size_t used = out.source_offset + out.source_length;
  std::size_t available = out.source->size() - used;
  if (available == 0) return Result::kIdle;
  if (!chunk_out_) {
    out.source_length += available;
    out.body_bytes += available;
    return Result::kProgress;
  }
  out.generated->compact();
  if (out.source_length > 0 || out.generated->writable() <= kChunkOverhead) return Result::kIdle;
  std::size_t count = std::min(available, out.generated->writable() - kChunkOverhead);
  write_chunk(out, out.source->readable().substr(out.source_offset, count));
  drop_source(out, count);
  return Result::kProgress;
}

bool BodyRelay::finish_at_eof(Outgoing& out) {
  if (done_) return true;
  if (kind_ != http1::BodyKind::kUntilClose) return false;
  if (chunk_out_) out.generated->append("0\r\n\r\n");
  done_ = true;
  return true;
}

}  // namespace yoke::proxy
