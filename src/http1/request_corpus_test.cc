// The benchmark corpus (bench/corpus/requests/) stays valid: every file is one complete,
// well-formed request head, so the benchmark measures the success path it claims to.
#include "http1/request_corpus.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

TEST(Http1RequestCorpus, EveryFileIsOneCompleteHead) {
  const std::vector<corpus::Request> requests = corpus::load();
  ASSERT_GE(requests.size(), 20u) << "corpus missing under " << corpus::default_directory();
  RequestHead head;
  for (const auto& request : requests) {
    SCOPED_TRACE(request.name);
    const ParseResult result = parse_request_head(request.bytes, Limits{}, head);
    ASSERT_EQ(result.state, ParseState::kComplete) << result.reason;
    EXPECT_EQ(head.head_size, request.bytes.size());
    // Every line ends in CRLF: the request line, the fields, and the empty line.
    const auto lines =
        static_cast<std::size_t>(std::count(request.bytes.begin(), request.bytes.end(), '\n'));
    EXPECT_EQ(lines, static_cast<std::size_t>(
                         std::count(request.bytes.begin(), request.bytes.end(), '\r')));
    EXPECT_EQ(head.header_count, lines - 2);
    EXPECT_FALSE(head.host.empty());
  }
}

TEST(Http1RequestCorpus, SizeClassesPartitionTheCorpus) {
  const std::size_t all = corpus::load().size();
  std::size_t sum = 0;
  for (auto size_class :
       {corpus::SizeClass::kSmall, corpus::SizeClass::kMedium, corpus::SizeClass::kLarge}) {
    const std::size_t count = corpus::load(corpus::default_directory(), size_class).size();
    EXPECT_GT(count, 0u);
    sum += count;
  }
  EXPECT_EQ(sum, all);
}

}  // namespace
}  // namespace yoke::http1
