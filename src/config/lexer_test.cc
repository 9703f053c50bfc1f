#include "config/lexer.h"

#include <gtest/gtest.h>

#include <vector>

#include "yoke/config/ast.h"

namespace yoke::config {
namespace {

std::vector<Token> tokens_of(const std::string& text) {
  Lexer lexer(text, "t.conf");
  std::vector<Token> tokens;
  while (true) {
    tokens.push_back(lexer.next());
    if (tokens.back().kind == TokenKind::kEnd) return tokens;
  }
}

std::vector<std::string> texts_of(const std::string& text) {
  std::vector<std::string> texts;
  for (const auto& token : tokens_of(text)) {
    texts.push_back(token.kind == TokenKind::kWord ? token.text : describe(token));
  }
  return texts;
}

std::string lex_error(const std::string& text) {
  try {
    tokens_of(text);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ConfigLexer, SplitsWordsAndPunctuation) {
  EXPECT_EQ(texts_of("listen 80;\nhttp{server {}}"),
            (std::vector<std::string>{"listen", "80", "\";\"", "http", "\"{\"", "server", "\"{\"",
                                      "\"}\"", "\"}\"", "end of file"}));
}

TEST(ConfigLexer, TracksLinesAndColumns) {
  auto tokens = tokens_of("a b;\n  c\t{\n}");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[1].where.line, 1);
  EXPECT_EQ(tokens[1].where.column, 3);
  EXPECT_EQ(tokens[2].where.column, 4);
  EXPECT_EQ(tokens[3].where.line, 2);
  EXPECT_EQ(tokens[3].where.column, 3);
  EXPECT_EQ(tokens[4].where.column, 5);
  EXPECT_EQ(tokens[5].where.line, 3);
  EXPECT_EQ(tokens[5].where.file, "t.conf");
}

TEST(ConfigLexer, SkipsComments) {
  EXPECT_EQ(texts_of("# head\na b; # tail ; {\n# last"),
            (std::vector<std::string>{"a", "b", "\";\"", "end of file"}));
}

TEST(ConfigLexer, HashInsideAWordIsText) {
  EXPECT_EQ(texts_of("a#b;"), (std::vector<std::string>{"a#b", "\";\"", "end of file"}));
}

TEST(ConfigLexer, QuotedStringsAndEmptyString) {
  auto tokens = tokens_of("a \"x y;{}\" 'z' \"\";");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[1].text, "x y;{}");
  EXPECT_TRUE(tokens[1].quoted);
  EXPECT_EQ(tokens[2].text, "z");
  EXPECT_TRUE(tokens[2].quoted);
  EXPECT_EQ(tokens[3].text, "");
  EXPECT_TRUE(tokens[3].quoted);
  EXPECT_FALSE(tokens[0].quoted);
}

TEST(ConfigLexer, ResolvesEscapesLikeNginx) {
  auto tokens = tokens_of(R"(a "q\"x\\y\tz\n" 'it\'s' \.php$ b\;c;)");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[1].text, "q\"x\\y\tz\n");
  EXPECT_EQ(tokens[2].text, "it's");
  EXPECT_EQ(tokens[3].text, "\\.php$");  // unknown escapes keep their backslash
  EXPECT_EQ(tokens[4].text, "b\\;c");    // an escaped ';' does not end the word
}

TEST(ConfigLexer, KeepsVariablesInText) {
  auto tokens = tokens_of("a $host ${remote_addr}:x \"${http_x}\";");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[1].text, "$host");
  EXPECT_EQ(tokens[2].text, "${remote_addr}:x");
  EXPECT_EQ(tokens[3].text, "${http_x}");
}

TEST(ConfigLexer, CloseBraceEndsABareWord) {
  EXPECT_EQ(texts_of("a 80}"), (std::vector<std::string>{"a", "80", "\"}\"", "end of file"}));
}

TEST(ConfigLexer, QuotesInsideAWordAreText) {
  EXPECT_EQ(texts_of("a\"b c;"), (std::vector<std::string>{"a\"b", "c", "\";\"", "end of file"}));
}

TEST(ConfigLexer, UnterminatedQuoteNamesItsStart) {
  EXPECT_EQ(lex_error("a \"b;\n\nc"),
            "t.conf:1:3: unterminated string: found end of file, expected '\"'");
  EXPECT_EQ(lex_error("x\n  'abc"),
            "t.conf:2:3: unterminated string: found end of file, expected \"'\"");
}

TEST(ConfigLexer, TextGluedToAClosingQuoteIsAnError) {
  EXPECT_EQ(lex_error("a \"b\"c;"),
            "t.conf:1:6: found \"c\" after a quoted string, expected a space, \";\", \"{\" or "
            "\"}\"");
}

TEST(ConfigLexer, EndRepeats) {
  Lexer lexer("", "t.conf");
  EXPECT_EQ(lexer.next().kind, TokenKind::kEnd);
  EXPECT_EQ(lexer.next().kind, TokenKind::kEnd);
}

}  // namespace
}  // namespace yoke::config
