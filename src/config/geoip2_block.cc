// `geoip2 FILE { $VARIABLE [default=VALUE] [source=$VARIABLE] PATH …; }` with the syntax of the
// widely used nginx GeoIP2 module (leev/ngx_http_geoip2_module): each line names a variable and
// the path of a value in the MaxMind DB record of the client's address ("country iso_code").
// The file is opened with the configuration snapshot (router/geoip2_database.h), so a missing or
// broken file fails the load there, naming this block.
#include <filesystem>

#include "config/build.h"
#include "config/directive_checks.h"
#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

// Relative paths are taken from the folder of the file that names them, as `include` does.
std::string absolute_file(const Argument& argument) {
  if (argument.text.empty()) fail(argument.where, "empty file name in \"geoip2\" directive");
  if (argument.text.front() == '/') return argument.text;
  const std::string folder = std::filesystem::path(argument.where.file).parent_path().string();
  return folder.empty() ? argument.text : folder + "/" + argument.text;
}

void read_option(const Argument& argument, GeoIp2Variable& variable) {
  const std::size_t equals = argument.text.find('=');
  const std::string key = argument.text.substr(0, equals);
  const Argument value = value_of(argument, equals);
  if (key == "default") {
    variable.default_value = value.text;
  } else if (value.text.size() < 2 || value.text[0] != '$') {
    fail(value.where, "invalid source variable " + quote(value.text) + ", expected \"$name\"");
  } else {
    variable.source = value.text.substr(1);
    if (!is_known_variable(variable.source)) {
      fail(value.where, "unknown " + quote(variable.source) + " variable");
    }
  }
}

GeoIp2Variable read_variable(const Directive& line) {
  require_no_block(line);
  GeoIp2Variable variable;
  variable.where = line.where;
  variable.variable = geoip2_variable_name(line);
  for (const Argument& argument : line.args) {
    const bool option = variable.path.empty() && (argument.text.starts_with("default=") ||
                                                  argument.text.starts_with("source="));
    if (option) {
      read_option(argument, variable);
    } else {
      variable.path.push_back(argument.text);
    }
  }
  if (variable.path.empty()) fail(line.where, "no data path for " + quote(line.name));
  if (variable.path.front() == "metadata") {
    fail(line.args.front().where, "geoip2 metadata variables are not supported");
  }
  return variable;
}

}  // namespace

std::string geoip2_variable_name(const Directive& line) {
  if (line.name.size() < 2 || line.name[0] != '$') {
    fail(line.where, "invalid variable name " + quote(line.name) + " in \"geoip2\" block");
  }
  return line.name.substr(1);
}

GeoIp2 build_geoip2(const Directive& directive) {
  require_block(directive);
  require_args(directive, 1, 1);
  GeoIp2 block;
  block.where = directive.where;
  block.file = absolute_file(directive.args[0]);
  for (const Directive& line : directive.block) {
    if (line.name == "auto_reload") {
      fail(line.where, "\"auto_reload\" is not supported: Yoke reopens the database on reload");
    }
    block.variables.push_back(read_variable(line));
  }
  if (block.variables.empty()) fail(directive.where, "no variables in \"geoip2\" block");
  return block;
}

}  // namespace yoke::config
