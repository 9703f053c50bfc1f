// Micro-benchmarks of the HTTP/1.1 hot path: a typical browser-like GET head with 8 fields, a
// typical response head, and decoding a 16 KiB chunked body.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

const std::string kGetRequest =
    "GET /api/v1/users/12345/orders?limit=20&sort=desc HTTP/1.1\r\n"
    "Host: api.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
    "Accept: application/json, text/plain, */*\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl\r\n"
    "Connection: keep-alive\r\n"
    "Cookie: session=0123456789abcdef; theme=dark\r\n"
    "\r\n";

const std::string kResponse =
    "HTTP/1.1 200 OK\r\n"
    "Date: Mon, 27 Nov 2023 10:00:00 GMT\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Content-Length: 1234\r\n"
    "Cache-Control: no-cache\r\n"
    "X-Request-Id: 4f1c2a7e-9b3d-4e8a-a1b2-c3d4e5f60718\r\n"
    "\r\n";

void BM_ParseGetRequest(benchmark::State& state) {
  RequestHead head;
  const Limits limits;
  for (auto _ : state) {
    const ParseResult result = parse_request_head(kGetRequest, limits, head);
    benchmark::DoNotOptimize(result);
    benchmark::DoNotOptimize(head.header_count);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kGetRequest.size()));
}
BENCHMARK(BM_ParseGetRequest);

void BM_ParseResponse(benchmark::State& state) {
  ResponseHead head;
  const Limits limits;
  for (auto _ : state) {
    const ParseResult result = parse_response_head(kResponse, limits, false, head);
    benchmark::DoNotOptimize(result);
    benchmark::DoNotOptimize(head.header_count);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kResponse.size()));
}
BENCHMARK(BM_ParseResponse);

// A 16 KiB payload in chunks of state.range(0) bytes, as an upstream would stream it.
std::string chunked_body(std::size_t chunk_size) {
  constexpr std::size_t kPayload = 16 * 1024;
  std::string body;
  char size_line[32];
  for (std::size_t sent = 0; sent < kPayload; sent += chunk_size) {
    const std::size_t length = std::min(chunk_size, kPayload - sent);
    const int written = std::snprintf(size_line, sizeof size_line, "%zx\r\n", length);
    body.append(size_line, static_cast<std::size_t>(written));
    body.append(length, 'x');
    body += "\r\n";
  }
  return body + "0\r\n\r\n";
}

void BM_ChunkedDecode16KiB(benchmark::State& state) {
  const std::string body = chunked_body(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    ChunkedDecoder decoder;
    std::string_view rest = body;
    std::size_t payload = 0;
    for (;;) {
      const ChunkedDecoder::Step step = decoder.next(rest);
      rest.remove_prefix(step.consumed);
      payload += step.data.size();
      if (step.event != ChunkedDecoder::Event::kData) break;
    }
    benchmark::DoNotOptimize(payload);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ChunkedDecode16KiB)->Arg(256)->Arg(4096)->Arg(16384);

}  // namespace
}  // namespace yoke::http1
