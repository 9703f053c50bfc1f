#pragma once
// Shared checks for the typed builders, with nginx's wording for each kind of mistake.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "yoke/config/ast.h"
#include "yoke/config/model.h"

namespace yoke::config {

// "text" in double quotes, as messages show names and values.
std::string quote(std::string_view text);

[[noreturn]] void fail(const SourceLocation& where, const std::string& message);

// "directive \"x\" has no opening \"{\"" unless directive has a block.
void require_block(const Directive& directive);
// "directive \"x\" is not terminated by \";\"" if directive has a block.
void require_no_block(const Directive& directive);
// "invalid number of arguments in \"x\" directive" unless min <= count <= max.
void require_args(const Directive& directive, std::size_t min, std::size_t max);
// require_no_block plus exactly `count` arguments.
void require_simple(const Directive& directive, std::size_t count);

// "unknown directive \"x\"", or "\"x\" directive is not allowed here" when x is a directive
// of another context (including registered balancing policies).
[[noreturn]] void reject_directive(const Directive& directive);
// "\"x\" directive is duplicate" when already_set.
void reject_duplicate(const Directive& directive, bool already_set);

// Sets slot to value, or fails as a duplicate when the same level already set it.
template <typename T>
void set_once(const Directive& directive, std::optional<T>& slot, T value) {
  reject_duplicate(directive, slot.has_value());
  slot = std::move(value);
}

// The value part of a "key=value" argument (equals: the position of "="), as an Argument whose
// location points at the value, so an error names its column.
Argument value_of(const Argument& argument, std::size_t equals);

// RFC 9110 §5.1: a field name is a token (§5.6.2 lists the token characters).
bool is_header_name(std::string_view name);

// Typed values of one argument; on a bad value, fails with "invalid value \"v\" in \"x\"
// directive, expected ...". allow_zero = false also rejects 0.
Duration duration_value(const Directive& directive, const Argument& argument, bool allow_zero);
std::uint64_t size_value(const Directive& directive, const Argument& argument);
int count_value(const Directive& directive, const Argument& argument, int min, int max);

// A path as written in a directive: absolute as is, relative from the folder of the file that
// names it (as `include` resolves).
std::string resolve_path(const Argument& argument);

}  // namespace yoke::config
