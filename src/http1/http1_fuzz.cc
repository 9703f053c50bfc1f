// libFuzzer target for the HTTP/1.1 request parser, under default and tiny limits. Beyond "no
// crash, no sanitizer report", it checks the contracts other code relies on: results point
// into the input, sizes stay within it, errors carry a status and a reason, and parsing is
// prefix-stable. It also checks that the fast paths agree with the definitions they stand in
// for: the vector and word byte scans with the scalar ones, and the request line's fast path
// with the general path. The response parser and the chunked decoder have targets of their
// own (http1_response_fuzz.cc, http1_chunked_fuzz.cc).
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "http1/byte_scan.h"
#include "http1/fuzz_support.h"
#include "http1/request_line.h"
#include "yoke/http1/head_end.h"
#include "yoke/http1/parser.h"

namespace {

using namespace yoke::http1;        // NOLINT: a fuzz driver, not library code
using namespace yoke::http1::fuzz;  // NOLINT

void check_error(const ParseResult& result) {
  check(!result.reason.empty());
  check(result.status == 400 || result.status == 414 || result.status == 431 ||
        result.status == 501 || result.status == 505);
}

// What an accepted request may hold, whatever else it does (RFC 9112 §6.3, §3.2): only one
// framing — Transfer-Encoding means chunked, Content-Length means a length — and one Host.
void check_unambiguous(const RequestHead& head) {
  std::size_t hosts = 0;
  for (std::size_t i = 0; i < head.header_count; ++i) {
    const std::string_view name = head.headers[i].name;
    if (iequals(name, "transfer-encoding")) check(head.body == BodyKind::kChunked);
    if (iequals(name, "content-length")) check(head.body == BodyKind::kContentLength);
    if (iequals(name, "host")) ++hosts;
  }
  check(hosts <= 1);
}

void fuzz_request(std::string_view input, const Limits& limits) {
  static RequestHead head;  // 3 KiB: keep it off the stack of every run
  const ParseResult result = parse_request_head(input, limits, head);
  if (result.state == ParseState::kError) return check_error(result);
  if (result.state != ParseState::kComplete) return;
  check(head.head_size > 0 && head.head_size <= input.size());
  check(head.head_size <= limits.max_head);
  const std::string_view parsed = input.substr(0, head.head_size);
  for (std::string_view part : {head.method, head.target, head.query, head.host}) {
    check(inside(part, parsed));
  }
  check(inside(head.path, parsed) || head.path == "/");
  check(!head.method.empty() && !head.target.empty());
  // The pre-check a reader uses to decide when to parse must never miss a complete head.
  const std::size_t hint = find_possible_head_end(input, 0);
  check(hint != 0 && hint <= head.head_size);
  check(head.version_minor == 0 || head.version_minor == 1);
  check(head.body != BodyKind::kUntilClose);
  check_headers(head.headers, head.header_count, parsed);
  check_unambiguous(head);
  // The head alone parses to the same head: nothing after it changed the verdict.
  const std::size_t size = head.head_size;
  const BodyKind body = head.body;
  check(parse_request_head(parsed, limits, head).state == ParseState::kComplete);
  check(head.head_size == size && head.body == body);
}

// The scans of byte_scan.h from a few starts; libFuzzer's input sits in a block of exactly its
// size, so ASan reports any load past it.
void fuzz_scans(std::string_view input, std::size_t start) {
  using Span = std::size_t (*)(std::string_view, std::size_t, std::size_t);
  constexpr Span kReference[] = {scan::scalar::span_field_value, scan::scalar::span_target,
                                 scan::scalar::span_token, scan::scalar::span_host};
  constexpr Span kWords[] = {scan::swar::span_field_value, scan::swar::span_target,
                             scan::swar::span_token, scan::swar::span_host};
  constexpr Span kUsed[] = {scan::span_field_value, scan::span_target, scan::span_token,
                            scan::span_host};
  for (std::size_t pos : {std::size_t{0}, start, input.size() / 2}) {
    for (std::size_t i = 0; i < std::size(kUsed); ++i) {
      const std::size_t expected = kReference[i](input, pos, input.size());
      check(kWords[i](input, pos, input.size()) == expected);
      check(kUsed[i](input, pos, input.size()) == expected);
    }
    check(scan::find_empty_line(input, pos) == scan::scalar::find_empty_line(input, pos));
  }
}

// The parser's request line (fast path first) gives what the general path alone gives.
void fuzz_request_line(std::string_view input, const Limits& limits) {
  static RequestHead general;  // 3 KiB each: off the stack, as in fuzz_request
  static RequestHead combined;
  std::size_t general_next = 0;
  std::size_t combined_next = 0;
  const ParseResult expected = parse_request_line_general(input, 0, limits, general, general_next);
  const ParseResult actual = parse_request_line(input, 0, limits, combined, combined_next);
  check(actual.state == expected.state && actual.status == expected.status &&
        actual.reason == expected.reason);
  if (expected.state != ParseState::kComplete) return;
  check(combined_next == general_next);
  check(combined.method.data() == general.method.data() &&
        combined.method.size() == general.method.size());
  check(combined.target.data() == general.target.data() &&
        combined.target.size() == general.target.size());
  check(combined.version_minor == general.version_minor);
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
    fuzz_request(input, limits);
    fuzz_request_line(input, limits);
  }
  fuzz_scans(input, size == 0 ? 0 : data[0] % (size + 1));
  return 0;
}
