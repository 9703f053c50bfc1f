#pragma once
// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3), case-sensitive.
#include <string_view>

namespace yoke::http1 {

enum class VersionCheck : unsigned char {
  kSupported,    // HTTP/1.0 or HTTP/1.1; minor is set
  kUnsupported,  // well-formed but another version (HTTP/2.0, HTTP/1.2, HTTP/0.9): 505
  kMalformed,    // not an HTTP-version at all ("HTTP/1", "http/1.1"): 400
};

inline VersionCheck check_http_version(std::string_view text, int& minor) {
  constexpr std::string_view kPrefix = "HTTP/";
  if (text.size() != 8 || text.substr(0, kPrefix.size()) != kPrefix || text[6] != '.') {
    return VersionCheck::kMalformed;
  }
  const char major_digit = text[5];
  const char minor_digit = text[7];
  if (major_digit < '0' || major_digit > '9' || minor_digit < '0' || minor_digit > '9') {
    return VersionCheck::kMalformed;
  }
  if (major_digit != '1' || (minor_digit != '0' && minor_digit != '1')) {
    return VersionCheck::kUnsupported;
  }
  minor = minor_digit - '0';
  return VersionCheck::kSupported;
}

}  // namespace yoke::http1
