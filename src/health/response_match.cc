// The tests of nginx Plus's `match` block (ngx_http_upstream_hc_module). Semantics where its
// documentation is silent, chosen here and documented in docs/configuration.md: header tests
// compare field names case-insensitively; `=` and `~` pass when some field of that name has
// such a value, `!=` and `!~` when none has (an absent field passes them).
#include "health/response_match.h"

#include <re2/re2.h>

namespace yoke::health {

using config::MatchTest;
using Operator = config::MatchTest::Operator;

struct ResponseMatch::Test {
  const MatchTest* config = nullptr;
  std::unique_ptr<re2::RE2> regex;  // for ~ and !~
};

ResponseMatch::ResponseMatch(const config::Match* match) : default_(match == nullptr) {
  if (match == nullptr) return;
  for (const MatchTest& test : match->tests) {
    Test compiled;
    compiled.config = &test;
    if (test.op == Operator::kMatches || test.op == Operator::kNotMatches) {
      compiled.regex = std::make_unique<re2::RE2>(test.value, RE2::Quiet);
    }
    needs_body_ = needs_body_ || test.kind == MatchTest::Kind::kBody;
    tests_.push_back(std::move(compiled));
  }
}

ResponseMatch::~ResponseMatch() = default;
ResponseMatch::ResponseMatch(ResponseMatch&&) noexcept = default;
ResponseMatch& ResponseMatch::operator=(ResponseMatch&&) noexcept = default;

namespace {

bool status_passes(const MatchTest& test, int status) {
  bool in_range = false;
  for (const auto& range : test.ranges) {
    in_range = in_range || (status >= range.low && status <= range.high);
  }
  return in_range != test.negated;
}

bool value_matches(Operator op, const re2::RE2* regex, const std::string& expected,
                   std::string_view value) {
  if (op == Operator::kEquals || op == Operator::kNotEquals) return value == expected;
  return re2::RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), *regex);
}

bool header_passes(const MatchTest& test, const re2::RE2* regex, const http1::ResponseHead& head) {
  bool present = false;
  bool some_value_matches = false;
  for (std::size_t i = 0; i < head.header_count; ++i) {
    if (!http1::iequals(head.headers[i].name, test.name)) continue;
    present = true;
    if (test.op != Operator::kPresent && test.op != Operator::kAbsent) {
      some_value_matches =
          some_value_matches || value_matches(test.op, regex, test.value, head.headers[i].value);
    }
  }
  switch (test.op) {
    case Operator::kPresent:
      return present;
    case Operator::kAbsent:
      return !present;
    case Operator::kEquals:
    case Operator::kMatches:
      return some_value_matches;
    case Operator::kNotEquals:
    case Operator::kNotMatches:
      return !some_value_matches;
  }
  return false;
}

}  // namespace

bool ResponseMatch::head_passes(const http1::ResponseHead& head) const {
  // No match block: nginx Plus's default, a 2xx or 3xx status. A block replaces it.
  if (default_) return head.status >= 200 && head.status <= 399;
  for (const Test& test : tests_) {
    if (test.config->kind == MatchTest::Kind::kStatus) {
      if (!status_passes(*test.config, head.status)) return false;
    } else if (test.config->kind == MatchTest::Kind::kHeader) {
      if (!header_passes(*test.config, test.regex.get(), head)) return false;
    }
  }
  return true;
}

bool ResponseMatch::body_passes(std::string_view body) const {
  body = body.substr(0, kMaxBody);
  for (const Test& test : tests_) {
    if (test.config->kind != MatchTest::Kind::kBody) continue;
    const bool found =
        re2::RE2::PartialMatch(re2::StringPiece(body.data(), body.size()), *test.regex);
    if (found != (test.config->op == Operator::kMatches)) return false;
  }
  return true;
}

}  // namespace yoke::health
