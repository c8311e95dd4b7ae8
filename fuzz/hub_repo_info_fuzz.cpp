// Fuzz target: what a Hub (or anything posing as one) answers to the revision API, and the
// modules.json a download brings. Invalid input must throw molt::Error, nothing else, and
// no file name that escapes the cache folder may be accepted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "molt/base/error.h"
#include "molt/hub/file_selection.h"
#include "molt/hub/hub_api.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto info = molt::hub::parse_repo_info(text, "fuzz");
    // Every accepted name stays inside the snapshot folder once joined to it.
    const std::filesystem::path root = "/snapshot";
    for (const auto& file : info.files) {
      const std::string joined = (root / file).lexically_normal().string();
      if (!joined.starts_with("/snapshot/") || joined.size() <= root.string().size() + 1) std::abort();
    }
  } catch (const molt::Error&) {
  }
  try {
    (void)molt::hub::module_folders(text, "fuzz");
  } catch (const molt::Error&) {
  }
  return 0;
}
