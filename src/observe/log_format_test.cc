// Compiling access-log formats, escaping values and writing lines (docs/logging.md).
#include "yoke/observe/log_format.h"

#include <gtest/gtest.h>

#include <map>

#include "yoke/config/model.h"

namespace yoke::observe {
namespace {

using router::VariableId;

config::LogFormat format_of(const std::vector<std::pair<bool, std::string>>& parts,
                            config::LogEscape escape = config::LogEscape::kDefault) {
  config::LogFormat format;
  format.name = "test";
  format.escape = escape;
  for (const auto& [is_variable, text] : parts) format.text.parts.push_back({is_variable, text});
  return format;
}

// Values by variable id, as a session would give them at the end of a request.
class FakeValues final : public LogValues {
 public:
  std::map<VariableId, std::string> values;
  mutable int calls = 0;
  std::string_view log_value(VariableId id, std::string_view /*name*/) const override {
    ++calls;
    auto found = values.find(id);
    return found == values.end() ? std::string_view() : std::string_view(found->second);
  }
};

TEST(LogFormat, CompilesLiteralsLiveVariablesAndCapturesEachHeadVariableOnce) {
  CompiledLogFormat compiled = compile_log_format(format_of({{true, "remote_addr"},
                                                             {false, " \""},
                                                             {true, "request"},
                                                             {false, "\" "},
                                                             {true, "http_user_agent"},
                                                             {false, " "},
                                                             {true, "request"},
                                                             {true, "sent_http_content_type"},
                                                             {true, "status"}}));
  ASSERT_EQ(compiled.pieces.size(), 9u);
  EXPECT_EQ(compiled.pieces[0].id, VariableId::kRemoteAddr);
  EXPECT_EQ(compiled.pieces[0].capture, kNotCaptured);
  EXPECT_EQ(compiled.pieces[1].id, VariableId::kLiteral);
  EXPECT_EQ(compiled.pieces[2].capture, 0);
  EXPECT_EQ(compiled.pieces[4].capture, 1);
  EXPECT_EQ(compiled.pieces[6].capture, 0);  // $request again: the same capture
  EXPECT_EQ(compiled.pieces[7].capture, 2);
  EXPECT_EQ(compiled.pieces[8].capture, kNotCaptured);
  ASSERT_EQ(compiled.captures.size(), 3u);
  EXPECT_EQ(compiled.captures[1].name, "user_agent");
  EXPECT_FALSE(compiled.captures[1].response);
  EXPECT_TRUE(compiled.captures[2].response);
}

TEST(LogFormat, WritesCapturedAndLiveValues) {
  CompiledLogFormat compiled = compile_log_format(format_of(
      {{true, "request"}, {false, " "}, {true, "status"}, {false, " "}, {true, "http_referer"}}));
  FakeValues values;
  values.values[VariableId::kStatus] = "200";
  std::string text = "GET / HTTP/1.1";
  std::uint32_t spans[] = {0, 14, 14, 0};  // $request, then an absent $http_referer
  std::string line;
  format_log_line(compiled, {text, spans}, values, line);
  EXPECT_EQ(line, "GET / HTTP/1.1 200 -");
  EXPECT_EQ(values.calls, 1);
}

TEST(LogFormat, DefaultEscapingIsNginxs) {
  std::string out;
  append_log_value(out, "a\"b\\c\x01\x7f\xc3\xa9 ~", config::LogEscape::kDefault);
  EXPECT_EQ(out, "a\\x22b\\x5Cc\\x01\\x7F\\xC3\\xA9 ~");
  out.clear();
  append_log_value(out, "", config::LogEscape::kDefault);
  EXPECT_EQ(out, "-");
  out.clear();
  append_log_value(out, "a\"b", config::LogEscape::kNone);
  EXPECT_EQ(out, "a\"b");
  out.clear();
  append_log_value(out, "", config::LogEscape::kNone);
  EXPECT_EQ(out, "-");
}

TEST(LogFormat, JsonEscapingKeepsUtf8AndEscapesTheRest) {
  std::string out;
  append_log_value(out, "q\"b\\s\n\r\t\x01\x1f/", config::LogEscape::kJson);
  EXPECT_EQ(out, "q\\\"b\\\\s\\n\\r\\t\\u0001\\u001F/");
  out.clear();
  append_log_value(out, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", config::LogEscape::kJson);
  EXPECT_EQ(out, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  out.clear();
  // A lone continuation byte, a truncated sequence, an overlong form, a surrogate.
  append_log_value(out, "\x80 \xc3 \xc0\xaf \xed\xa0\x80", config::LogEscape::kJson);
  EXPECT_EQ(out, "\\u0080 \\u00C3 \\u00C0\\u00AF \\u00ED\\u00A0\\u0080");
  out.clear();
  append_log_value(out, "", config::LogEscape::kJson);
  EXPECT_EQ(out, "");
}

TEST(LogFormat, ConditionHoldsUnlessEmptyOrZero) {
  CompiledLogFormat condition =
      compile_log_format(format_of({{true, "status"}, {true, "pipe"}}, config::LogEscape::kNone));
  FakeValues values;
  EXPECT_FALSE(log_condition_holds(condition, {}, values));
  values.values[VariableId::kStatus] = "0";
  EXPECT_FALSE(log_condition_holds(condition, {}, values));
  values.values[VariableId::kPipe] = "0";
  EXPECT_TRUE(log_condition_holds(condition, {}, values));  // "00"
  values.values.erase(VariableId::kStatus);
  values.values[VariableId::kPipe] = "1";
  EXPECT_TRUE(log_condition_holds(condition, {}, values));
}

}  // namespace
}  // namespace yoke::observe
