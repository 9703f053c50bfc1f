// find_possible_head_end: finds every head end, including ones split across reads.
#include "yoke/http1/head_end.h"

#include <gtest/gtest.h>

#include <string>

#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

TEST(Http1HeadEnd, FindsCrlfAndLfTerminators) {
  EXPECT_EQ(find_possible_head_end("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody", 0), 27u);
  EXPECT_EQ(find_possible_head_end("GET / HTTP/1.1\nHost: a\n\nbody", 0), 24u);
  EXPECT_EQ(find_possible_head_end("GET / HTTP/1.1\nHost: a\n\r\n", 0), 25u);
  EXPECT_EQ(find_possible_head_end("GET / HTTP/1.1\r\nHost: a\r\n", 0), 0u);
  EXPECT_EQ(find_possible_head_end("GET / HTTP/1.1\r\nHost: a\r\n\r", 0), 0u);
  EXPECT_EQ(find_possible_head_end("", 0), 0u);
}

// Fed a byte at a time, searching only the new bytes each time, the hint fires with the byte
// that completes the head: never later, so a reader relying on it never stalls.
TEST(Http1HeadEnd, ByteAtATimeFiresWithTheLastByte) {
  for (const std::string whole :
       {"GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n", "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
        "GET / HTTP/1.1\nHost: a\n\r\n"}) {
    std::size_t searched = 0;
    std::size_t found_at = 0;
    for (std::size_t size = 1; size <= whole.size() && found_at == 0; ++size) {
      if (find_possible_head_end(std::string_view(whole).substr(0, size), searched) != 0) {
        found_at = size;
      }
      searched = size;
    }
    EXPECT_EQ(found_at, whole.size()) << whole;
  }
}

TEST(Http1HeadEnd, LeadingEmptyLinesAreOnlyAHint) {
  const std::string bytes = "\r\n\r\nGET / HTTP/1.1\r\n";
  EXPECT_NE(find_possible_head_end(bytes, 0), 0u);
  RequestHead head;
  EXPECT_EQ(parse_request_head(bytes, Limits{}, head).state, ParseState::kIncomplete);
}

}  // namespace
}  // namespace yoke::http1
