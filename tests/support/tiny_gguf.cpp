#include "tests/support/tiny_gguf.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "molt/tensor/dtype.h"
#include "molt/tensor/half.h"

namespace molt::test {
namespace {

constexpr std::uint32_t kF32 = 0, kF16 = 1, kQ8_0 = 8;

// Q8_0 blocks of 32 values: an f16 scale max|x|/127, then 32 int8 x/scale (ggml's quantize_row_q8_0).
std::string q8_0_bytes(const std::vector<float>& values) {
  std::string out;
  for (std::size_t b = 0; b < values.size(); b += 32) {
    float amax = 0.0f;
    for (std::size_t i = b; i < b + 32; ++i) amax = std::max(amax, std::fabs(values[i]));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    out += le16(tensor::f32_to_f16(d));
    for (std::size_t i = b; i < b + 32; ++i) out += static_cast<char>(static_cast<std::int8_t>(std::lround(values[i] * id)));
  }
  return out;
}

std::string encode(std::uint32_t type, const std::vector<float>& values) {
  if (type == kF32) return f32_bytes(values);
  if (type == kQ8_0) return q8_0_bytes(values);
  if (type == kF16) {
    std::string out;
    for (const float v : values) out += le16(tensor::f32_to_f16(v));
    return out;
  }
  const auto dtype = tensor::dtype_from_ggml(type);
  if (!dtype) return std::string(values.size() * 4, '\0');
  const auto& info = tensor::dtype_info(*dtype);
  return std::string(values.size() / static_cast<std::size_t>(info.block_size) * static_cast<std::size_t>(info.block_bytes),
                     '\x11');
}

}  // namespace

std::vector<std::string> tiny_gguf_vocabulary() {
  return {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "the", "a", "molt", "embed",
          "text", ",", ".", "##s", "##ing"};
}

std::string tiny_gguf_model(const TinyGgufSpec& spec) {
  const bool nomic = spec.architecture == "nomic-bert";
  const std::string arch = nomic ? "nomic-bert" : "bert";
  const auto omitted_key = [&](const std::string& key) {
    return std::find(spec.omit_keys.begin(), spec.omit_keys.end(), key) != spec.omit_keys.end();
  };
  GgufBuilder b;
  const auto kv_string = [&](const std::string& key, const std::string& v) {
    if (!omitted_key(key) && !spec.extra_strings.count(key)) b.kv_string(key, v);
  };
  const auto kv_u32 = [&](const std::string& key, std::uint32_t v) {
    if (!omitted_key(key) && !spec.extra_u32.count(key)) b.kv_u32(key, v);
  };
  kv_string("general.architecture", spec.general_architecture.empty() ? arch : spec.general_architecture);
  kv_string("general.name", "tiny");
  kv_u32(arch + ".block_count", static_cast<std::uint32_t>(spec.layers));
  kv_u32(arch + ".context_length", static_cast<std::uint32_t>(spec.context));
  kv_u32(arch + ".embedding_length", static_cast<std::uint32_t>(spec.hidden));
  kv_u32(arch + ".feed_forward_length", static_cast<std::uint32_t>(spec.ffn));
  kv_u32(arch + ".attention.head_count", static_cast<std::uint32_t>(spec.heads));
  if (!omitted_key(arch + ".attention.layer_norm_epsilon")) b.kv_f32(arch + ".attention.layer_norm_epsilon", 1e-12f);
  if (spec.pooling_type) kv_u32(arch + ".pooling_type", *spec.pooling_type);
  if (nomic && !omitted_key("nomic-bert.rope.freq_base")) b.kv_f32("nomic-bert.rope.freq_base", 1000.0f);
  for (const auto& [key, v] : spec.extra_u32) b.kv_u32(key, v);
  for (const auto& [key, v] : spec.extra_strings) b.kv_string(key, v);
  for (const auto& [key, v] : spec.extra_bools) b.kv_bool(key, v);

  // The vocabulary in the converter's phantom-space form: "▁word", bare "piece" for "##piece".
  std::vector<std::string> tokens;
  std::vector<std::int32_t> types;
  for (const std::string& t : tiny_gguf_vocabulary()) {
    const bool special = t.front() == '[';
    tokens.push_back(special ? t : t.starts_with("##") ? t.substr(2) : "\xe2\x96\x81" + t);
    types.push_back(special ? 3 : 1);
  }
  kv_string("tokenizer.ggml.model", "bert");
  if (!omitted_key("tokenizer.ggml.tokens")) b.kv_string_array("tokenizer.ggml.tokens", tokens);
  if (!omitted_key("tokenizer.ggml.token_type")) b.kv_i32_array("tokenizer.ggml.token_type", types);
  kv_u32("tokenizer.ggml.unknown_token_id", 1);
  kv_u32("tokenizer.ggml.seperator_token_id", 3);
  kv_u32("tokenizer.ggml.padding_token_id", 0);

  std::mt19937 rng(spec.seed);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  const auto h = static_cast<std::uint64_t>(spec.hidden), f = static_cast<std::uint64_t>(spec.ffn);
  // `ne` innermost first, as GGUF lists dimensions; `around` shifts the values (norm weights ~1).
  const auto add = [&](const std::string& name, std::vector<std::uint64_t> ne, float around = 0.0f) {
    std::uint64_t n = 1;
    for (const auto d : ne) n *= d;
    std::vector<float> values(n);
    for (float& v : values) v = around + normal(rng);
    if (std::find(spec.omit_tensors.begin(), spec.omit_tensors.end(), name) != spec.omit_tensors.end()) return;
    const auto it = spec.tensor_types.find(name);
    const std::uint32_t type = it == spec.tensor_types.end() ? kF32 : it->second;
    b.tensor(name, type, std::move(ne), encode(type, values));
  };
  const auto norm = [&](const std::string& name) {
    add(name + ".weight", {h}, 1.0f);
    add(name + ".bias", {h});
  };
  add("token_embd.weight", {h, tokens.size()});
  if (!nomic) add("position_embd.weight", {h, static_cast<std::uint64_t>(spec.context)});
  add("token_types.weight", {h, 2});
  norm("token_embd_norm");
  for (int l = 0; l < spec.layers; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    if (nomic) {
      add(p + "attn_qkv.weight", {h, 3 * h});
      add(p + "attn_output.weight", {h, h});
      norm(p + "attn_output_norm");
      add(p + "ffn_up.weight", {h, f});
      add(p + "ffn_gate.weight", {h, f});
      add(p + "ffn_down.weight", {f, h});
    } else {
      for (const char* m : {"attn_q", "attn_k", "attn_v", "attn_output"}) {
        add(p + m + ".weight", {h, h});
        add(p + m + ".bias", {h});
      }
      norm(p + "attn_output_norm");
      add(p + "ffn_up.weight", {h, f});
      add(p + "ffn_up.bias", {f});
      add(p + "ffn_down.weight", {f, h});
      add(p + "ffn_down.bias", {h});
    }
    norm(p + "layer_output_norm");
  }
  return b.build();
}

}  // namespace molt::test
