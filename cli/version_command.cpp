#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.h"

namespace molt::cli {

Runner add_version(CLI::App& cmd) {
  cmd.description("Print molt's version as one JSON object");
  return [] {
    nlohmann::json out = {{"name", "molt"}, {"version", MOLT_VERSION}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
  };
}

}  // namespace molt::cli
