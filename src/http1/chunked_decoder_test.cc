// ChunkedDecoder (RFC 9112 §7.1): valid bodies split at every byte position decode to the same
// payload and trailers; malformed framing is an error however it arrives.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

using Event = ChunkedDecoder::Event;

struct Decoded {
  Event last = Event::kNeedMore;
  std::string data;
  std::string trailers;
  std::string reason;
  std::string left_over;  // bytes after the body, not consumed
};

// Feeds pieces the way a connection would: append to a buffer, call next() until it needs more,
// drop what was consumed.
Decoded decode_pieces(const std::vector<std::string>& pieces) {
  ChunkedDecoder decoder;
  Decoded out;
  std::string buffer;
  for (const std::string& piece : pieces) {
    buffer += piece;
    for (;;) {
      const ChunkedDecoder::Step step = decoder.next(buffer);
      EXPECT_LE(step.consumed, buffer.size());
      out.last = step.event;
      if (step.event == Event::kData) {
        EXPECT_FALSE(step.data.empty());
        out.data.append(step.data);
      }
      if (step.event == Event::kDone) out.trailers = std::string(step.trailers);
      if (step.event == Event::kError) out.reason = std::string(step.reason);
      buffer.erase(0, step.consumed);
      if (step.event != Event::kData) break;
    }
    if (out.last == Event::kDone || out.last == Event::kError) break;
  }
  out.left_over = buffer;
  return out;
}

Decoded decode(const std::string& body) { return decode_pieces({body}); }

struct ValidBody {
  std::string_view name;
  std::string_view body;
  std::string_view data;
  std::string_view trailers = "";
};

const ValidBody kValidBodies[] = {
    {"single_chunk", "5\r\nhello\r\n0\r\n\r\n", "hello"},
    {"several_chunks", "3\r\nabc\r\n1\r\nd\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n",
     "abcd0123456789abcdef"},
    {"empty_body", "0\r\n\r\n", ""},
    {"hex_case_and_leading_zeros", "0A\r\n0123456789\r\n00b\r\nabcdefghijk\r\n000\r\n\r\n",
     "0123456789abcdefghijk"},
    {"bare_lf_everywhere", "3\nabc\n0\n\n", "abc"},
    {"extensions", "3;name\r\nabc\r\n2 ; a = b ;c=\"q \\\"x\\\" \xe9\"\r\nde\r\n0;last\r\n\r\n",
     "abcde"},
    {"trailers", "2\r\nhi\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n", "hi",
     "Expires: never\r\nX-Sum: 1\r\n"},
    {"trailer_with_bare_lf", "0\nX: y\n\n", "", "X: y\n"},
};

class ChunkedValid : public testing::TestWithParam<ValidBody> {};

TEST_P(ChunkedValid, DecodesInOnePiece) {
  const Decoded out = decode(std::string(GetParam().body));
  EXPECT_EQ(out.last, Event::kDone) << out.reason;
  EXPECT_EQ(out.data, GetParam().data);
  EXPECT_EQ(out.trailers, GetParam().trailers);
  EXPECT_EQ(out.left_over, "");
}

TEST_P(ChunkedValid, DecodesWhenSplitAtEveryPosition) {
  const std::string body(GetParam().body);
  for (std::size_t split = 0; split <= body.size(); ++split) {
    SCOPED_TRACE("split at " + std::to_string(split));
    const Decoded out = decode_pieces({body.substr(0, split), body.substr(split)});
    EXPECT_EQ(out.last, Event::kDone) << out.reason;
    EXPECT_EQ(out.data, GetParam().data);
    EXPECT_EQ(out.trailers, GetParam().trailers);
  }
}

TEST_P(ChunkedValid, DecodesOneByteAtATime) {
  const std::string body(GetParam().body);
  std::vector<std::string> pieces;
  for (char c : body) pieces.emplace_back(1, c);
  const Decoded out = decode_pieces(pieces);
  EXPECT_EQ(out.last, Event::kDone) << out.reason;
  EXPECT_EQ(out.data, GetParam().data);
  EXPECT_EQ(out.trailers, GetParam().trailers);
}

