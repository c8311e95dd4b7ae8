// ModelIdentity: what a model is, for everything that must not mix two models' vectors —
// the store records it per embedding space, the cache keys on it. A name for people, and a
// hash of every byte that decides the vectors: the configuration files, the tokenizer files
// and the weights. Copying a folder keeps the identity; changing any of those bytes does not.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "molt/model/weight_source.h"

namespace molt::model {

struct ModelIdentity {
  std::string name;  // "sentence-transformers/all-MiniLM-L6-v2", or the folder's name
  std::string hash;  // 32 hex digits (XXH3-128)

  std::string to_string() const { return name + "@" + hash; }  // "name@hash"
};

// The tokenizer files a model folder may hold, by the names transformers loads them under.
std::span<const char* const> tokenizer_file_names();

// The hash of `files` (paths relative to `folder`; missing ones are skipped; the order does
// not matter) and of every weight file's bytes.
std::string model_content_hash(const std::filesystem::path& folder, std::vector<std::string> files,
                               const WeightSource& weights);

// A name for the model at `path`: "org/name" for a Hugging Face cache snapshot
// (.../models--org--name/snapshots/<commit>), otherwise the folder's (or .gguf file's) name.
std::string default_model_name(const std::filesystem::path& path);

}  // namespace molt::model
