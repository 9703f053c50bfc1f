// `map SOURCE $VARIABLE { … }` (ngx_http_map_module): one variable whose value depends on
// another's. Lines are `default VALUE;`, `hostnames;`, `volatile;`, `KEY VALUE;`,
// `~REGEX VALUE;` (case-sensitive) and `~*REGEX VALUE;` (case-insensitive). The regexes are
// RE2's syntax (the project's regex engine), not PCRE's: no backreferences or lookaround.
#include "config/build.h"
#include "config/directive_checks.h"
#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

MapEntry read_entry(const Directive& line) {
  require_simple(line, 1);
  MapEntry entry;
  entry.where = line.where;
  const std::string& key = line.name;
  // nginx: a key starting with "\" is taken literally (so "\~x" is the string "~x").
  if (key.starts_with("~*")) {
    entry.kind = MapEntry::Kind::kRegexCaseless;
    entry.key = key.substr(2);
  } else if (key.starts_with("~")) {
    entry.kind = MapEntry::Kind::kRegex;
    entry.key = key.substr(1);
  } else {
    entry.key = key.starts_with("\\") ? key.substr(1) : key;
  }
  if (entry.kind != MapEntry::Kind::kExact && entry.key.empty()) {
    fail(line.where, "empty regex in map key " + quote(key));
  }
  entry.value = parse_value_template(line.args[0], entry.kind != MapEntry::Kind::kExact);
  return entry;
}

void check_duplicate_key(const Map& map, const MapEntry& entry) {
  if (entry.kind != MapEntry::Kind::kExact) return;
  for (const MapEntry& existing : map.entries) {
    if (existing.kind == MapEntry::Kind::kExact && existing.key == entry.key) {
      fail(entry.where, "duplicate map key " + quote(entry.key) + ", first defined at " +
                            existing.where.to_string());
    }
  }
}

}  // namespace

std::string map_variable_name(const Directive& directive) {
  require_block(directive);
  require_args(directive, 2, 2);
  const Argument& variable = directive.args[1];
  if (variable.text.size() < 2 || variable.text[0] != '$') {
    fail(variable.where, "invalid variable name " + quote(variable.text));
  }
  return variable.text.substr(1);
}

Map build_map(const Directive& directive) {
  Map map;
  map.where = directive.where;
  map.variable = map_variable_name(directive);
  map.source = parse_value_template(directive.args[0]);
  bool has_default = false;
  for (const Directive& line : directive.block) {
    if (line.name == "hostnames" && line.args.empty()) {
      require_no_block(line);
      map.hostnames = true;
    } else if (line.name == "volatile" && line.args.empty()) {
      require_no_block(line);  // values are never cached beyond one request anyway
    } else if (line.name == "default") {
      require_simple(line, 1);
      reject_duplicate(line, has_default);
      has_default = true;
      map.default_value = parse_value_template(line.args[0]);
    } else {
      MapEntry entry = read_entry(line);
      check_duplicate_key(map, entry);
      map.entries.push_back(std::move(entry));
    }
  }
  return map;
}

}  // namespace yoke::config
