#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "molt/formats/inspect.h"

namespace molt::cli {

Runner add_inspect(CLI::App& cmd) {
  cmd.description(
      "Describe a model or array file as one JSON object: format, version, metadata, and each "
      "tensor's dtype, shape and byte range. Reads .safetensors, model.safetensors.index.json, "
      ".gguf, .npy and .npz, validating them as molt does when it loads them (exit 2 with "
      "the file and tensor or field named when they are broken)");
  auto file = std::make_shared<std::string>();
  auto full = std::make_shared<bool>(false);
  cmd.add_option("FILE", *file, "The file to describe")->required();
  cmd.add_flag("--full", *full,
               "Print every element of GGUF metadata arrays (default: the first 16, with "
               "\"truncated\": true)");
  return [file, full] {
    formats::InspectOptions options;
    if (*full) options.max_array_elements = 0;
    const nlohmann::json out = formats::inspect_file(*file, options);
    // Metadata strings from files need not be UTF-8; replace what is not.
    const std::string text = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::printf("%s\n", text.c_str());
    return 0;
  };
}

}  // namespace molt::cli
