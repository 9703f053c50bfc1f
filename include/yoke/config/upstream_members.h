#pragma once
// An upstream's member list as `server` lines and back: what a `state FILE;` keeps
// (docs/configuration.md, "state") and what a runtime change (the admin API, later discovery)
// turns into config servers, so that both are checked exactly as the configuration's own
// `server` lines are. Blocking only where it says so; any thread.
#include <optional>
#include <string>
#include <vector>

#include "yoke/config/model.h"

namespace yoke::config {

// The servers kept in a state file: nothing but `server ADDRESS [parameters];` lines and
// comments. nullopt when the file does not exist (the block's own `server` lines are used
// then). Throws ConfigError naming file:line:column for anything else, and for a file that
// lists no server. Blocking (reads the file, resolves names): main thread, as load_config.
std::optional<std::vector<UpstreamServer>> read_state_file(const std::string& path);

// server as a `server` line that parse_server_line (and a state file) reads back to the same
// server: its name and its parameters as given, quoted where the lexer needs it, ending in ';'.
std::string server_line(const UpstreamServer& server);

// One `server …;` line written by server_line or built from an API request; source names it in
// errors ("source:1:column: message"). Names are not resolved: the address must be numeric
// (or unix:PATH). Throws ConfigError.
UpstreamServer parse_server_line(const std::string& text, const std::string& source);

// Replaces upstream's servers with members and checks them as a block's servers are checked
// (at least one, parameters the policy supports, the policy's host limit, zone and priority
// rules). Throws ConfigError (naming the member's own source) at the first problem; upstream
// is then partly changed, so call it on a copy.
void set_members(Upstream& upstream, std::vector<UpstreamServer> members);

}  // namespace yoke::config
