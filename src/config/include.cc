// `include PATTERN;` expansion, as in nginx (ngx_conf_include): the pattern is a glob(3)
// pattern, relative patterns are taken from the including file's folder, matches are read in
// sorted order. Unlike nginx (which resolves relative includes against its prefix), Yoke uses
// the including file's folder, so a config tree can be moved as a whole.
#include <glob.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/syntax.h"

namespace yoke::config {
namespace {

// Canonical paths of the files being read, outermost first: finds cycles and bounds depth.
using IncludeStack = std::vector<std::string>;

std::string canonical_name(const std::string& path) {
  std::error_code error;
  auto canonical = std::filesystem::weakly_canonical(path, error);
  return error ? path : canonical.string();
}

std::string read_whole_file(const std::string& path, const SourceLocation& where) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw ConfigError(where, "cannot read \"" + path + "\": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(where, "cannot open \"" + path + "\": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(where, "cannot read \"" + path + "\": " + std::strerror(errno));
  return text.str();
}

std::string relative_to(const std::string& pattern, const std::string& including_file) {
  if (!pattern.empty() && pattern.front() == '/') return pattern;
  std::string folder = std::filesystem::path(including_file).parent_path().string();
  return folder.empty() ? pattern : folder + "/" + pattern;
}

// The files a pattern names, sorted. nginx reports a missing file for a plain path but
// accepts a wildcard that matches nothing (an empty conf.d/ is normal).
std::vector<std::string> match_files(const Argument& pattern, const std::string& including_file) {
  std::string full = relative_to(pattern.text, including_file);
  if (full.find_first_of("*?[") == std::string::npos) {
    std::error_code error;
    if (!std::filesystem::exists(full, error)) {
      throw ConfigError(pattern.where,
                        "cannot open include file \"" + full + "\": No such file or directory");
    }
    return {full};
  }
  glob_t matches{};
  int status = glob(full.c_str(), 0, nullptr, &matches);
  std::vector<std::string> files;
  if (status == 0) files.assign(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
  globfree(&matches);
  if (status != 0 && status != GLOB_NOMATCH) {
    throw ConfigError(pattern.where, "cannot read include pattern \"" + full + "\"");
  }
  std::sort(files.begin(), files.end());
  return files;
}

void expand(std::vector<Directive>& directives, const std::string& file, IncludeStack& stack);

std::vector<Directive> read_included(const std::string& path, const Argument& pattern,
                                     IncludeStack& stack) {
  std::string canonical = canonical_name(path);
  if (std::find(stack.begin(), stack.end(), canonical) != stack.end()) {
    throw ConfigError(pattern.where, "include cycle: \"" + path + "\" is already being included");
  }
  if (stack.size() > static_cast<std::size_t>(kMaxIncludeDepth)) {
    throw ConfigError(pattern.where, "includes are nested deeper than " +
                                         std::to_string(kMaxIncludeDepth) + " levels");
  }
  std::vector<Directive> directives =
      parse_config_syntax(read_whole_file(path, pattern.where), path);
  stack.push_back(canonical);
  expand(directives, path, stack);
  stack.pop_back();
  return directives;
}

const Argument& include_pattern(const Directive& include) {
  if (include.has_block) {
    throw ConfigError(include.where, "directive \"include\" is not terminated by \";\"");
  }
  if (include.args.size() != 1) {
    throw ConfigError(include.where, "invalid number of arguments in \"include\" directive");
  }
  return include.args[0];
}

void expand(std::vector<Directive>& directives, const std::string& file, IncludeStack& stack) {
  std::vector<Directive> expanded;
  expanded.reserve(directives.size());
  for (auto& directive : directives) {
    if (directive.name != "include") {
      if (directive.has_block) expand(directive.block, file, stack);
      expanded.push_back(std::move(directive));
      continue;
    }
    const Argument& pattern = include_pattern(directive);
    for (const auto& path : match_files(pattern, file)) {
      auto included = read_included(path, pattern, stack);
      std::move(included.begin(), included.end(), std::back_inserter(expanded));
    }
  }
  directives = std::move(expanded);
}

}  // namespace

void expand_includes(std::vector<Directive>& directives, const std::string& file_name) {
  IncludeStack stack{canonical_name(file_name)};
  expand(directives, file_name, stack);
}

std::vector<Directive> parse_config_text(const std::string& text, const std::string& file_name) {
  std::vector<Directive> directives = parse_config_syntax(text, file_name);
  expand_includes(directives, file_name);
  return directives;
}

std::vector<Directive> parse_config_file(const std::string& path) {
  std::string text = read_whole_file(path, SourceLocation{path, 1, 1});
  return parse_config_text(text, path);
}

}  // namespace yoke::config