INSTANTIATE_TEST_SUITE_P(Http1, ChunkedValid, testing::ValuesIn(kValidBodies),
                         [](const testing::TestParamInfo<ValidBody>& param_info) {
                           return std::string(param_info.param.name);
                         });

struct InvalidBody {
  std::string_view name;
  std::string_view body;
};

const InvalidBody kInvalidBodies[] = {
    {"no_size", "\r\n"},
    {"not_hex", "x\r\n"},
    {"leading_whitespace", " 5\r\nhello\r\n0\r\n\r\n"},
    {"trailing_whitespace", "5 \r\nhello\r\n0\r\n\r\n"},
    {"trailing_garbage", "5x\r\nhello\r\n0\r\n\r\n"},
    {"hex_prefix", "0x5\r\nhello\r\n0\r\n\r\n"},
    {"negative", "-5\r\nhello\r\n0\r\n\r\n"},
    {"overflow", "10000000000000000\r\n"},
    {"overflow_many_digits", "fffffffffffffffff\r\n"},
    {"data_not_followed_by_crlf", "5\r\nhelloX\r\n0\r\n\r\n"},
    {"data_followed_by_cr_only", "5\r\nhello\rX0\r\n\r\n"},
    {"data_longer_than_size", "3\r\nhello\r\n0\r\n\r\n"},
    {"bare_cr_in_size_line", "5\rX\r\nhello\r\n0\r\n\r\n"},
    {"bare_cr_in_extension", "5;a\rb\r\nhello\r\n0\r\n\r\n"},
    {"nul_in_extension", std::string_view("5;a\0\r\nhello\r\n0\r\n\r\n", 18)},
    {"extension_without_name", "5;\r\nhello\r\n0\r\n\r\n"},
    {"extension_without_value", "5;a=\r\nhello\r\n0\r\n\r\n"},
    {"extension_unterminated_quote", "5;a=\"b\r\nhello\r\n0\r\n\r\n"},
    {"extension_control_in_quote", "5;a=\"\x01\"\r\nhello\r\n0\r\n\r\n"},
    {"extension_without_semicolon", "5 a\r\nhello\r\n0\r\n\r\n"},
    {"trailer_obs_fold", "0\r\nX: a\r\n b\r\n\r\n"},
    {"trailer_without_colon", "0\r\nnot a field\r\n\r\n"},
    {"trailer_space_before_colon", "0\r\nX : a\r\n\r\n"},
    {"trailer_bare_cr", "0\r\nX: a\rb\r\n\r\n"},
    // RFC 9110 §6.5.1: framing, routing and hop-by-hop fields are not trailers.
    {"trailer_content_length", "0\r\nContent-Length: 5\r\n\r\n"},
    {"trailer_transfer_encoding", "0\r\ntransfer-encoding: chunked\r\n\r\n"},
    {"trailer_host", "0\r\nX: 1\r\nHOST: admin\r\n\r\n"},
    {"trailer_connection", "0\r\nConnection: close\r\n\r\n"},
};

class ChunkedInvalid : public testing::TestWithParam<InvalidBody> {};

