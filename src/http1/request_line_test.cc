// The request line's fast path (scan_clean_request_line) must never change a verdict: the
// parser's parse_request_line gives exactly what the general path alone gives — state, status,
// reason, method, target, version and end of line — on the corpus, on hand-picked edge cases,
// and on seeded random mutations and truncations of real request lines under varied limits.
#include "http1/request_line.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "http1/request_corpus.h"

namespace yoke::http1 {
namespace {

using namespace std::string_literals;

bool same_view(std::string_view a, std::string_view b) {
  return a.data() == b.data() && a.size() == b.size();
}

::testing::AssertionResult paths_agree(std::string_view bytes, const Limits& limits) {
  RequestHead general;
  RequestHead combined;
  std::size_t general_next = 0;
  std::size_t combined_next = 0;
  const ParseResult expected = parse_request_line_general(bytes, 0, limits, general, general_next);
  const ParseResult actual = parse_request_line(bytes, 0, limits, combined, combined_next);
  const auto failure = [&]() {
    return ::testing::AssertionFailure()
           << "on \"" << ::testing::PrintToString(std::string(bytes.substr(0, 120)))
           << "\" (max_request_line " << limits.max_request_line << ", max_head " << limits.max_head
           << "): general " << static_cast<int>(expected.state) << "/" << expected.status << " "
           << expected.reason << ", with fast path " << static_cast<int>(actual.state) << "/"
           << actual.status << " " << actual.reason;
  };
  if (actual.state != expected.state || actual.status != expected.status ||
      actual.reason != expected.reason) {
    return failure();
  }
  if (expected.state == ParseState::kComplete &&
      (combined_next != general_next || !same_view(combined.method, general.method) ||
       !same_view(combined.target, general.target) ||
       combined.version_minor != general.version_minor)) {
    return failure() << " (different line parts)";
  }
  // Where the fast path answers at all (it does not look at max_head), the general path must
  // find the same complete, valid line.
  RequestHead fast;
  const std::size_t fast_next = scan_clean_request_line(bytes, 0, limits.max_request_line, fast);
  if (fast_next == 0) return ::testing::AssertionSuccess();
  Limits any_head = limits;
  any_head.max_head = static_cast<std::size_t>(-1);
  const ParseResult unbounded =
      parse_request_line_general(bytes, 0, any_head, general, general_next);
  if (unbounded.state != ParseState::kComplete || general_next != fast_next ||
      !same_view(fast.method, general.method) || !same_view(fast.target, general.target) ||
      fast.version_minor != general.version_minor) {
    return failure() << " (fast path accepted a line the general path reads differently)";
  }
  return ::testing::AssertionSuccess();
}

Limits limits_of(std::size_t max_request_line, std::size_t max_head) {
  Limits limits;
  limits.max_request_line = max_request_line;
  limits.max_head = max_head;
  return limits;
}

TEST(Http1RequestLine, FastPathAgreesOnEdgeCases) {
  const std::vector<std::string> lines = {
      "GET / HTTP/1.1\r\n"s,
      "GET / HTTP/1.1\n"s,
      "GET / HTTP/1.0\r\n"s,
      "GET / HTTP/1.1\r"s,
      "GET / HTTP/1.1"s,
      "GET / HTTP/1.1\r\r\n"s,
      "GET / HTTP/1.1 \r\n"s,
      "GET  / HTTP/1.1\r\n"s,
      "GET / HTTP/2.0\r\n"s,
      "GET / HTTP/1.2\r\n"s,
      "GET / http/1.1\r\n"s,
      "GET / HTTP/1.10\r\n"s,
      "GET / HTTP/1\r\n"s,
      " GET / HTTP/1.1\r\n"s,
      "GET\t/ HTTP/1.1\r\n"s,
      "G@T / HTTP/1.1\r\n"s,
      "GET /a\x7f HTTP/1.1\r\n"s,
      "GET /\xc3\xa9 HTTP/1.1\r\n"s,
      "GET /\0 HTTP/1.1\r\n"s,
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n"s,
      "CONNECT a:443 HTTP/1.1\r\n"s,
      "OPTIONS * HTTP/1.1\r\n"s,
      "GET http://a/ HTTP/1.1\r\n"s,
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"s,
      ""s,
  };
  for (const std::string& line : lines) {
    for (std::size_t max_line : {0, 1, 5, 13, 14, 15, 16, 17, 8192}) {
      for (std::size_t max_head : {0, 14, 15, 16, 17, 32768}) {
        EXPECT_TRUE(paths_agree(line, limits_of(max_line, max_head)));
      }
    }
  }
}

TEST(Http1RequestLine, FastPathAgreesOnTheCorpus) {
  for (const auto& request : corpus::load()) {
    EXPECT_TRUE(paths_agree(request.bytes, Limits{})) << request.name;
    const std::size_t line_size = request.bytes.find('\n') + 1;
    // Limits right around the line's size, where the two paths check them differently.
    for (std::size_t delta = 0; delta < 4; ++delta) {
      EXPECT_TRUE(paths_agree(request.bytes, limits_of(line_size - delta, 32768)));
      EXPECT_TRUE(paths_agree(request.bytes, limits_of(8192, line_size - delta)));
    }
  }
}

TEST(Http1RequestLine, FastPathAgreesOnSeededMutations) {
  const std::vector<corpus::Request> requests = corpus::load();
  ASSERT_FALSE(requests.empty());
  const std::string replacements = "\r\n\t :/?%HTP01.\x7f\x80\xff\0"s;
  std::mt19937 random(7);  // fixed seed: the same inputs on every run
  for (int round = 0; round < 20000; ++round) {
    const std::string& source = requests[random() % requests.size()].bytes;
    std::string bytes = source.substr(0, source.find('\n') + 1 + random() % 8);
    for (unsigned edits = random() % 3; edits > 0; --edits) {
      bytes[random() % bytes.size()] = replacements[random() % replacements.size()];
    }
    if (random() % 4 == 0) bytes.resize(random() % (bytes.size() + 1));
    const std::size_t max_line = random() % 2 == 0 ? 8192 : random() % (bytes.size() + 4);
    const std::size_t max_head = random() % 2 == 0 ? 32768 : random() % (bytes.size() + 4);
    ASSERT_TRUE(paths_agree(bytes, limits_of(max_line, max_head))) << "round " << round;
  }
}

}  // namespace
}  // namespace yoke::http1
