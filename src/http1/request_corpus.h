#pragma once
// Loads bench/corpus/requests/ (see its README): real-looking API request heads for the
// parser's benchmarks and tests. Test support only; yoke_lib does not use it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace yoke::http1::corpus {

struct Request {
  std::string name;   // file name without ".http"
  std::string bytes;  // the head, exactly as in the file
};

// The size classes of the corpus README: small < 256 B, medium 256-767 B, large >= 768 B.
enum class SizeClass : unsigned char { kAll, kSmall, kMedium, kLarge };

inline bool in_size_class(std::size_t size, SizeClass size_class) {
  switch (size_class) {
    case SizeClass::kAll:
      return true;
    case SizeClass::kSmall:
      return size < 256;
    case SizeClass::kMedium:
      return size >= 256 && size < 768;
    case SizeClass::kLarge:
      return size >= 768;
  }
  return false;
}

// The corpus directory under the source tree. YOKE_SOURCE_DIR, not __FILE__: ccache's base_dir
// makes __FILE__ relative to the build directory.
inline std::filesystem::path default_directory() {
  return std::filesystem::path(YOKE_SOURCE_DIR) / "bench/corpus/requests";
}

// Every *.http file of directory in name order; empty when the directory does not exist.
inline std::vector<Request> load(const std::filesystem::path& directory = default_directory(),
                                 SizeClass size_class = SizeClass::kAll) {
  std::vector<std::filesystem::path> paths;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.path().extension() == ".http") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Request> requests;
  for (const auto& path : paths) {
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    if (error) continue;
    std::string bytes(size, '\0');
    std::ifstream file(path, std::ios::binary);
    file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!in_size_class(bytes.size(), size_class)) continue;
    requests.push_back({path.stem().string(), std::move(bytes)});
  }
  return requests;
}

}  // namespace yoke::http1::corpus
