// NomicBERT (nomic-ai's NomicBertModel, model_type "nomic_bert": nomic-embed-text-v1 and
// v1.5): a BERT encoder with a fused qkv projection, rotary position embeddings instead of a
// position table, a gated feed-forward (SwiGLU: fc2(fc11(x) · silu(fc12(x)))), optional
// biases and post-norm blocks: x = LN(x + attention(x)), x = LN(x + mlp(x)), after word +
// token-type embeddings and emb_ln. Every switch is read from config.json (NomicBertConfig, a
// GPT2Config); those molt does not compute are refused by name.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "molt/arch/architecture.h"
#include "molt/compute/activation.h"
#include "molt/formats/gguf_metadata.h"
#include "molt/model/json_config.h"
#include "molt/model/weight_source.h"

namespace molt::arch {

// config.json's fields with NomicBertConfig's (and GPT2Config's) defaults for absent ones.
struct NomicBertConfig {
  std::int64_t vocab_size = 50257;  // rounded up to pad_vocab_size_multiple, as NomicBertModel does
  std::int64_t n_embd = 768;
  std::int64_t n_layer = 12;
  std::int64_t n_head = 12;
  // The feed-forward width in use: n_inner (default 4·n_embd; gated: 8·n_embd/3), for gated
  // units rounded up to a multiple of 256 as NomciBertGatedMLP does.
  std::int64_t n_inner = 3072;
  std::int64_t n_positions = 1024;  // the declared context (the position table when not rotary)
  std::int64_t type_vocab_size = 2;
  double layer_norm_epsilon = 1e-5;
  std::string activation_function = "gelu_new";
  bool gated = false;  // swiglu, geglu, glu
  // swiglu: silu; geglu: gelu; glu: sigmoid. Ungated: gelu (exact erf) whatever the name, as
  // the reference's NomicBertMLP receives F.gelu for every gelu variant.
  compute::Activation activation = compute::Activation::kGeluErf;
  bool qkv_proj_bias = true;  // Wqkv and out_proj
  bool mlp_fc1_bias = true;   // fc1, or fc11 and fc12
  bool mlp_fc2_bias = true;
  double rotary_emb_fraction = 0.0;  // 0: an absolute position table instead
  std::int64_t rotary_dim = 0;       // head_dim · rotary_emb_fraction
  double rotary_emb_base = 10000.0;
  bool rotary_emb_interleaved = false;

  std::int64_t head_dim() const { return n_embd / n_head; }
};

// Throws input_error naming config.json and the field for: a size that is not positive (layers
// may be 0); n_embd not divisible by n_head; an activation_function other than gelu,
// gelu_new, gelu_fast, gelu_pytorch_tanh, swiglu, geglu, glu; a rotary fraction outside
// [0, 1] or giving an odd or fractional rotary width; and for what molt does not compute:
// prenorm, parallel_block, use_rms_norm, causal, rotary_emb_scale_base (xPos),
// rotary_scaling_factor (dynamic NTK), rotary_head_dim, num_heads_kv other than n_head.
NomicBertConfig parse_nomic_bert_config(const model::JsonConfig& config);

// The registry's loader: parse_nomic_bert_config, then every tensor — NomicBertModel's names
// ("encoder.layers.0.attn.Wqkv.weight"), or with the "bert." prefix of
// NomicBertForPreTraining — checked against the config.
std::unique_ptr<Architecture> load_nomic_bert(const model::JsonConfig& config, const model::WeightSource& weights);

// The same model from a GGUF file of llama.cpp's "nomic-bert" architecture:
// nomic-bert.embedding_length, block_count, attention.head_count, feed_forward_length,
// context_length, attention.layer_norm_epsilon, rope.freq_base (default 10000), rope.dimension_count
// (default the head size); biases where the file has them; the vocabulary and token-type sizes
// from the embedding tensors; llama.cpp's tensor names (token_embd, blk.N.attn_qkv,
// blk.N.ffn_up = fc11, blk.N.ffn_gate = fc12, ...). Rotary pairs are (i, i + d/2), as
// llama.cpp's NEOX rope for nomic-bert. Causal attention and rope scaling are refused by key.
std::unique_ptr<Architecture> load_nomic_bert_gguf(const formats::GgufMetadata& metadata,
                                                   const model::WeightSource& weights);

}  // namespace molt::arch
