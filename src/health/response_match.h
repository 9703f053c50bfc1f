#pragma once
// A `match` block compiled for the checker thread: does an HTTP health-check response pass?
// Without a match block a response passes on a 2xx or 3xx status (nginx Plus's default); a
// block replaces that default with its own tests (all must pass; an empty block passes all).
// Only the first kMaxBody bytes of a body are examined (nginx Plus: "the first 256k").
#include <memory>
#include <string_view>
#include <vector>

#include "yoke/config/model.h"
#include "yoke/http1/message.h"

namespace re2 {
class RE2;
}

namespace yoke::health {

class ResponseMatch {
 public:
  static constexpr std::size_t kMaxBody = 256 * 1024;

  // match: the block health_check match=NAME names, or null for the default. The regexes were
  // checked when the configuration was loaded.
  explicit ResponseMatch(const config::Match* match);
  ~ResponseMatch();
  ResponseMatch(ResponseMatch&&) noexcept;
  ResponseMatch& operator=(ResponseMatch&&) noexcept;

  // Whether a `body` test exists, so the checker must read the body at all.
  bool needs_body() const { return needs_body_; }
  // The status and header tests.
  bool head_passes(const http1::ResponseHead& head) const;
  // The body tests, on at most kMaxBody bytes.
  bool body_passes(std::string_view body) const;

 private:
  struct Test;
  std::vector<Test> tests_;
  bool default_ = true;
  bool needs_body_ = false;
};

}  // namespace yoke::health
