#include "molt/hub/hub_options.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "molt/base/error.h"
#include "molt/base/file_io.h"

namespace molt::hub {
namespace {

// Set and non-empty, like `os.getenv(...) or default` in huggingface_hub.
std::optional<std::string> non_empty(const EnvLookup& env, const std::string& name) {
  auto v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::filesystem::path expand_home(const std::string& value, const std::optional<std::string>& home) {
  if (home && (value == "~" || value.starts_with("~/"))) return *home + value.substr(1);
  return value;
}

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

}  // namespace

bool env_flag_true(std::string_view value) {
  std::string upper(value);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper == "1" || upper == "ON" || upper == "YES" || upper == "TRUE";
}

HubOptions hub_options_from_env(const EnvLookup& env) {
  HubOptions options;
  const auto home = non_empty(env, "HOME");

  if (auto dirs = non_empty(env, "MOLT_MODELS")) {
    std::string_view rest = *dirs;
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const std::string part(rest.substr(0, colon));
      if (!part.empty()) options.model_dirs.push_back(expand_home(part, home));
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }

  std::optional<std::filesystem::path> hf_home;
  if (auto v = non_empty(env, "HF_HOME")) {
    hf_home = expand_home(*v, home);
  } else if (auto xdg = non_empty(env, "XDG_CACHE_HOME")) {
    hf_home = expand_home(*xdg, home) / "huggingface";
  } else if (home) {
    hf_home = std::filesystem::path(*home) / ".cache" / "huggingface";
  }
  if (auto v = non_empty(env, "HF_HUB_CACHE")) {
    options.cache_dir = expand_home(*v, home);
  } else if (auto legacy = non_empty(env, "HUGGINGFACE_HUB_CACHE")) {
    options.cache_dir = expand_home(*legacy, home);
  } else if (hf_home) {
    options.cache_dir = *hf_home / "hub";
  }

  if (auto v = non_empty(env, "HF_ENDPOINT")) {
    std::string endpoint = *v;
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    if (!endpoint.empty()) options.endpoint = endpoint;
  }

  // HF_HUB_OFFLINE wins when set, even to a false value, as `a or b` does in Python.
  if (auto v = non_empty(env, "HF_HUB_OFFLINE")) {
    options.offline = env_flag_true(*v);
  } else if (auto legacy = non_empty(env, "TRANSFORMERS_OFFLINE")) {
    options.offline = env_flag_true(*legacy);
  }

  std::optional<std::string> token = non_empty(env, "HF_TOKEN");
  if (!token) token = non_empty(env, "HUGGING_FACE_HUB_TOKEN");
  if (token) {
    options.token = trim(*token);
  } else {
    std::optional<std::filesystem::path> token_path;
    if (auto v = non_empty(env, "HF_TOKEN_PATH")) {
      token_path = expand_home(*v, home);
    } else if (hf_home) {
      token_path = *hf_home / "token";
    }
    std::error_code ec;
    if (token_path && std::filesystem::is_regular_file(*token_path, ec)) {
      options.token = trim(read_file(*token_path));
    }
  }

  if (auto v = non_empty(env, "HF_HUB_DOWNLOAD_TIMEOUT")) {
    long seconds = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), seconds);
    if (ec != std::errc() || end != v->data() + v->size() || seconds <= 0) {
      throw usage_error("HF_HUB_DOWNLOAD_TIMEOUT must be a positive number of seconds, not '" +
                        *v + "'");
    }
    options.timeout = std::chrono::seconds(seconds);
  }
  return options;
}

}  // namespace molt::hub
