// Pieces every subcommand shares: where input comes from, where results go, and whether
// to draw progress.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "molt/base/file_io.h"
#include "molt/formats/jsonl_texts.h"
#include "molt/hub/hub_options.h"

namespace molt::cli {

// Results go to stdout, or to --output FILE written atomically: a failed command leaves
// no partial file behind.
class OutputSink {
 public:
  explicit OutputSink(const std::string& path);  // "" or "-" = stdout
  void write(std::string_view data);
  void commit();  // publishes --output; flushes stdout

 private:
  std::unique_ptr<AtomicFile> file_;
  std::string buffer_;
};

// Reads CONTRACT.md's JSONL text records from --input FILE, or from stdin when "" or "-".
std::vector<formats::TextRecord> read_text_input(const std::string& path);

// CONTRACT.md: progress only when stderr is a terminal or --progress is given.
bool progress_wanted(bool flag);

// Where models are looked up and how the Hugging Face Hub is reached, from this process's
// environment: MOLT_MODELS, HF_HOME / HF_HUB_CACHE, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE
// (hub::hub_options_from_env).
hub::HubOptions hub_options_from_environment();

// CONTRACT.md "Naming a model": --model M as a local path (a model folder or a .gguf
// file). M is a folder, a .gguf file, or a Hugging Face id found in MOLT_MODELS or the
// Hugging Face cache, and otherwise downloaded into that cache (a progress bar on stderr
// when progress_wanted(progress_flag)) unless HF_HUB_OFFLINE is set.
std::filesystem::path resolve_model_argument(const std::string& model, bool progress_flag = false);

}  // namespace molt::cli
