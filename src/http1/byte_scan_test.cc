// Differential test of byte_scan.h: the vector (SSE2 on x86-64), word and scalar scans must
// return the same offset for every text, start and end. Inputs: the benchmark corpus, the
// fuzz corpus, and seeded random bytes drawn mostly from the characters the scans stop at.
// Each text sits in a heap block of exactly its size, so an ASan build catches any load past it.
#include "http1/byte_scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "http1/request_corpus.h"

namespace yoke::http1 {
namespace {

using namespace std::string_literals;

// A copy of text in an allocation of exactly text.size() bytes.
class ExactCopy {
 public:
  explicit ExactCopy(std::string_view text)
      : bytes_(std::make_unique<char[]>(text.size())), size_(text.size()) {
    std::copy(text.begin(), text.end(), bytes_.get());
  }
  std::string_view view() const { return {bytes_.get(), size_}; }

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t size_;
};

using Span = std::size_t (*)(std::string_view, std::size_t, std::size_t);

struct SpanKind {
  const char* name;
  Span reference;
  Span words;
  Span used;  // what the parser calls
};

const SpanKind kSpans[] = {
    {"field value", scan::scalar::span_field_value, scan::swar::span_field_value,
     scan::span_field_value},
    {"target", scan::scalar::span_target, scan::swar::span_target, scan::span_target},
    {"token", scan::scalar::span_token, scan::swar::span_token, scan::span_token},
    {"host", scan::scalar::span_host, scan::swar::span_host, scan::span_host},
};

// Compares the implementations for every start in text and the ends given, reporting the
// first disagreement only (a broken scan would otherwise print thousands of lines).
::testing::AssertionResult spans_agree(std::string_view original, bool every_end) {
  const ExactCopy copy(original);
  const std::string_view text = copy.view();
  for (const SpanKind& kind : kSpans) {
    for (std::size_t pos = 0; pos <= text.size(); ++pos) {
      const std::size_t first_end = every_end ? pos : text.size();
      for (std::size_t end = first_end; end <= text.size(); ++end) {
        const std::size_t expected = kind.reference(text, pos, end);
        const std::size_t words = kind.words(text, pos, end);
        const std::size_t used = kind.used(text, pos, end);
        if (words != expected || used != expected) {
          return ::testing::AssertionFailure()
                 << kind.name << " span of size " << text.size() << " from " << pos << " to " << end
                 << ": scalar " << expected << ", words " << words << ", used " << used;
        }
      }
    }
  }
  for (std::size_t pos = 0; pos <= text.size(); ++pos) {
    const std::size_t expected = scan::scalar::find_empty_line(text, pos);
    const std::size_t used = scan::find_empty_line(text, pos);
    if (used != expected) {
      return ::testing::AssertionFailure() << "empty line in size " << text.size() << " from "
                                           << pos << ": scalar " << expected << ", used " << used;
    }
  }
  return ::testing::AssertionSuccess();
}

std::vector<std::string> fuzz_corpus() {
  std::vector<std::string> texts;
  std::error_code error;
  const auto directory = std::filesystem::path(YOKE_SOURCE_DIR) / "tests/fuzz/corpus/http1";
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    std::ifstream file(entry.path(), std::ios::binary);
    std::string text(static_cast<std::size_t>(entry.file_size()), '\0');
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    texts.push_back(std::move(text));
  }
  return texts;
}

TEST(Http1ByteScan, AgreeOnTheRequestCorpus) {
  const std::vector<corpus::Request> requests = corpus::load();
  ASSERT_FALSE(requests.empty());
  for (const auto& request : requests) {
    EXPECT_TRUE(spans_agree(request.bytes, false)) << request.name;
  }
}

TEST(Http1ByteScan, AgreeOnTheFuzzCorpus) {
  const std::vector<std::string> texts = fuzz_corpus();
  ASSERT_FALSE(texts.empty());
  for (const auto& text : texts) EXPECT_TRUE(spans_agree(text, false));
}

TEST(Http1ByteScan, AgreeOnEveryByteValueAtEveryBlockPosition) {
  // Each byte value, alone and after 0..40 clean bytes, so it lands in every lane of a block,
  // in a full block and in an overlapping tail.
  for (int value = 0; value < 256; ++value) {
    for (std::size_t prefix = 0; prefix <= 40; ++prefix) {
      std::string text(prefix, 'a');
      text += static_cast<char>(value);
      text += "bcdefghij";
      ASSERT_TRUE(spans_agree(text, prefix < 8)) << "byte " << value << " after " << prefix;
    }
  }
}

TEST(Http1ByteScan, AgreeOnSeededRandomHeads) {
  // Mostly the bytes the scans stop at or must let through, some of any value.
  const std::string interesting = "\r\n\t :;,-_.!~'\"()/?@[]{}\\=\x7f\x80\xff\x01\x1f\0"s;
  const std::string plain = "abcXYZ019%/";
  std::mt19937 random(20240611);  // fixed seed: the same inputs on every run
  for (int round = 0; round < 3000; ++round) {
    const std::size_t size = random() % 80;
    std::string text;
    for (std::size_t i = 0; i < size; ++i) {
      const unsigned pick = random() % 16;
      if (pick < 9) {
        text += plain[random() % plain.size()];
      } else if (pick < 15) {
        text += interesting[random() % interesting.size()];
      } else {
        text += static_cast<char>(random() % 256);
      }
    }
    ASSERT_TRUE(spans_agree(text, true)) << "round " << round;
  }
}

}  // namespace
}  // namespace yoke::http1
