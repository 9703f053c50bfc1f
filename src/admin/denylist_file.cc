// Reading and writing the deny list's file (denylist_file.h).
#include "admin/denylist_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace yoke::admin {
namespace {

constexpr std::string_view kHeader =
    "# Yoke's runtime deny list, rewritten by Yoke on every change (admin API\n"
    "# /api/v1/denylist). Columns: PREFIX EXPIRES ADDED REASON, times in Unix seconds.\n";

// The next space-separated word of rest, which then starts after it.
std::string_view next_word(std::string_view& rest) {
  const std::size_t start = rest.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  const std::size_t end = std::min(rest.find(' '), rest.size());
  const std::string_view word = rest.substr(0, end);
  rest.remove_prefix(end);
  return word;
}

bool parse_seconds(std::string_view text, std::int64_t& out) {
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && status == std::errc() && end == text.data() + text.size() && out > 0;
}

// One entry line; an empty error means it was good.
std::string parse_line(std::string_view line, StoredDenyEntry& entry) {
  std::string_view rest = line;
  const std::string_view prefix = next_word(rest);
  const std::string_view expires = next_word(rest);
  const std::string_view added = next_word(rest);
  std::string error;
  if (!security::IpPrefix::parse(prefix, entry.prefix, error)) {
    return "invalid address \"" + std::string(prefix) + "\": " + error;
  }
  if (entry.prefix.kind != security::IpPrefix::Kind::kIpv4 &&
      entry.prefix.kind != security::IpPrefix::Kind::kIpv6) {
    return "\"" + std::string(prefix) + "\" is not an IPv4 or IPv6 address or network";
  }
  if (expires == "never") {
    entry.expires_at = 0;
  } else if (!parse_seconds(expires, entry.expires_at)) {
    return "invalid expiry \"" + std::string(expires) + "\", expected Unix seconds or \"never\"";
  }
  if (!parse_seconds(added, entry.added_at)) {
    return "invalid time added \"" + std::string(added) + "\", expected Unix seconds";
  }
  const std::size_t start = rest.find_first_not_of(' ');
  entry.reason = start == std::string_view::npos ? "" : std::string(rest.substr(start));
  if (!is_valid_reason(entry.reason)) return "invalid reason (control bytes or too long)";
  return {};
}

}  // namespace

bool is_valid_reason(std::string_view reason) {
  if (reason.size() > kMaxReasonBytes) return false;
  for (char c : reason) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return true;
}

bool parse_denylist(std::string_view text, const std::string& path,
                    std::vector<StoredDenyEntry>& out, std::string& error) {
  out.clear();
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    StoredDenyEntry entry;
    std::string problem = parse_line(line, entry);
    if (!problem.empty()) {
      error = path;
      error += ':' + std::to_string(number) + ": ";
      error += problem;
      return false;
    }
    out.push_back(std::move(entry));
  }
  return true;
}

std::string format_denylist(const std::vector<StoredDenyEntry>& entries) {
  std::string text(kHeader);
  for (const StoredDenyEntry& entry : entries) {
    text += entry.prefix.to_string();
    text += ' ';
    text += entry.expires_at == 0 ? "never" : std::to_string(entry.expires_at);
    text += ' ';
    text += std::to_string(entry.added_at);
    if (!entry.reason.empty()) text += ' ' + entry.reason;
    text += '\n';
  }
  return text;
}

bool read_denylist_file(const std::string& path, std::vector<StoredDenyEntry>& out,
                        std::string& error) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) {
      out.clear();
      return true;
    }
    error = "cannot read denylist_file \"" + path + "\": " + std::strerror(errno);
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_denylist(text.str(), path, out, error);
}

bool write_denylist_file(const std::string& path, std::string_view text, std::string& error) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot write \"" + temporary + "\": " + std::strerror(errno);
    return false;
  }
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  // fsync before rename: otherwise a crash can leave the new name on an empty file.
  const bool complete = written == text.size() && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!complete || ::rename(temporary.c_str(), path.c_str()) != 0) {
    error = "cannot write \"" + path + "\": " + std::strerror(complete ? errno : saved_errno);
    ::unlink(temporary.c_str());
    return false;
  }
  return true;
}

}  // namespace yoke::admin
