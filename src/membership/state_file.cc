// The atomic rewrite of a `state FILE;` (yoke/membership/state_file.h): write a sibling
// temporary file, fsync it, rename it over the target, fsync the folder (so the rename itself
// survives a crash, as rename(2)'s durability needs on ext4 and XFS).
#include "yoke/membership/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "yoke/config/upstream_members.h"

namespace yoke::membership {
namespace {

std::string state_text(const std::string& upstream,
                       const std::vector<config::UpstreamServer>& servers) {
  std::string text = "# servers of upstream \"" + upstream +
                     "\", written by yoke on every runtime change; read at start and reload\n";
  for (const config::UpstreamServer& server : servers) text += config::server_line(server) + "\n";
  return text;
}

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t written = ::write(fd, text.data() + done, text.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    done += static_cast<std::size_t>(written);
  }
  return true;
}

std::string failure(const std::string& what, const std::string& path) {
  return what + " \"" + path + "\": " + std::strerror(errno);
}

// Flushes the folder holding path, so the rename is on disk too; a failure here is ignored
// (some file systems refuse fsync on a folder), the file itself is already complete.
void sync_folder(const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder = ".";
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

bool write_state_file(const std::string& path, const std::string& upstream,
                      const std::vector<config::UpstreamServer>& servers, std::string& error) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = failure("cannot create", temporary);
    return false;
  }
  const bool written = write_all(fd, state_text(upstream, servers)) && ::fsync(fd) == 0;
  if (!written) error = failure("cannot write", temporary);
  if (::close(fd) != 0 && written) {
    error = failure("cannot write", temporary);
    ::unlink(temporary.c_str());
    return false;
  }
  if (!written) {
    ::unlink(temporary.c_str());
    return false;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    error = failure("cannot rename " + temporary + " to", path);
    ::unlink(temporary.c_str());
    return false;
  }
  sync_folder(path);
  return true;
}

}  // namespace yoke::membership
