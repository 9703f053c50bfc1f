#include <gtest/gtest.h>

#include "config/syntax.h"
#include "yoke/config/ast.h"

namespace yoke::config {
namespace {

std::string parse_error(const std::string& text) {
  try {
    parse_config_text(text, "t.conf");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ConfigParser, ReadsDirectivesAndBlocks) {
  auto directives = parse_config_text(
      "worker_processes 2;\nhttp {\n  upstream up { server 10.0.0.1:80 weight=3; }\n}\n", "t.conf");
  ASSERT_EQ(directives.size(), 2u);
  EXPECT_EQ(directives[0].name, "worker_processes");
  ASSERT_EQ(directives[0].args.size(), 1u);
  EXPECT_EQ(directives[0].args[0].text, "2");
  EXPECT_EQ(directives[0].args[0].where.column, 18);
  EXPECT_FALSE(directives[0].has_block);
  const Directive& http = directives[1];
  EXPECT_TRUE(http.has_block);
  EXPECT_EQ(http.where.line, 2);
  ASSERT_EQ(http.block.size(), 1u);
  const Directive& upstream = http.block[0];
  EXPECT_EQ(upstream.name, "upstream");
  EXPECT_EQ(upstream.args[0].text, "up");
  ASSERT_EQ(upstream.block.size(), 1u);
  EXPECT_EQ(upstream.block[0].args.size(), 2u);
  EXPECT_EQ(upstream.block[0].where.line, 3);
  EXPECT_EQ(upstream.block[0].where.column, 17);
}

TEST(ConfigParser, EmptyBlocksAndEmptyText) {
  EXPECT_TRUE(parse_config_text("", "t.conf").empty());
  EXPECT_TRUE(parse_config_text("# only a comment\n", "t.conf").empty());
  auto directives = parse_config_text("events {}", "t.conf");
  ASSERT_EQ(directives.size(), 1u);
  EXPECT_TRUE(directives[0].has_block);
  EXPECT_TRUE(directives[0].block.empty());
}

TEST(ConfigParser, QuotedArgumentsAreMarked) {
  auto directives = parse_config_text("a \"b c\" d;", "t.conf");
  ASSERT_EQ(directives[0].args.size(), 2u);
  EXPECT_TRUE(directives[0].args[0].quoted);
  EXPECT_EQ(directives[0].args[0].text, "b c");
  EXPECT_FALSE(directives[0].args[1].quoted);
}

TEST(ConfigParser, MissingSemicolonAtEndOfFile) {
  EXPECT_EQ(parse_error("worker_processes 2"),
            "t.conf:1:19: found end of file, expected \";\" or \"{\" after \"worker_processes\"");
}

TEST(ConfigParser, MissingSemicolonBeforeCloseBrace) {
  EXPECT_EQ(parse_error("http {\n  listen 80\n}"),
            "t.conf:3:1: found \"}\", expected \";\" or \"{\" after \"listen\"");
}

TEST(ConfigParser, UnclosedBlock) {
  EXPECT_EQ(parse_error("http {\n  server {\n  }\n"),
            "t.conf:4:1: found end of file, expected \"}\" to close \"http\" opened at line 1");
}

TEST(ConfigParser, ExtraCloseBrace) {
  EXPECT_EQ(parse_error("http {\n}\n}"),
            "t.conf:3:1: found \"}\", expected a directive (no block is open)");
}

TEST(ConfigParser, StraySemicolonAndBrace) {
  EXPECT_EQ(parse_error("http { ; }"), "t.conf:1:8: found \";\", expected a directive name");
  EXPECT_EQ(parse_error("{ }"), "t.conf:1:1: found \"{\", expected a directive name");
}

TEST(ConfigParser, LimitsNesting) {
  std::string deep;
  for (int i = 0; i < kMaxBlockDepth + 1; ++i) deep += "a {";
  EXPECT_NE(parse_error(deep).find("blocks are nested deeper than 64 levels"), std::string::npos);
  std::string fine;
  for (int i = 0; i < 10; ++i) fine += "a {";
  for (int i = 0; i < 10; ++i) fine += "}";
  EXPECT_EQ(parse_error(fine), "no error");
}

TEST(ConfigParser, SyntaxOnlyDoesNotExpandIncludes) {
  auto directives = parse_config_syntax("include /nonexistent/x.conf;", "t.conf");
  ASSERT_EQ(directives.size(), 1u);
  EXPECT_EQ(directives[0].name, "include");
}

}  // namespace
}  // namespace yoke::config
