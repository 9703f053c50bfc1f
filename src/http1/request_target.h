#pragma once
// The four forms of request-target (RFC 9112 §3.2).
#include <string_view>

namespace yoke::http1 {

struct TargetParts {
  std::string_view path;       // origin-form path, or the path of an absolute-form target
  std::string_view query;      // after '?', without it
  std::string_view authority;  // absolute-form and authority-form only
};

// Splits target according to its form: origin-form ("/path?query"), asterisk-form ("*", only
// for OPTIONS), authority-form ("host:port", only and always for CONNECT), absolute-form
// ("http://authority/path?query", schemes http and https). An absolute-form target with an
// empty path gets path "/" (a static string, RFC 9112 §3.2.1), so routing always sees a path.
// Returns an empty string on success, else a static reason.
std::string_view split_request_target(std::string_view method, std::string_view target,
                                      TargetParts& parts);

// True for a valid Host value or authority: host characters only (RFC 3986 §3.2.2), non-empty.
bool is_valid_authority(std::string_view authority);

// is_valid_authority for an authority that lies inside text (a view into it).
bool is_valid_authority_in(std::string_view text, std::string_view authority);

}  // namespace yoke::http1
