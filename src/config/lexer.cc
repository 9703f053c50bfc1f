// The tokenizer follows nginx's ngx_conf_read_token(): a "#" starts a comment only where a token
// could start, quotes only delimit a string at the start of a token, a backslash protects the
// next character, and "${name}" keeps its braces inside a word. One deliberate difference: a
// "}" also ends a bare word ("listen 80}" is "80" then "}"), which gives clearer errors.
#include "config/lexer.h"

#include "yoke/config/ast.h"

namespace yoke::config {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

bool ends_word(char c) { return is_space(c) || c == ';' || c == '{' || c == '}'; }

Token punctuation(TokenKind kind, const SourceLocation& where) {
  Token token;
  token.kind = kind;
  token.where = where;
  return token;
}

}  // namespace

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kWord:
      return "\"" + token.text + "\"";
    case TokenKind::kSemicolon:
      return "\";\"";
    case TokenKind::kOpenBrace:
      return "\"{\"";
    case TokenKind::kCloseBrace:
      return "\"}\"";
    case TokenKind::kEnd:
      break;
  }
  return "end of file";
}

Lexer::Lexer(std::string_view text, std::string file_name)
    : text_(text), file_(std::move(file_name)) {}

void Lexer::advance() {
  if (text_[pos_] == '\n') {
    ++line_;
    column_ = 1;
  } else {
    ++column_;
  }
  ++pos_;
}

SourceLocation Lexer::here() const { return SourceLocation{file_, line_, column_}; }

void Lexer::skip_space_and_comments() {
  while (!at_end()) {
    if (is_space(peek())) {
      advance();
    } else if (peek() == '#') {
      while (!at_end() && peek() != '\n') advance();
    } else {
      return;
    }
  }
}

Token Lexer::next() {
  skip_space_and_comments();
  SourceLocation where = here();
  if (at_end()) return punctuation(TokenKind::kEnd, where);
  char c = peek();
  if (c == ';' || c == '{' || c == '}') {
    advance();
    if (c == ';') return punctuation(TokenKind::kSemicolon, where);
    return punctuation(c == '{' ? TokenKind::kOpenBrace : TokenKind::kCloseBrace, where);
  }
  if (c == '"' || c == '\'') return read_quoted(where);
  return read_word(where);
}

// Called with pos_ on a backslash. nginx resolves \" \' \\ \t \r \n and keeps any other
// backslash pair as written, so regexes like "\.php$" survive unchanged.
void Lexer::append_escaped(std::string& out) {
  advance();
  if (at_end()) {
    out += '\\';
    return;
  }
  char c = peek();
  advance();
  switch (c) {
    case '"':
    case '\'':
    case '\\':
      out += c;
      return;
    case 't':
      out += '\t';
      return;
    case 'r':
      out += '\r';
      return;
    case 'n':
      out += '\n';
      return;
    default:
      out += '\\';
      out += c;
  }
}

Token Lexer::read_quoted(const SourceLocation& where) {
  char quote = peek();
  advance();
  Token token = punctuation(TokenKind::kWord, where);
  token.quoted = true;
  while (true) {
    if (at_end()) {
      throw ConfigError(where, std::string("unterminated string: found end of file, expected ") +
                                   (quote == '"' ? "'\"'" : "\"'\""));
    }
    if (peek() == quote) break;
    if (peek() == '\\') {
      append_escaped(token.text);
    } else {
      token.text += peek();
      advance();
    }
  }
  advance();
  if (!at_end() && !ends_word(peek())) {
    throw ConfigError(here(), "found \"" + std::string(1, peek()) +
                                  "\" after a quoted string, expected a space, \";\", \"{\" or "
                                  "\"}\"");
  }
  return token;
}

Token Lexer::read_word(const SourceLocation& where) {
  Token token = punctuation(TokenKind::kWord, where);
  bool in_variable_braces = false;
  while (!at_end()) {
    char c = peek();
    if (c == '\\') {
      append_escaped(token.text);
      continue;
    }
    if (c == '{' && !token.text.empty() && token.text.back() == '$') {
      in_variable_braces = true;
    } else if (c == '}' && in_variable_braces) {
      in_variable_braces = false;
    } else if (ends_word(c)) {
      break;
    }
    token.text += c;
    advance();
  }
  return token;
}

}  // namespace yoke::config
