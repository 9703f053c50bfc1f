// Request-head parsing over the corpus of real-looking API requests (bench/corpus/requests/),
// as a whole and per size class, in bytes per second. Issue 3 asks for >= 1 GB/s here.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "http1/request_corpus.h"
#include "yoke/http1/head_end.h"
#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

std::int64_t total_bytes(const std::vector<corpus::Request>& requests) {
  std::int64_t total = 0;
  for (const auto& request : requests) total += static_cast<std::int64_t>(request.bytes.size());
  return total;
}

// Parses every head of the class once per iteration, as a worker does for a head that arrived
// in one read (session_read_head.cc parses at once on the first read, without the head-end
// pre-check).
void BM_ParseCorpus(benchmark::State& state, corpus::SizeClass size_class) {
  const std::vector<corpus::Request> requests =
      corpus::load(corpus::default_directory(), size_class);
  if (requests.empty()) {
    state.SkipWithError("no corpus: bench/corpus/requests/*.http not found");
    return;
  }
  RequestHead head;
  const Limits limits;
  for (auto _ : state) {
    for (const auto& request : requests) {
      const ParseResult result = parse_request_head(request.bytes, limits, head);
      benchmark::DoNotOptimize(result);
      benchmark::DoNotOptimize(head.header_count);
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes(requests));
  state.counters["heads"] = static_cast<double>(requests.size());
}
BENCHMARK_CAPTURE(BM_ParseCorpus, all, corpus::SizeClass::kAll);
BENCHMARK_CAPTURE(BM_ParseCorpus, small_lt256, corpus::SizeClass::kSmall);
BENCHMARK_CAPTURE(BM_ParseCorpus, medium_256_767, corpus::SizeClass::kMedium);
BENCHMARK_CAPTURE(BM_ParseCorpus, large_ge768, corpus::SizeClass::kLarge);

// A head that arrives in two reads, split in the middle, as session_read_head.cc handles it:
// parse the first part (incomplete; rejects garbage early), search the new bytes for the end
// of the head, then parse the whole head again.
void BM_ParseCorpusTwoReads(benchmark::State& state) {
  const std::vector<corpus::Request> requests = corpus::load();
  if (requests.empty()) {
    state.SkipWithError("no corpus: bench/corpus/requests/*.http not found");
    return;
  }
  RequestHead head;
  const Limits limits;
  for (auto _ : state) {
    for (const auto& request : requests) {
      const std::string_view bytes = request.bytes;
      const std::size_t first_read = bytes.size() / 2;
      ParseResult result = parse_request_head(bytes.substr(0, first_read), limits, head);
      benchmark::DoNotOptimize(result);
      if (find_possible_head_end(bytes, first_read) != 0) {
        result = parse_request_head(bytes, limits, head);
      }
      benchmark::DoNotOptimize(result);
      benchmark::DoNotOptimize(head.header_count);
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes(requests));
}
BENCHMARK(BM_ParseCorpusTwoReads);

}  // namespace
}  // namespace yoke::http1
