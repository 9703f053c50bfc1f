#pragma once
// `yoke top [--admin ADDR] [--token-file FILE] [--interval SECONDS] [--once] [--no-color]`:
// the dashboard's live table in a terminal (docs/dashboard.md), polling /api/v1/stats on the
// admin listener. Runs in its own process; shares nothing with a running server.
namespace yoke::top {

// argv[0] is "top". Returns the process exit status: 0, 1 when Yoke cannot be reached or
// refuses the token, 2 for a bad command line.
int run_top(int argc, char** argv);

}  // namespace yoke::top
