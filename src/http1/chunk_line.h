#pragma once
// The chunk-size line of the chunked transfer coding (RFC 9112 §7.1, §7.1.1):
//   chunk-size [ chunk-ext ] CRLF
//   chunk-ext  = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//   chunk-ext-val = token / quoted-string
#include <cstdint>
#include <string_view>

namespace yoke::http1 {

// Parses a chunk-size line given without its line ending. Extensions are validated, then
// ignored (RFC 9112 §7.1.1 lets a recipient ignore unrecognised ones). Returns an empty string
// and sets size on success, else a static reason: no hex digits, a size over 64 bits, anything
// after the size that is not a well-formed extension (including trailing whitespace, bare CR
// and NUL).
std::string_view parse_chunk_size_line(std::string_view line, std::uint64_t& size);

}  // namespace yoke::http1
