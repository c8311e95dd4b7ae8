#include "tests/support/model_builder.h"

#include <algorithm>
#include <random>

#include <nlohmann/json.hpp>

#include "molt/tensor/half.h"
#include "tests/support/format_writers.h"

namespace molt::test {
namespace fs = std::filesystem;

void write_safetensors(const fs::path& path, const std::map<std::string, TensorSpec>& tensors,
                       const std::string& dtype) {
  nlohmann::ordered_json header;
  header["__metadata__"] = {{"format", "pt"}};
  std::string data;
  for (const auto& [name, t] : tensors) {
    const std::size_t begin = data.size();
    if (dtype == "F16") {
      for (const float v : t.values) data += le16(tensor::f32_to_f16(v));
    } else {
      data += f32_bytes(t.values);
    }
    header[name] = {{"dtype", dtype}, {"shape", t.shape}, {"data_offsets", {begin, data.size()}}};
  }
  write_bytes(path, safetensors_bytes(header.dump(), data));
}

namespace {

void write_json(const fs::path& path, const nlohmann::json& j) { write_bytes(path, j.dump(2)); }

}  // namespace

fs::path write_tiny_bert(const fs::path& dir, const TinyBertSpec& spec) {
  fs::create_directories(dir);
  std::mt19937 rng(spec.seed);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  std::map<std::string, TensorSpec> tensors;
  const auto add = [&](const std::string& name, std::vector<std::int64_t> shape, float center = 0.0f) {
    std::string stored = spec.tensor_prefix + name;
    if (spec.legacy_layer_norm_names && name.find("LayerNorm.") != std::string::npos) {
      if (stored.ends_with(".weight")) stored.replace(stored.size() - 7, 7, ".gamma");
      if (stored.ends_with(".bias")) stored.replace(stored.size() - 5, 5, ".beta");
    }
    if (std::find(spec.omit_tensors.begin(), spec.omit_tensors.end(), stored) != spec.omit_tensors.end()) return;
    if (const auto it = spec.reshape_tensors.find(stored); it != spec.reshape_tensors.end()) shape = it->second;
    std::int64_t n = 1;
    for (const auto d : shape) n *= d;
    TensorSpec t{shape, std::vector<float>(static_cast<std::size_t>(n))};
    for (float& v : t.values) v = center + normal(rng);
    tensors[stored] = std::move(t);
  };
  const int h = spec.hidden;
  add("embeddings.word_embeddings.weight", {spec.vocab, h});
  add("embeddings.position_embeddings.weight", {spec.positions, h});
  add("embeddings.token_type_embeddings.weight", {spec.types, h});
  add("embeddings.LayerNorm.weight", {h}, 1.0f);
  add("embeddings.LayerNorm.bias", {h});
  for (int i = 0; i < spec.layers; ++i) {
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    for (const char* proj : {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
      add(p + proj + ".weight", {h, h});
      add(p + proj + ".bias", {h});
    }
    add(p + "attention.output.LayerNorm.weight", {h}, 1.0f);
    add(p + "attention.output.LayerNorm.bias", {h});
    add(p + "intermediate.dense.weight", {spec.ffn, h});
    add(p + "intermediate.dense.bias", {spec.ffn});
    add(p + "output.dense.weight", {h, spec.ffn});
    add(p + "output.dense.bias", {h});
    add(p + "output.LayerNorm.weight", {h}, 1.0f);
    add(p + "output.LayerNorm.bias", {h});
  }
  write_safetensors(dir / "model.safetensors", tensors, spec.dtype);

  write_json(dir / "config.json", {{"architectures", {"BertModel"}},
                                   {"model_type", spec.model_type},
                                   {"vocab_size", spec.vocab},
                                   {"hidden_size", h},
                                   {"num_hidden_layers", spec.layers},
                                   {"num_attention_heads", spec.heads},
                                   {"intermediate_size", spec.ffn},
                                   {"hidden_act", spec.hidden_act},
                                   {"max_position_embeddings", spec.positions},
                                   {"type_vocab_size", spec.types},
                                   {"layer_norm_eps", 1e-12},
                                   {"position_embedding_type", "absolute"}});
  // A WordPiece vocabulary of `vocab` entries: the specials at BERT's usual places among the
  // first ids, then words.
  std::string vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n";
  for (int i = 5; i < spec.vocab; ++i) vocab += (i % 2 == 0 ? "w" : "##w") + std::to_string(i) + "\n";
  write_bytes(dir / "vocab.txt", vocab);
  nlohmann::json tokenizer_config = {{"do_lower_case", true}, {"tokenizer_class", "BertTokenizer"}};
  if (spec.tokenizer_model_max_length) tokenizer_config["model_max_length"] = *spec.tokenizer_model_max_length;
  write_json(dir / "tokenizer_config.json", tokenizer_config);
  if (!spec.modules_json) return dir;

  nlohmann::json modules = nlohmann::json::array();
  modules.push_back({{"idx", 0}, {"name", "0"}, {"path", ""}, {"type", "sentence_transformers.models.Transformer"}});
  modules.push_back({{"idx", 1}, {"name", "1"}, {"path", "1_Pooling"}, {"type", "sentence_transformers.models.Pooling"}});
  fs::create_directories(dir / "1_Pooling");
  write_bytes(dir / "1_Pooling" / "config.json", spec.pooling_json);
  if (spec.dense_out) {
    const nlohmann::json pooling = nlohmann::json::parse(spec.pooling_json);
    const int in = pooling.value("word_embedding_dimension", h);
    int modes = 0;
    for (auto it = pooling.begin(); it != pooling.end(); ++it) {
      if (it.key().starts_with("pooling_mode_") && it->is_boolean() && it->get<bool>()) ++modes;
    }
    const int dense_in = in * std::max(modes, 1);
    modules.push_back({{"idx", 2}, {"name", "2"}, {"path", "2_Dense"}, {"type", "sentence_transformers.models.Dense"}});
    fs::create_directories(dir / "2_Dense");
    write_json(dir / "2_Dense" / "config.json", {{"in_features", dense_in},
                                                 {"out_features", *spec.dense_out},
                                                 {"bias", true},
                                                 {"activation_function", spec.dense_activation}});
    std::map<std::string, TensorSpec> dense;
    TensorSpec w{{*spec.dense_out, dense_in}, std::vector<float>(static_cast<std::size_t>(*spec.dense_out * dense_in))};
    TensorSpec b{{*spec.dense_out}, std::vector<float>(static_cast<std::size_t>(*spec.dense_out))};
    for (float& v : w.values) v = normal(rng);
    for (float& v : b.values) v = normal(rng);
    dense["linear.weight"] = std::move(w);
    dense["linear.bias"] = std::move(b);
    write_safetensors(dir / "2_Dense" / "model.safetensors", dense);
  }
  if (spec.normalize) {
    modules.push_back({{"idx", static_cast<int>(modules.size())},
                       {"name", std::to_string(modules.size())},
                       {"path", std::to_string(modules.size()) + "_Normalize"},
                       {"type", "sentence_transformers.models.Normalize"}});
  }
  write_json(dir / "modules.json", modules);
  nlohmann::json sbert = {{"do_lower_case", spec.do_lower_case}};
  if (spec.max_seq_length) sbert["max_seq_length"] = *spec.max_seq_length;
  write_json(dir / "sentence_bert_config.json", sbert);
  if (!spec.st_config_json.empty()) write_bytes(dir / "config_sentence_transformers.json", spec.st_config_json);
  return dir;
}

}  // namespace molt::test
