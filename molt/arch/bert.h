// BERT (transformers' BertModel): the encoder of all-MiniLM, BGE, E5, GTE and most
// sentence-transformers models. Post-norm layers: x = LN(x + attention(x)),
// x = LN(x + down(act(up(x)))), after word + token-type + absolute-position embeddings and
// a LayerNorm. The pooler is not used (sentence-transformers pools the token states).
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

// config.json's fields, with BertConfig's defaults for absent ones.
struct BertConfig {
  std::int64_t vocab_size = 30522;
  std::int64_t hidden_size = 768;
  std::int64_t num_hidden_layers = 12;
  std::int64_t num_attention_heads = 12;
  std::int64_t intermediate_size = 3072;
  std::string hidden_act = "gelu";
  compute::Activation activation = compute::Activation::kGeluErf;
  std::int64_t max_position_embeddings = 512;
  std::int64_t type_vocab_size = 2;
  double layer_norm_eps = 1e-12;
};

// Throws input_error naming config.json and the field: a size that is not positive (layers
// may be 0), hidden_size not divisible by num_attention_heads, a hidden_act molt does not
// compute, a position_embedding_type other than "absolute".
BertConfig parse_bert_config(const model::JsonConfig& config);

// The registry's loader: parse_bert_config, then every tensor — under its BertModel name or
// with the "bert." prefix that BertFor* checkpoints add — checked against the config.
std::unique_ptr<Architecture> load_bert(const model::JsonConfig& config,
                                        const model::WeightSource& weights);

// The same model from a GGUF file of llama.cpp's "bert" architecture: bert.embedding_length,
// block_count, attention.head_count, feed_forward_length, context_length (the position
// table), attention.layer_norm_epsilon; the vocabulary and token-type sizes from the
// embedding tensors; llama.cpp's tensor names (token_embd, blk.N.attn_q, ...). GGUF does not
// record the activation: gelu (exact erf), as BERT checkpoints define it. Throws input_error
// naming the file and the key or tensor.
std::unique_ptr<Architecture> load_bert_gguf(const formats::GgufMetadata& metadata,
                                             const model::WeightSource& weights);

}  // namespace molt::arch
