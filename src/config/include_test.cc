#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "yoke/config/ast.h"
#include "yoke/config/model.h"

namespace yoke::config {
namespace {

class ConfigInclude : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "yoke-include-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
    return path;
  }

  std::string error_of(const std::string& path) {
    try {
      parse_config_file(path);
    } catch (const ConfigError& error) {
      return error.what();
    }
    return "no error";
  }

  std::string dir_;
};

std::vector<std::string> names(const std::vector<Directive>& directives) {
  std::vector<std::string> result;
  result.reserve(directives.size());
  for (const auto& directive : directives) result.push_back(directive.name);
  return result;
}

TEST_F(ConfigInclude, ExpandsRelativeToTheIncludingFile) {
  write("conf.d/b.conf", "b1; include ../deeper/c.conf;");
  write("deeper/c.conf", "c1;");
  write("conf.d/a.conf", "a1;");
  std::string main = write("main.conf", "first;\ninclude conf.d/*.conf;\nlast;");
  auto directives = parse_config_file(main);
  EXPECT_EQ(names(directives), (std::vector<std::string>{"first", "a1", "b1", "c1", "last"}));
  EXPECT_EQ(directives[1].where.file, dir_ + "/conf.d/a.conf");
  EXPECT_EQ(directives[3].where.file, dir_ + "/conf.d/../deeper/c.conf");
}

TEST_F(ConfigInclude, ExpandsInsideBlocks) {
  write("servers/one.conf", "server { listen 127.0.0.1:8080; location / { return 200; } }");
  std::string main = write("main.conf", "http {\n  include servers/*.conf;\n}\n");
  auto directives = parse_config_file(main);
  ASSERT_EQ(directives.size(), 1u);
  EXPECT_EQ(names(directives[0].block), (std::vector<std::string>{"server"}));
  Config config = load_config(main);
  EXPECT_EQ(config.file, main);
  ASSERT_EQ(config.http.servers.size(), 1u);
  EXPECT_EQ(config.http.servers[0].listens[0].address.to_string(), "127.0.0.1:8080");
}

TEST_F(ConfigInclude, AbsolutePatterns) {
  write("x.conf", "x;");
  std::string main = write("main.conf", "include " + dir_ + "/x.conf;");
  EXPECT_EQ(names(parse_config_file(main)), (std::vector<std::string>{"x"}));
}

TEST_F(ConfigInclude, GlobWithoutMatchesIsAccepted) {
  std::string main = write("main.conf", "include empty.d/*.conf;\nlast;");
  EXPECT_EQ(names(parse_config_file(main)), (std::vector<std::string>{"last"}));
}

TEST_F(ConfigInclude, MissingPlainFileIsAnError) {
  std::string main = write("main.conf", "\n  include missing.conf;");
  EXPECT_EQ(error_of(main), main + ":2:11: cannot open include file \"" + dir_ +
                                "/missing.conf\": No such file or directory");
}

TEST_F(ConfigInclude, CycleIsAnError) {
  write("a.conf", "include b.conf;");
  write("b.conf", "include a.conf;");
  std::string main = write("main.conf", "include a.conf;");
  EXPECT_EQ(error_of(main),
            dir_ + "/b.conf:1:9: include cycle: \"" + dir_ + "/a.conf\" is already being included");
}

TEST_F(ConfigInclude, SelfIncludeIsAnError) {
  std::string main = write("main.conf", "include main.conf;");
  EXPECT_NE(error_of(main).find("include cycle"), std::string::npos);
}

TEST_F(ConfigInclude, DepthIsLimited) {
  for (int i = 0; i < 20; ++i) {
    write("d" + std::to_string(i) + ".conf", "include d" + std::to_string(i + 1) + ".conf;");
  }
  write("d20.conf", "end;");
  std::string main = write("main.conf", "include d0.conf;");
  EXPECT_NE(error_of(main).find("includes are nested deeper than 16 levels"), std::string::npos);
  // Sixteen levels are fine.
  write("d15.conf", "end;");
  EXPECT_EQ(names(parse_config_file(main)), (std::vector<std::string>{"end"}));
}

TEST_F(ConfigInclude, ErrorsInIncludedFilesNameThatFile) {
  write("bad.conf", "\nworker_processes 2");
  std::string main = write("main.conf", "include bad.conf;");
  EXPECT_EQ(error_of(main), dir_ +
                                "/bad.conf:2:19: found end of file, expected \";\" or \"{\" "
                                "after \"worker_processes\"");
}

TEST_F(ConfigInclude, IncludeNeedsOneArgument) {
  std::string main = write("main.conf", "include;");
  EXPECT_EQ(error_of(main), main + ":1:1: invalid number of arguments in \"include\" directive");
}

TEST_F(ConfigInclude, TextIncludesUseTheGivenFileName) {
  write("part.conf", "worker_processes 3;");
  Config config = load_config_text(
      "include part.conf;\nhttp { server { location / { return 204; } } }", dir_ + "/main.conf");
  EXPECT_EQ(config.worker_processes, 3);
}

TEST_F(ConfigInclude, MissingMainFile) {
  EXPECT_EQ(error_of(dir_ + "/nope.conf"), dir_ + "/nope.conf:1:1: cannot open \"" + dir_ +
                                               "/nope.conf\": No such file or "
                                               "directory");
}

}  // namespace
}  // namespace yoke::config