TEST_P(ChunkedInvalid, IsAnErrorWholeOrSplit) {
  const std::string body(GetParam().body);
  for (std::size_t split = 0; split <= body.size(); ++split) {
    SCOPED_TRACE("split at " + std::to_string(split));
    const Decoded out = decode_pieces({body.substr(0, split), body.substr(split)});
    EXPECT_EQ(out.last, Event::kError);
    EXPECT_FALSE(out.reason.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Http1, ChunkedInvalid, testing::ValuesIn(kInvalidBodies),
                         [](const testing::TestParamInfo<InvalidBody>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(Http1Chunked, SizeLineIsConsumedOnlyWhenComplete) {
  ChunkedDecoder decoder;
  ChunkedDecoder::Step step = decoder.next("5");
  EXPECT_EQ(step.event, Event::kNeedMore);
  EXPECT_EQ(step.consumed, 0u);
  step = decoder.next("5\r");
  EXPECT_EQ(step.event, Event::kNeedMore);
  EXPECT_EQ(step.consumed, 0u);
  step = decoder.next("5\r\n");
  EXPECT_EQ(step.event, Event::kNeedMore);
  EXPECT_EQ(step.consumed, 3u);  // the size line is used; the payload has not arrived
}

TEST(Http1Chunked, DataStepTakesAllTheInputHolds) {
  ChunkedDecoder decoder;
  ChunkedDecoder::Step step = decoder.next("a\r\n01234");
  EXPECT_EQ(step.event, Event::kData);
  EXPECT_EQ(step.data, "01234");
  EXPECT_EQ(step.consumed, 8u);
  step = decoder.next("56789\r\n0\r\n\r\n");
  EXPECT_EQ(step.event, Event::kData);
  EXPECT_EQ(step.data, "56789");
  EXPECT_EQ(step.consumed, 5u);
  step = decoder.next("\r\n0\r\n\r\n");
  EXPECT_EQ(step.event, Event::kDone);
  EXPECT_EQ(step.consumed, 7u);
  EXPECT_TRUE(decoder.done());
}

TEST(Http1Chunked, StopsAtTheEndOfTheBody) {
  const Decoded out = decode("1\r\nx\r\n0\r\n\r\nGET / HTTP/1.1\r\n");
  EXPECT_EQ(out.last, Event::kDone);
  EXPECT_EQ(out.left_over, "GET / HTTP/1.1\r\n");
}

TEST(Http1Chunked, LargestSizeIsAccepted) {
  ChunkedDecoder decoder;
  const ChunkedDecoder::Step step = decoder.next("ffffffffffffffff\r\nab");
  EXPECT_EQ(step.event, Event::kData);
  EXPECT_EQ(step.data, "ab");
}

TEST(Http1Chunked, SizeLineLimit) {
  std::string zeros(4090, '0');
  EXPECT_EQ(decode(zeros + "1\r\nx\r\n0\r\n\r\n").last, Event::kDone);
  const std::string long_line = std::string(4100, '0') + "1\r\nx\r\n0\r\n\r\n";
  EXPECT_EQ(decode(long_line).last, Event::kError);
  // Rejected before any LF arrives.
  ChunkedDecoder decoder;
  EXPECT_EQ(decoder.next(std::string(4100, '0')).event, Event::kError);
}

TEST(Http1Chunked, TrailerSectionLimit) {
  std::string trailers;
  while (trailers.size() < 8000) trailers += "X-Filler: 0123456789012345678901234567890123\r\n";
  EXPECT_EQ(decode("0\r\n" + trailers + "\r\n").last, Event::kDone);
  std::string too_many = trailers + trailers;
  EXPECT_EQ(decode("0\r\n" + too_many + "\r\n").last, Event::kError);
  ChunkedDecoder decoder;
  EXPECT_EQ(decoder.next("0\r\n" + too_many).event, Event::kError);
}

TEST(Http1Chunked, TrailerFieldsWalkEveryLineEnding) {
  const Decoded out = decode("0\r\nX-A: 1\nX-B:\t two words \r\nX-C:\n\n");
  ASSERT_EQ(out.last, Event::kDone);
  TrailerFields fields(out.trailers);
  Header field;
  std::vector<std::string> seen;
  while (fields.next(field))
    seen.push_back(std::string(field.name) + "=" + std::string(field.value));
  EXPECT_EQ(seen, (std::vector<std::string>{"X-A=1", "X-B=two words", "X-C="}));
  EXPECT_FALSE(fields.next(field));
}

TEST(Http1Chunked, NoTrailerFieldsInAnEmptySection) {
  TrailerFields fields("");
  Header field;
  EXPECT_FALSE(fields.next(field));
}

TEST(Http1Chunked, ErrorIsSticky) {
  ChunkedDecoder decoder;
  EXPECT_EQ(decoder.next("zz\r\n").event, Event::kError);
  const ChunkedDecoder::Step again = decoder.next("5\r\nhello\r\n");
  EXPECT_EQ(again.event, Event::kError);
  EXPECT_EQ(again.consumed, 0u);
  EXPECT_FALSE(again.reason.empty());
  decoder.reset();
  EXPECT_EQ(decoder.next("0\r\n\r\n").event, Event::kDone);
}

}  // namespace
}  // namespace yoke::http1
