#include "yoke/router/uri.h"

namespace yoke::router {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Removes the last segment of out (used for ".."); false when already at the root.
bool pop_segment(std::string& out) {
  if (out.size() <= 1) return false;
  std::size_t slash = out.rfind('/', out.size() - 2);
  out.resize(slash + 1);
  return true;
}

// Applies a completed segment (between two slashes) to out, which always ends in '/'.
bool apply_segment(std::string_view segment, std::string& out, bool final) {
  if (segment.empty() || segment == ".") return true;  // merge_slashes; "." is a no-op
  if (segment == "..") return pop_segment(out);
  out.append(segment);
  if (!final) out.push_back('/');
  return true;
}

// True when raw_path needs no decoding, merging or dot resolution: no '%', no "//", and no
// segment starting with '.'. Most API paths are like this, and then normalizing is one copy
// into a string whose capacity is reused across requests (no allocation per request).
bool already_normal(std::string_view raw_path) {
  for (std::size_t i = 0; i < raw_path.size(); ++i) {
    char c = raw_path[i];
    if (c == '%') return false;
    if (c == '/' && i + 1 < raw_path.size() && (raw_path[i + 1] == '/' || raw_path[i + 1] == '.')) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool normalize_path(std::string_view raw_path, std::string& out) {
  out.clear();
  if (raw_path.empty() || raw_path.front() != '/') return false;
  if (already_normal(raw_path)) {
    out.assign(raw_path);
    return true;
  }
  std::string decoded;
  decoded.reserve(raw_path.size());
  for (std::size_t i = 0; i < raw_path.size(); ++i) {
    char c = raw_path[i];
    if (c == '%') {
      if (i + 2 >= raw_path.size()) return false;
      int high = hex_value(raw_path[i + 1]);
      int low = hex_value(raw_path[i + 2]);
      if (high < 0 || low < 0 || (high == 0 && low == 0)) return false;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    decoded.push_back(c);
  }
  out.push_back('/');
  std::size_t start = 1;
  while (start <= decoded.size()) {
    std::size_t slash = decoded.find('/', start);
    bool final = slash == std::string::npos;
    std::size_t end = final ? decoded.size() : slash;
    std::string_view segment(decoded.data() + start, end - start);
    if (!apply_segment(segment, out, final)) return false;
    start = end + 1;
  }
  return true;
}

void append_escaped_path(std::string_view path, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (std::size_t i = 0; i < path.size(); ++i) {
    auto byte = static_cast<unsigned char>(path[i]);
    bool escape =
        byte <= 0x20 || byte >= 0x7f || byte == '?' || byte == '#' || byte == '%' || byte == '"';
    if (!escape) {
      out.push_back(path[i]);
      continue;
    }
    out.push_back('%');
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xf]);
  }
}

void rewrite_uri(std::string_view replacement_uri, std::string_view location_prefix,
                 std::string_view normalized_path, std::string_view query, std::string& out) {
  out.append(replacement_uri);
  std::string_view rest = normalized_path.size() >= location_prefix.size()
                              ? normalized_path.substr(location_prefix.size())
                              : std::string_view();
  append_escaped_path(rest, out);
  if (!query.empty()) {
    out.push_back('?');
    out.append(query);
  }
}

}  // namespace yoke::router
