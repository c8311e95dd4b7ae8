// molt pull: a model repository from the Hugging Face Hub into the Hugging Face cache.
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "molt/base/error.h"
#include "molt/hub/pull.h"
#include "molt/hub/repo_id.h"

namespace molt::cli {

namespace {

constexpr const char* kEnvironmentHelp = R"(Environment (as huggingface_hub reads it):
  HF_HOME, HF_HUB_CACHE   the cache: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub
  HF_ENDPOINT             the Hub or a mirror (default https://huggingface.co)
  HF_TOKEN                access token for gated and private models (else $HF_HOME/token)
  HF_HUB_OFFLINE=1        never use the network: only report what the cache holds
  HF_HUB_DOWNLOAD_TIMEOUT seconds before a stalled connection fails (default 10)
Prints one JSON object: id, revision, commit, path (the snapshot folder), files,
downloaded_files, downloaded_bytes, offline.)";

}  // namespace

Runner add_pull(CLI::App& cmd) {
  cmd.description(
      "Download a model from the Hugging Face Hub into the Hugging Face cache (shared with "
      "huggingface_hub and sentence-transformers); an interrupted download resumes");
  struct Args {
    std::string model;
    std::string revision = "main";
    std::vector<std::string> include;
    bool progress = false;
  };
  auto args = std::make_shared<Args>();
  cmd.add_option("MODEL", args->model, "Hugging Face model id: ORG/NAME (or NAME)")->required();
  cmd.add_option("--revision", args->revision, "Branch, tag or commit to download")->capture_default_str();
  cmd.add_option("--include", args->include,
                 "Download only files matching this glob (repeatable; '*' crosses '/'). Default: "
                 "what a sentence-transformers model needs (configs, tokenizer, safetensors "
                 "weights, module folders, README.md)")
      ->expected(1)
      ->take_all();
  cmd.add_flag("--progress", args->progress, "Show a progress bar on stderr even when it is not a terminal");
  cmd.footer(kEnvironmentHelp);

  return [args] {
    const auto id = hub::parse_repo_id(args->model);
    if (!id) throw usage_error("'" + args->model + "' is not a Hugging Face model id (ORG/NAME)");
    const hub::HubOptions options = hub_options_from_environment();
    ProgressBar bar(progress_wanted(args->progress));
    hub::PullOptions pull;
    pull.revision = args->revision;
    pull.include = args->include;
    pull.progress = bar.callback();
    const hub::PullResult result = hub::pull_model(*id, options, pull);
    bar.finish();
    const nlohmann::json out = {
        {"id", result.id.str()},
        {"revision", args->revision},
        {"commit", result.commit},
        {"path", result.snapshot.string()},
        {"files", result.files},
        {"downloaded_files", result.files_downloaded},
        {"downloaded_bytes", result.bytes_downloaded},
        {"offline", result.offline},
    };
    std::printf("%s\n", out.dump().c_str());
    return 0;
  };
}

}  // namespace molt::cli
