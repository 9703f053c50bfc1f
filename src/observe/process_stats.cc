#include "yoke/observe/process_stats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace yoke::observe {
namespace {

// /proc/self/stat fields after the command name, which is in parentheses and may itself hold
// spaces or parentheses: split after its last ')'. Field 3 (state) comes first.
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  std::size_t end = line.rfind(')');
  if (end == std::string::npos) return {};
  std::istringstream rest(line.substr(end + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

// "btime" in /proc/stat: boot time in seconds since the epoch.
std::optional<double> boot_time() {
  std::ifstream in("/proc/stat");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  }
  return std::nullopt;
}

std::uint64_t count_open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  std::uint64_t count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count > 0 ? count - 1 : 0;  // not the descriptor opendir itself holds
}

}  // namespace

std::optional<ProcessStats> read_process_stats() {
  // proc(5) numbers fields from 1; fields[0] here is field 3 (state).
  constexpr std::size_t kUtime = 14 - 3, kStime = 15 - 3, kStartTime = 22 - 3, kVsize = 23 - 3,
                        kRss = 24 - 3;
  std::vector<std::string> fields = stat_fields();
  std::optional<double> boot = boot_time();
  if (fields.size() <= kRss || !boot) return std::nullopt;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  ProcessStats stats;
  stats.cpu_seconds = (std::stod(fields[kUtime]) + std::stod(fields[kStime])) / ticks;
  stats.start_time_seconds = *boot + std::stod(fields[kStartTime]) / ticks;
  stats.virtual_bytes = std::stoull(fields[kVsize]);
  stats.resident_bytes = std::stoull(fields[kRss]) * page;
  stats.open_fds = count_open_fds();
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) stats.max_fds = limit.rlim_cur;
  return stats;
}

}  // namespace yoke::observe
