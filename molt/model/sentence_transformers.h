// What a model folder says beyond the transformer itself, read the way
// sentence-transformers 2.7 reads it:
//  - modules.json: the module pipeline. A Transformer (at "" or a sub-folder), then Pooling,
//    then any Dense and Normalize modules, in order. Other module types are refused by name.
//  - the Transformer's sentence_bert_config.json (or sentence_roberta_config.json, ... —
//    the first that exists): max_seq_length, do_lower_case.
//  - config_sentence_transformers.json: prompts {name: text} and default_prompt_name.
// A folder without modules.json is a plain transformers model: sentence-transformers then
// reads none of these files, and builds Transformer + mean Pooling (no Normalize).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "molt/model/dense_module.h"
#include "molt/model/pooling_config.h"

namespace molt::model {

// One module after the Pooling, in pipeline order.
struct HeadModule {
  enum class Kind { kDense, kNormalize };
  Kind kind = Kind::kNormalize;
  std::optional<DenseModule> dense;  // set for kDense
};

struct SentenceTransformersConfig {
  bool has_modules_json = false;
  // The transformer's folder (config.json, weights, tokenizer): the model folder itself, or
  // the sub-folder modules.json names for its Transformer module.
  std::filesystem::path transformer_folder;
  // sentence_bert_config.json's max_seq_length; nullopt when absent (the runtime then takes
  // min(position limit, tokenizer_config.json's model_max_length), as Transformer does).
  std::optional<std::int64_t> max_seq_length;
  bool do_lower_case = false;
  // nullopt without modules.json: mean pooling over the transformer's hidden size.
  std::optional<PoolingConfig> pooling;
  std::vector<HeadModule> heads;
  std::map<std::string, std::string> prompts;
  std::optional<std::string> default_prompt_name;
  // The configuration files read, relative to the model folder, for the model's identity.
  std::vector<std::string> files;

  // True when the last module is Normalize: the output is unit length.
  bool normalizes() const;
};

// One entry of modules.json, validated: a known type, a path inside the model folder.
struct ModuleEntry {
  enum class Kind { kTransformer, kPooling, kDense, kNormalize };
  Kind kind = Kind::kTransformer;
  std::string type;  // as written: "sentence_transformers.models.Pooling"
  std::string path;  // relative to the model folder; "" for the folder itself
};

// modules.json's entries, in order. Throws input_error naming the file and the entry for a
// malformed entry, an unknown type, a path leaving the folder, or a module out of place
// (not exactly one Transformer first, not exactly one Pooling before Dense/Normalize).
std::vector<ModuleEntry> parse_modules(const JsonConfig& modules_json);

// config_sentence_transformers.json's prompts and default_prompt_name. Throws input_error
// for a prompt that is not a string, or a default that names no prompt.
struct Prompts {
  std::map<std::string, std::string> prompts;
  std::optional<std::string> default_name;
};
Prompts parse_prompts(const JsonConfig& config);

// Reads every file above from `folder`. Throws input_error naming the file and field for
// malformed content, an unknown module type, a module out of place (two Transformers, a
// Dense before the Pooling, no Pooling), a default_prompt_name that names no prompt.
// `without_modules_json`: what to do when there is no modules.json — read nothing, as
// sentence-transformers does for a plain transformers folder, or still read the folder's
// sentence_bert_config.json and config_sentence_transformers.json (the folder of a .gguf
// file, whose pipeline the file itself describes).
enum class WithoutModulesJson { kReadNothing, kReadTextSettings };
SentenceTransformersConfig read_sentence_transformers_config(
    const std::filesystem::path& folder, WithoutModulesJson without_modules_json = WithoutModulesJson::kReadNothing);

// tokenizer_config.json's model_max_length (or its old name max_len) in `folder`; nullopt
// when absent, null, or larger than any real limit (transformers writes 1e30 for "none").
std::optional<std::int64_t> tokenizer_model_max_length(const std::filesystem::path& folder);

}  // namespace molt::model
