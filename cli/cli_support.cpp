#include "cli/cli_support.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/progress_bar.h"
#include "molt/base/error.h"
#include "molt/hub/model_resolver.h"

namespace molt::cli {

OutputSink::OutputSink(const std::string& path) {
  if (!path.empty() && path != "-") file_ = std::make_unique<AtomicFile>(path);
}

void OutputSink::write(std::string_view data) {
  if (file_) {
    file_->write(data);
    return;
  }
  buffer_.append(data);
  if (buffer_.size() >= (1u << 16)) {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), stdout) != buffer_.size()) {
      throw io_error("cannot write to stdout");
    }
    buffer_.clear();
  }
}

void OutputSink::commit() {
  if (file_) {
    file_->commit();
    return;
  }
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), stdout) != buffer_.size()) {
    throw io_error("cannot write to stdout");
  }
  buffer_.clear();
  std::fflush(stdout);
}

std::vector<formats::TextRecord> read_text_input(const std::string& path) {
  if (path.empty() || path == "-") return formats::read_text_records(std::cin, "<stdin>");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw not_found_error("cannot open input", {.file = path});
  return formats::read_text_records(in, path);
}

bool progress_wanted(bool flag) { return flag || ::isatty(STDERR_FILENO) != 0; }

hub::HubOptions hub_options_from_environment() {
  hub::HubOptions options = hub::hub_options_from_env([](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  });
  options.user_agent = std::string("molt/") + MOLT_VERSION;
  return options;
}

ModelLocation resolve_model_argument(const std::string& argument, bool progress_flag) {
  if (argument.empty()) throw usage_error("--model must name a model");
  const hub::HubOptions options = hub_options_from_environment();
  ProgressBar bar(progress_wanted(progress_flag));
  hub::ResolveOptions resolve;
  resolve.progress = bar.callback();
  const hub::ResolvedModel resolved = hub::resolve_model(argument, options, resolve);
  bar.finish();
  return {resolved.path, resolved.is_gguf(), resolved.id};
}

void add_encoder_flags(CLI::App& cmd, EncoderFlags& flags) {
  cmd.add_option("--precision", flags.precision, "Number format of the matrix products: fp32 (exact to the reference), bf16 (bfloat16 "
                 "weights and activations, f32 sums; cosine >= 0.999 to fp32), int8 (int8 weights per "
                 "output channel, uint8 activations per token; cosine >= 0.99)")->capture_default_str();
  cmd.add_option("--batch-size", flags.batch_size, "Texts per forward pass, at most (results do not depend on it)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();
  cmd.add_option("--dim", flags.dim,
                 "Matryoshka dimension: keep the first N values (after the model's own pre-step: for "
                 "nomic-embed a layer norm over the full vector, as its card prescribes), re-normalized when "
                 "the model normalizes")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
}

runtime::Encoder load_encoder(const EncoderFlags& flags, int threads, bool progress_flag) {
  const auto precision = runtime::parse_precision(flags.precision);
  if (!precision) throw usage_error("unknown --precision '" + flags.precision + "' (fp32, bf16, int8)");
  const ModelLocation location = resolve_model_argument(flags.model, progress_flag);
  runtime::EncoderOptions options;
  options.n_threads = threads;
  options.precision = *precision;
  options.name = location.id;
  return runtime::Encoder::load(location.path, options);
}

}  // namespace molt::cli
