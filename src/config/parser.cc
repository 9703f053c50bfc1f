// Builds the untyped directive tree from tokens: `name args ;` or `name args { ... }`.
#include <string>
#include <vector>

#include "config/lexer.h"
#include "config/syntax.h"

namespace yoke::config {
namespace {

class Parser {
 public:
  Parser(const std::string& text, const std::string& file_name) : lexer_(text, file_name) {}

  std::vector<Directive> parse_top() { return parse_block(nullptr, 0); }

 private:
  // Reads directives until the "}" closing opener, or the end of file when opener is null.
  std::vector<Directive> parse_block(const Directive* opener, int depth) {
    std::vector<Directive> directives;
    while (true) {
      Token token = lexer_.next();
      if (token.kind == TokenKind::kWord) {
        directives.push_back(parse_directive(std::move(token), depth));
        continue;
      }
      if (token.kind == TokenKind::kCloseBrace && opener != nullptr) return directives;
      if (token.kind == TokenKind::kEnd && opener == nullptr) return directives;
      throw ConfigError(token.where, unexpected_in_block(token, opener));
    }
  }

  static std::string unexpected_in_block(const Token& token, const Directive* opener) {
    if (token.kind == TokenKind::kEnd) {
      return "found end of file, expected \"}\" to close \"" + opener->name + "\" opened at line " +
             std::to_string(opener->where.line);
    }
    if (token.kind == TokenKind::kCloseBrace) {
      return "found \"}\", expected a directive (no block is open)";
    }
    return "found " + describe(token) + ", expected a directive name";
  }

  Directive parse_directive(Token name, int depth) {
    Directive directive;
    directive.name = std::move(name.text);
    directive.where = name.where;
    while (true) {
      Token token = lexer_.next();
      switch (token.kind) {
        case TokenKind::kWord:
          directive.args.push_back(Argument{std::move(token.text), token.quoted, token.where});
          continue;
        case TokenKind::kSemicolon:
          return directive;
        case TokenKind::kOpenBrace:
          if (depth + 1 >= kMaxBlockDepth) {
            throw ConfigError(token.where, "blocks are nested deeper than " +
                                               std::to_string(kMaxBlockDepth) + " levels");
          }
          directive.has_block = true;
          directive.block = parse_block(&directive, depth + 1);
          return directive;
        case TokenKind::kCloseBrace:
        case TokenKind::kEnd:
          throw ConfigError(token.where, "found " + describe(token) +
                                             ", expected \";\" or \"{\" after \"" + directive.name +
                                             "\"");
      }
    }
  }

  Lexer lexer_;
};

}  // namespace

std::vector<Directive> parse_config_syntax(const std::string& text, const std::string& file_name) {
  return Parser(text, file_name).parse_top();
}

}  // namespace yoke::config
