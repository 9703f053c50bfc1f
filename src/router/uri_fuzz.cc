// libFuzzer target for request-path handling (yoke/router/uri.h): every request's path goes
// through normalize_path before routing, and proxy_pass with a URI part re-escapes it. Checks
// the properties routing relies on: a normalized path starts with "/", holds no "." or ".."
// segment and no empty segment, and escaping it then normalizing again gives it back — so the
// path a backend decodes from the rewritten URI is the one Yoke routed on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "yoke/router/uri.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void check_normal(std::string_view path) {
  check(!path.empty() && path.front() == '/');
  std::size_t start = 1;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    check(segment != "." && segment != "..");
    check(!segment.empty() || end == path.size());
    start = end + 1;
  }
}

void check_escaped(std::string_view escaped) {
  for (char c : escaped) {
    const auto byte = static_cast<unsigned char>(c);
    check(byte > 0x20 && byte < 0x7f && c != '?' && c != '#' && c != '"');
  }
}

// Only paths the HTTP/1 parser can hand over: request-target characters (visible ASCII and
// bytes 0x80-0xFF, src/http1/field_syntax.h) up to the query's "?".
bool is_parsed_path(std::string_view input) {
  for (char c : input) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f || c == '?') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);  // NOLINT
  if (!is_parsed_path(input)) return 0;
  std::string normal;
  if (!yoke::router::normalize_path(input, normal)) return 0;
  check_normal(normal);
  std::string escaped;
  yoke::router::append_escaped_path(normal, escaped);
  check_escaped(escaped);
  std::string again;
  check(yoke::router::normalize_path(escaped, again) && again == normal);
  // The rewrite proxy_pass http://host/base/ does for a location "/": base + rest + query.
  std::string uri;
  yoke::router::rewrite_uri("/base/", "/", normal, "q=1", uri);
  check(uri.rfind("/base/", 0) == 0 && uri.size() == escaped.size() - 1 + 6 + 4);
  return 0;
}
