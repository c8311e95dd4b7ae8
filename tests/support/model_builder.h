// Tiny BERT model folders for tests, written from a spec with seeded random weights: every
// file sentence-transformers reads, in the layouts real models use, with knobs to vary one
// thing at a time (prefix, pooling, Dense head, prompts, dtype) or break one thing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace molt::test {

struct TinyBertSpec {
  int vocab = 50;
  int hidden = 8;
  int layers = 2;
  int heads = 2;
  int ffn = 16;
  int positions = 24;
  int types = 2;
  std::string hidden_act = "gelu";
  std::string model_type = "bert";
  std::string tensor_prefix;         // "" (BertModel) or "bert." (BertFor*)
  bool legacy_layer_norm_names = false;  // LayerNorm.gamma / LayerNorm.beta
  std::string dtype = "F32";         // "F32" or "F16"
  std::uint32_t seed = 1;

  bool modules_json = true;          // false: a plain transformers folder
  std::string pooling_json = R"({"word_embedding_dimension": 8, "pooling_mode_mean_tokens": true})";
  std::optional<int> dense_out;      // a Dense module (hidden·modes → dense_out)
  std::string dense_activation = "torch.nn.modules.activation.Tanh";
  bool normalize = true;             // a Normalize module at the end
  std::optional<int> max_seq_length; // sentence_bert_config.json
  bool do_lower_case = false;
  std::string st_config_json;        // config_sentence_transformers.json; empty: none
  // vocab.txt ([PAD] [UNK] [CLS] [SEP] [MASK], then words "w6", "##w5", ...) and
  // tokenizer_config.json, with this model_max_length when set.
  std::optional<int> tokenizer_model_max_length;
  // Tensors to leave out or to give another shape (by name, prefix included).
  std::vector<std::string> omit_tensors;
  std::map<std::string, std::vector<std::int64_t>> reshape_tensors;
};

// Writes the folder (created if needed) and returns it.
std::filesystem::path write_tiny_bert(const std::filesystem::path& dir, const TinyBertSpec& spec);

// A safetensors file of F32 (or F16) tensors, name → (shape, values), in name order.
struct TensorSpec {
  std::vector<std::int64_t> shape;
  std::vector<float> values;
};
void write_safetensors(const std::filesystem::path& path, const std::map<std::string, TensorSpec>& tensors,
                       const std::string& dtype = "F32");

}  // namespace molt::test
