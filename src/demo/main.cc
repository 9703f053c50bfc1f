// yoke-demo-backend: a small, fast HTTP/1.1 origin for demos, integration tests and benchmarks.
// Several named backends can share one process; each answers with its own name.
#include <cstdio>
#include <cstring>
#include <string>

#include "demo/demo_flags.h"
#include "demo/demo_server.h"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(yoke::demo::demo_usage(), stdout);
      return 0;
    }
  }
  std::string error;
  auto specs = yoke::demo::parse_demo_flags(argc, argv, error);
  if (!specs) {
    std::fprintf(stderr, "yoke-demo-backend: %s\n%s", error.c_str(), yoke::demo::demo_usage());
    return 2;
  }
  yoke::demo::DemoServer server;
  if (!server.listen(*specs, error)) {
    std::fprintf(stderr, "yoke-demo-backend: %s\n", error.c_str());
    return 1;
  }
  return server.run();
}
