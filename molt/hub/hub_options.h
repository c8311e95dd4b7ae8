// HubOptions: where models are looked up and how the Hugging Face Hub is reached. The faces
// (CLI, server) build it from the environment; the library never reads the environment.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace molt::hub {

inline constexpr std::string_view kDefaultEndpoint = "https://huggingface.co";

struct HubOptions {
  std::vector<std::filesystem::path> model_dirs;  // MOLT_MODELS, searched in this order
  std::filesystem::path cache_dir;  // the Hub cache (holds models--org--name/); empty: none
  std::string endpoint = std::string(kDefaultEndpoint);  // no trailing '/'
  std::string token;                // sent as "Authorization: Bearer"; empty: anonymous
  bool offline = false;             // never touch the network
  std::string user_agent = "molt";
  std::chrono::seconds timeout{10};          // connecting, and the longest stall mid-transfer
  int max_retries = 5;                        // per file, for interrupted transfers and 5xx
  std::chrono::milliseconds retry_wait{500};  // first back-off; doubles up to 8 s
};

// Returns the value of an environment variable, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The options huggingface_hub would use in this environment:
//   cache_dir: HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub, where HF_HOME
//              defaults to $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface;
//   endpoint:  HF_ENDPOINT;  offline: HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) in 1/ON/YES/TRUE;
//   token:     HF_TOKEN, else HUGGING_FACE_HUB_TOKEN, else the file HF_TOKEN_PATH
//              (default $HF_HOME/token) as `huggingface-cli login` writes it;
//   timeout:   HF_HUB_DOWNLOAD_TIMEOUT (seconds).
// Plus model_dirs from MOLT_MODELS (colon-separated). A leading "~/" means $HOME.
// Throws usage_error for a malformed HF_HUB_DOWNLOAD_TIMEOUT.
HubOptions hub_options_from_env(const EnvLookup& env);

// huggingface_hub's truth test for flags: "1", "ON", "YES", "TRUE" in any case.
bool env_flag_true(std::string_view value);

}  // namespace molt::hub
