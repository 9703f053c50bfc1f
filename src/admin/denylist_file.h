#pragma once
// The runtime deny list's file (admin { denylist_file PATH; }, docs/admin-api.md): one entry
// per line, `PREFIX EXPIRES ADDED REASON…`, where EXPIRES and ADDED are Unix times in seconds
// (EXPIRES may be `never`) and the reason runs to the end of the line; `#` starts a comment
// line. Wall-clock times, because the file outlives the process. Rewritten whole on every
// change (a temporary file, fsync, rename), so a crash leaves the old list or the new one.
// Pure text functions plus two blocking file calls: main thread at start, admin thread after.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "yoke/security/ip_prefix.h"

namespace yoke::admin {

struct StoredDenyEntry {
  security::IpPrefix prefix;    // IPv4 or IPv6
  std::int64_t expires_at = 0;  // Unix seconds; 0 = never
  std::int64_t added_at = 0;    // Unix seconds
  std::string reason;           // printable, no control bytes; may be empty
};

// Reads text as the file named path holds it. False with error = "PATH:LINE: what is wrong".
bool parse_denylist(std::string_view text, const std::string& path,
                    std::vector<StoredDenyEntry>& out, std::string& error);
// The file's text for entries, with a header comment saying what the columns are.
std::string format_denylist(const std::vector<StoredDenyEntry>& entries);

// A missing file is an empty list (the first start); other read errors and bad lines fail.
bool read_denylist_file(const std::string& path, std::vector<StoredDenyEntry>& out,
                        std::string& error);
// Writes PATH.tmp, fsyncs it and renames it over path. False with error naming the file.
bool write_denylist_file(const std::string& path, std::string_view text, std::string& error);

// Whether reason may be kept (and written as the rest of a line): at most 256 bytes, no
// control bytes (a newline would end the line), UTF-8 left as sent.
bool is_valid_reason(std::string_view reason);
inline constexpr std::size_t kMaxReasonBytes = 256;

}  // namespace yoke::admin
