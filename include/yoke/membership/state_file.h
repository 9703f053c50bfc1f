#pragma once
// Writing an upstream's `state FILE;` (docs/configuration.md, "state"): its servers as
// `server` lines (config/upstream_members.h reads them back), written to a temporary file in
// the same folder, flushed to disk, then renamed over FILE, so that a crash leaves either the
// old file or the new one, never half of one (rename(2) is atomic within a file system).
#include <string>
#include <vector>

#include "yoke/config/model.h"

namespace yoke::membership {

// Writes servers of upstream `upstream` to path. False with the reason in error when any step
// fails; path is then untouched. Blocking file I/O: never on a worker.
bool write_state_file(const std::string& path, const std::string& upstream,
                      const std::vector<config::UpstreamServer>& servers, std::string& error);

}  // namespace yoke::membership
