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
#include "molt/runtime/encoder.h"

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

// What a --model argument names, found on disk.
struct ModelLocation {
  std::filesystem::path path;  // a model folder, or a .gguf file
  bool gguf = false;
  std::string id;              // the Hub id when the argument was one (the model's name)
};

// The one place every command resolves --model M (CONTRACT.md "Naming a model"): a
// folder, a .gguf file, or a Hugging Face id found in MOLT_MODELS or the Hugging Face
// cache, otherwise downloaded into that cache (a progress bar on stderr when
// progress_wanted(progress_flag)) unless HF_HUB_OFFLINE is set (hub::resolve_model).
// Throws usage_error for an empty argument, not_found_error saying where it looked and
// how to get the model when it is nowhere, input_error for a folder that is not a model.
ModelLocation resolve_model_argument(const std::string& argument, bool progress_flag = false);

// The flags every command that runs a model shares (embed, eval, later bench and serve);
// --model itself is declared by each command, whose help differs.
struct EncoderFlags {
  std::string model;
  std::string precision = "fp32";
  std::size_t batch_size = 32;
  std::size_t dim = 0;  // Matryoshka dimension; 0: the model's
};

// Declares --precision, --batch-size and --dim on `cmd`, bound to `flags`.
void add_encoder_flags(CLI::App& cmd, EncoderFlags& flags);

// Resolves flags.model (resolve_model_argument) and loads it with `threads` threads. Throws
// usage_error for an unknown --precision, and whatever
// resolving and loading the model throws.
runtime::Encoder load_encoder(const EncoderFlags& flags, int threads, bool progress_flag);

}  // namespace molt::cli
