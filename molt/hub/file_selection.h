// Which files of a repository `molt pull` fetches: by default what a sentence-transformers
// model needs, otherwise the --include globs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace molt::hub {

// The default: configuration, tokenizer, safetensors weights (single or sharded), README,
// and the configuration and weights of the module folders modules.json names (1_Pooling,
// 2_Dense, ...). --include globs are matched as huggingface_hub matches allow_patterns
// (fnmatch: '*' also crosses '/'; a pattern ending in '/' means the folder).
// fnmatch without FNM_PATHNAME: '*', '?', "[...]"; case-sensitive.
bool glob_match(std::string_view pattern, std::string_view path);

// The module folders modules.json lists ("1_Pooling", "2_Dense"; the root module's empty
// path is left out). Throws input_error naming `source` when it is not valid modules.json.
std::vector<std::string> module_folders(std::string_view modules_json, const std::string& source);

// The default patterns for a model whose modules.json names `modules`.
std::vector<std::string> default_patterns(const std::vector<std::string>& modules);

// The files (in the order given) that match any pattern. A pattern ending in '/' matches
// everything below that folder.
std::vector<std::string> select_files(const std::vector<std::string>& files,
                                      const std::vector<std::string>& patterns);

// Weights molt reads (safetensors, GGUF) versus formats it does not (PyTorch pickles, ONNX,
// TensorFlow, Flax): lets `molt pull` say why a repository has nothing for it.
bool is_readable_weights(std::string_view path);
bool is_other_weights(std::string_view path);

}  // namespace molt::hub
