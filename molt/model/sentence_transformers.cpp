#include "molt/model/sentence_transformers.h"

#include "molt/base/error.h"

namespace molt::model {
namespace fs = std::filesystem;
namespace {

// The files Transformer.load tries, in its order.
constexpr const char* kTransformerConfigs[] = {
    "sentence_bert_config.json",      "sentence_roberta_config.json",
    "sentence_distilbert_config.json", "sentence_camembert_config.json",
    "sentence_albert_config.json",    "sentence_xlm-roberta_config.json",
    "sentence_xlnet_config.json",
};

std::string relative_name(const fs::path& folder, const fs::path& file) {
  return file.lexically_relative(folder).generic_string();
}

void read_transformer_config(const fs::path& folder, const fs::path& transformer_folder,
                             SentenceTransformersConfig& out) {
  for (const char* name : kTransformerConfigs) {
    auto config = JsonConfig::read_if_exists(transformer_folder / name);
    if (!config) continue;
    out.files.push_back(relative_name(folder, transformer_folder / name));
    out.max_seq_length = config->find_int("max_seq_length");
    if (out.max_seq_length && *out.max_seq_length <= 0) {
      throw input_error("max_seq_length must be positive",
                        {.file = config->source(), .field = "max_seq_length"});
    }
    out.do_lower_case = config->get_bool("do_lower_case", false);
    if (config->has("tokenizer_name_or_path")) {
      // The tokenizer would come from somewhere else than the model folder.
      throw input_error("a tokenizer_name_or_path other than the model folder is not supported",
                        {.file = config->source(), .field = "tokenizer_name_or_path"});
    }
    return;
  }
}

}  // namespace

bool SentenceTransformersConfig::normalizes() const {
  return !heads.empty() && heads.back().kind == HeadModule::Kind::kNormalize;
}

std::vector<ModuleEntry> parse_modules(const JsonConfig& modules_json) {
  const std::string& source = modules_json.source();
  if (!modules_json.json().is_array()) {
    throw input_error("expected a JSON array of modules", {.file = source});
  }
  std::vector<ModuleEntry> out;
  bool seen_pooling = false;
  std::size_t index = 0;
  for (const nlohmann::json& entry : modules_json.json()) {
    const std::string where = "[" + std::to_string(index++) + "]";
    if (!entry.is_object() || !entry.contains("type") || !entry["type"].is_string()) {
      throw input_error("a module needs a string \"type\"", {.file = source, .field = where});
    }
    ModuleEntry m;
    m.type = entry["type"].get<std::string>();
    if (entry.contains("path") && !entry["path"].is_null()) {
      if (!entry["path"].is_string()) {
        throw input_error("a module's path must be a string", {.file = source, .field = where + ".path"});
      }
      m.path = entry["path"].get<std::string>();
    }
    const fs::path rel = fs::path(m.path).lexically_normal();
    if (rel.is_absolute() || (!rel.empty() && *rel.begin() == "..") || m.path.find('\0') != std::string::npos) {
      throw input_error("module path '" + m.path + "' leaves the model folder", {.file = source, .field = where + ".path"});
    }
    const std::string prefix = "sentence_transformers.models.";
    const std::string cls = m.type.starts_with(prefix) ? m.type.substr(prefix.size()) : std::string();
    if (cls == "Transformer") {
      m.kind = ModuleEntry::Kind::kTransformer;
    } else if (cls == "Pooling") {
      m.kind = ModuleEntry::Kind::kPooling;
    } else if (cls == "Dense") {
      m.kind = ModuleEntry::Kind::kDense;
    } else if (cls == "Normalize") {
      m.kind = ModuleEntry::Kind::kNormalize;
    } else {
      throw input_error("unsupported sentence-transformers module type '" + m.type +
                            "' (molt runs Transformer, Pooling, Dense and Normalize)",
                        {.file = source, .field = where + ".type"});
    }
    const bool first = out.empty();
    if ((m.kind == ModuleEntry::Kind::kTransformer) != first) {
      throw input_error(first ? "the first module must be the Transformer" : "a second Transformer module",
                        {.file = source, .field = where});
    }
    if (m.kind == ModuleEntry::Kind::kPooling) {
      if (seen_pooling) throw input_error("a second Pooling module", {.file = source, .field = where});
      seen_pooling = true;
    } else if (!first && !seen_pooling) {
      throw input_error("module " + m.type + " comes before the Pooling", {.file = source, .field = where});
    }
    out.push_back(std::move(m));
  }
  if (out.empty()) throw input_error("no Transformer module", {.file = source});
  if (!seen_pooling) throw input_error("no Pooling module", {.file = source});
  return out;
}

Prompts parse_prompts(const JsonConfig& config) {
  Prompts out;
  if (config.has("prompts")) {
    const nlohmann::json& prompts = config.json().at("prompts");
    if (!prompts.is_object()) {
      throw input_error("prompts must be an object of strings", {.file = config.source(), .field = "prompts"});
    }
    for (const auto& [name, text] : prompts.items()) {
      if (!text.is_string()) {
        throw input_error("a prompt must be a string", {.file = config.source(), .field = "prompts." + name});
      }
      out.prompts[name] = text.get<std::string>();
    }
  }
  out.default_name = config.find_string("default_prompt_name");
  if (out.default_name && out.prompts.count(*out.default_name) == 0) {
    // SentenceTransformer.__init__ refuses this too.
    throw input_error("default_prompt_name '" + *out.default_name + "' names no prompt",
                      {.file = config.source(), .field = "default_prompt_name"});
  }
  return out;
}

namespace {

void read_prompts(const fs::path& folder, SentenceTransformersConfig& out) {
  const fs::path prompts_path = folder / "config_sentence_transformers.json";
  if (const auto config = JsonConfig::read_if_exists(prompts_path)) {
    out.files.push_back(relative_name(folder, prompts_path));
    Prompts prompts = parse_prompts(*config);
    out.prompts = std::move(prompts.prompts);
    out.default_prompt_name = std::move(prompts.default_name);
  }
}

}  // namespace

SentenceTransformersConfig read_sentence_transformers_config(const fs::path& folder,
                                                             WithoutModulesJson without_modules_json) {
  SentenceTransformersConfig out;
  out.transformer_folder = folder;
  const auto modules = JsonConfig::read_if_exists(folder / "modules.json", /*allow_array=*/true);
  if (!modules) {
    if (without_modules_json == WithoutModulesJson::kReadTextSettings) {
      read_transformer_config(folder, folder, out);
      read_prompts(folder, out);
    }
    return out;  // a plain transformers model
  }
  out.has_modules_json = true;
  out.files.push_back("modules.json");
  for (const ModuleEntry& m : parse_modules(*modules)) {
    const fs::path dir = m.path.empty() ? folder : folder / fs::path(m.path).lexically_normal();
    switch (m.kind) {
      case ModuleEntry::Kind::kTransformer:
        out.transformer_folder = dir;
        read_transformer_config(folder, dir, out);
        break;
      case ModuleEntry::Kind::kPooling:
        out.pooling = parse_pooling_config(JsonConfig::read(dir / "config.json"));
        out.files.push_back(relative_name(folder, dir / "config.json"));
        break;
      case ModuleEntry::Kind::kDense: {
        HeadModule head;
        head.kind = HeadModule::Kind::kDense;
        head.dense = load_dense_module(dir);
        out.files.push_back(relative_name(folder, dir / "config.json"));
        out.files.push_back(relative_name(folder, dir / "model.safetensors"));
        out.heads.push_back(std::move(head));
        break;
      }
      case ModuleEntry::Kind::kNormalize:
        out.heads.push_back(HeadModule{HeadModule::Kind::kNormalize, std::nullopt});
        break;
    }
  }
  read_prompts(folder, out);
  return out;
}

std::optional<std::int64_t> tokenizer_model_max_length(const fs::path& folder) {
  const auto config = JsonConfig::read_if_exists(folder / "tokenizer_config.json");
  if (!config) return std::nullopt;
  for (const char* key : {"model_max_length", "max_len"}) {
    if (!config->has(key)) continue;
    const double v = config->get_double(key, 0.0);
    // transformers stores int(1e30) (VERY_LARGE_INTEGER) when a tokenizer has no limit.
    if (v <= 0.0 || v >= 1e15) return std::nullopt;
    return static_cast<std::int64_t>(v);
  }
  return std::nullopt;
}

}  // namespace molt::model
