// `match NAME { … }` in http: the tests a health check's response must pass, nginx Plus syntax
// (ngx_http_upstream_hc_module, "match"):
//   status 200;  status ! 500;  status 200 204;  status 200-399;  status ! 400-599;
//   header Content-Type = text/html;  header Content-Type != text/html;
//   header Connection ~ close;  header Connection !~ close;  header Host;  header ! X-Accel;
//   body ~ "Welcome";  body !~ "Error";
// A response matches when it passes every test. Regexes are RE2, checked here so that a bad
// one is a config error at its token.
#include <re2/re2.h>

#include <charconv>

#include "config/build.h"
#include "config/directive_checks.h"

namespace yoke::config {
namespace {

using Operator = MatchTest::Operator;

void check_regex(const Argument& regex) {
  RE2 compiled(regex.text, RE2::Quiet);
  if (!compiled.ok()) {
    fail(regex.where, "invalid regex " + quote(regex.text) + ": " + compiled.error());
  }
}

bool parse_status(std::string_view text, int& out) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.size() != 3 || error != std::errc() || end != text.data() + text.size()) return false;
  out = value;
  return value >= 100 && value <= 599;
}

MatchTest::StatusRange status_range(const Argument& argument) {
  MatchTest::StatusRange range;
  const std::string& text = argument.text;
  const std::size_t dash = text.find('-');
  const bool ok = dash == std::string::npos
                      ? parse_status(text, range.low) && parse_status(text, range.high)
                      : parse_status(std::string_view(text).substr(0, dash), range.low) &&
                            parse_status(std::string_view(text).substr(dash + 1), range.high) &&
                            range.low <= range.high;
  if (!ok) {
    fail(argument.where, "invalid status " + quote(text) +
                             " in \"status\" test, expected a code from 100 to 599 or a range "
                             "such as \"200-399\"");
  }
  return range;
}

MatchTest build_status(const Directive& directive) {
  MatchTest test;
  test.kind = MatchTest::Kind::kStatus;
  std::size_t first = 0;
  if (!directive.args.empty() && directive.args[0].text == "!" && !directive.args[0].quoted) {
    test.negated = true;
    first = 1;
  }
  if (first >= directive.args.size()) {
    fail(directive.where,
         "invalid number of arguments in \"status\" test, expected codes or "
         "ranges such as \"status 200-399;\"");
  }
  for (std::size_t i = first; i < directive.args.size(); ++i) {
    test.ranges.push_back(status_range(directive.args[i]));
  }
  return test;
}

bool read_operator(const std::string& text, Operator& op) {
  if (text == "=") op = Operator::kEquals;
  if (text == "!=") op = Operator::kNotEquals;
  if (text == "~") op = Operator::kMatches;
  if (text == "!~") op = Operator::kNotMatches;
  return text == "=" || text == "!=" || text == "~" || text == "!~";
}

MatchTest build_header(const Directive& directive) {
  MatchTest test;
  test.kind = MatchTest::Kind::kHeader;
  const auto& args = directive.args;
  if (args.size() == 1) {
    test.name = args[0].text;
    test.op = Operator::kPresent;
  } else if (args.size() == 2 && args[0].text == "!" && !args[0].quoted) {
    test.name = args[1].text;
    test.op = Operator::kAbsent;
  } else if (args.size() == 3 && read_operator(args[1].text, test.op)) {
    test.name = args[0].text;
    test.value = args[2].text;
    if (test.op == Operator::kMatches || test.op == Operator::kNotMatches) check_regex(args[2]);
  } else {
    fail(directive.where,
         "invalid \"header\" test, expected \"header NAME;\", \"header ! NAME;\" or \"header "
         "NAME =|!=|~|!~ VALUE;\"");
  }
  if (test.name.empty()) fail(args[0].where, "empty header name in \"header\" test");
  return test;
}

MatchTest build_body(const Directive& directive) {
  MatchTest test;
  test.kind = MatchTest::Kind::kBody;
  const auto& args = directive.args;
  if (args.size() != 2 || (args[0].text != "~" && args[0].text != "!~")) {
    fail(directive.where,
         "invalid \"body\" test, expected \"body ~ REGEX;\" or \"body !~ "
         "REGEX;\"");
  }
  test.op = args[0].text == "~" ? Operator::kMatches : Operator::kNotMatches;
  test.value = args[1].text;
  check_regex(args[1]);
  return test;
}

MatchTest build_test(const Directive& directive) {
  require_no_block(directive);
  MatchTest test;
  if (directive.name == "status") {
    test = build_status(directive);
  } else if (directive.name == "header") {
    test = build_header(directive);
  } else if (directive.name == "body") {
    test = build_body(directive);
  } else {
    fail(directive.where, "unknown test " + quote(directive.name) +
                              " in \"match\" block, expected \"status\", \"header\" or \"body\"");
  }
  test.where = directive.where;
  return test;
}

}  // namespace

Match build_match(const Directive& directive) {
  require_block(directive);
  require_args(directive, 1, 1);
  Match match;
  match.name = directive.args[0].text;
  match.where = directive.where;
  for (const Directive& test : directive.block) match.tests.push_back(build_test(test));
  return match;
}

}  // namespace yoke::config
