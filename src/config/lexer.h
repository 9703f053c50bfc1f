#pragma once
// Splits nginx-style configuration text into tokens: words (bare or quoted), ";", "{" and "}".
// Internal to src/config.
#include <string>
#include <string_view>

#include "yoke/config/source_location.h"

namespace yoke::config {

enum class TokenKind { kWord, kSemicolon, kOpenBrace, kCloseBrace, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // words only: unquoted, escapes resolved
  bool quoted = false;
  SourceLocation where;
};

// How a token reads in "found X, expected Y" messages: "\"listen\"", "\";\"", "end of file".
std::string describe(const Token& token);

class Lexer {
 public:
  // text must outlive the lexer.
  Lexer(std::string_view text, std::string file_name);
  // The next token; kEnd at the end (and on every later call). Throws ConfigError.
  Token next();

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void advance();
  SourceLocation here() const;
  void skip_space_and_comments();
  Token read_quoted(const SourceLocation& where);
  Token read_word(const SourceLocation& where);
  void append_escaped(std::string& out);

  std::string_view text_;
  std::string file_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace yoke::config
