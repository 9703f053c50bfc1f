#include "response_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

namespace yoke::loadgen {
namespace {

constexpr size_t kMaxHeadBytes = 64 * 1024;

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

ResponseReader::Status ResponseReader::fail(std::string why) {
  error_ = std::move(why);
  return Status::kError;
}

ResponseReader::Status ResponseReader::feed(const char* data, size_t size) {
  while (size > 0) {
    if (in_body_) {
      size_t take = std::min(size, body_left_);
      body_left_ -= take;
      data += take;
      size -= take;
      if (body_left_ == 0) {
        in_body_ = false;
        return size == 0 ? Status::kComplete : fail("bytes after the response (pipelining?)");
      }
      continue;
    }
    size_t old_size = head_.size();
    head_.append(data, size);
    // The blank line may straddle the previous chunk: search from 3 bytes before it.
    size_t end = head_.find("\r\n\r\n", old_size >= 3 ? old_size - 3 : 0);
    if (end == std::string::npos) {
      return head_.size() > kMaxHeadBytes ? fail("response head over 64 KiB") : Status::kNeedMore;
    }
    size_t used = end + 4 - old_size;  // bytes of this chunk that belong to the head
    head_.resize(end + 4);
    Status status = parse_head();
    head_.clear();
    if (status == Status::kError) return status;
    data += used;
    size -= used;
    if (!in_body_) return size == 0 ? Status::kComplete : fail("bytes after the response");
  }
  return Status::kNeedMore;
}

// Status line and Content-Length only; sets in_body_/body_left_.
ResponseReader::Status ResponseReader::parse_head() {
  std::string_view head = head_;
  if (!head.starts_with("HTTP/1.") || head.size() < 12) return fail("bad status line");
  auto [ptr, ec] = std::from_chars(head.data() + 9, head.data() + 12, status_code_);
  if (ec != std::errc()) return fail("bad status code");
  bool framed = false;
  size_t line_start = head.find("\r\n") + 2;
  while (line_start < head.size() - 2) {
    size_t line_end = head.find("\r\n", line_start);
    std::string_view line = head.substr(line_start, line_end - line_start);
    line_start = line_end + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    if (equals_ignore_case(name, "transfer-encoding")) return fail("chunked response");
    if (equals_ignore_case(name, "content-length")) {
      auto [end, err] = std::from_chars(value.data(), value.data() + value.size(), body_left_);
      if (err != std::errc() || end != value.data() + value.size()) {
        return fail("bad Content-Length");
      }
      framed = true;
    }
  }
  if (!framed) return fail("response without Content-Length");
  in_body_ = body_left_ > 0;
  return Status::kComplete;
}

}  // namespace yoke::loadgen
