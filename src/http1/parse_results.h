#pragma once
// Small constructors for ParseResult, so parsers read as "return error(400, ...)".
#include <string_view>

#include "yoke/http1/message.h"

namespace yoke::http1 {

inline ParseResult incomplete() { return {ParseState::kIncomplete, 0, {}}; }
inline ParseResult complete() { return {ParseState::kComplete, 0, {}}; }
inline ParseResult error(int status, std::string_view reason) {
  return {ParseState::kError, status, reason};
}
inline bool is_complete(const ParseResult& result) { return result.state == ParseState::kComplete; }

}  // namespace yoke::http1
