#include "molt/arch/bert.h"

#include <string>
#include <vector>

#include "molt/arch/weight_parameters.h"
#include "molt/base/error.h"
#include "molt/layers/activation_names.h"
#include "molt/layers/embeddings.h"
#include "molt/layers/feed_forward.h"
#include "molt/layers/layer_norm.h"
#include "molt/layers/self_attention.h"
#include "molt/model/gguf_hparams.h"
#include "molt/model/gguf_tensor_names.h"
#include "molt/model/weight_map.h"

namespace molt::arch {
namespace {

struct BertLayer {
  layers::SelfAttention attention;
  layers::LayerNorm attention_norm;
  layers::FeedForward feed_forward;
  layers::LayerNorm output_norm;
};

class Bert final : public Architecture {
 public:
  Bert(const BertConfig& config, model::WeightMap weights) : config_(config) {
    const WeightParameters params(std::move(weights));
    const auto hidden = static_cast<std::size_t>(config.hidden_size);
    const auto eps = static_cast<float>(config.layer_norm_eps);
    layers::TokenEmbeddingsConfig ec;
    ec.vocab_size = static_cast<std::size_t>(config.vocab_size);
    ec.hidden = hidden;
    ec.max_positions = static_cast<std::size_t>(config.max_position_embeddings);
    ec.type_vocab_size = static_cast<std::size_t>(config.type_vocab_size);
    ec.layer_norm_eps = eps;
    embeddings_ = layers::TokenEmbeddings::load(params, "embeddings", ec);
    for (std::int64_t i = 0; i < config.num_hidden_layers; ++i) {
      const std::string p = "encoder.layer." + std::to_string(i) + ".";
      BertLayer layer;
      layer.attention = layers::SelfAttention::load(
          params,
          {p + "attention.self.query", p + "attention.self.key", p + "attention.self.value",
           p + "attention.output.dense"},
          hidden, static_cast<std::size_t>(config.num_attention_heads));
      layer.attention_norm = layers::LayerNorm::load(params, p + "attention.output.LayerNorm", hidden, eps);
      layer.feed_forward = layers::FeedForward::load(params, p + "intermediate.dense", p + "output.dense", hidden,
                                                     static_cast<std::size_t>(config.intermediate_size),
                                                     config.activation);
      layer.output_norm = layers::LayerNorm::load(params, p + "output.LayerNorm", hidden, eps);
      layers_.push_back(std::move(layer));
    }
  }

  std::string_view model_type() const override { return "bert"; }
  std::size_t hidden_size() const override { return static_cast<std::size_t>(config_.hidden_size); }
  std::size_t vocab_size() const override { return static_cast<std::size_t>(config_.vocab_size); }
  std::optional<std::size_t> max_positions() const override {
    return static_cast<std::size_t>(config_.max_position_embeddings);
  }
  std::string describe() const override {
    return std::to_string(config_.num_hidden_layers) + " layers, hidden " +
           std::to_string(config_.hidden_size) + ", " + std::to_string(config_.num_attention_heads) +
           " heads, ffn " + std::to_string(config_.intermediate_size) + ", " + config_.hidden_act;
  }

  void forward(const compute::Context& ctx, const TokenBatch& batch, tensor::Workspace& ws,
               compute::MatrixView out) const override {
    const std::size_t n = batch.n_tokens(), hidden = hidden_size();
    MOLT_CHECK(out.rows == n && out.cols == hidden);
    // The running state lives in `out`: f32 [n, hidden].
    embeddings_.forward(ctx, batch.ids, batch.offsets, out);
    const compute::MatrixView mid(ws.floats(n * hidden).data(), n, hidden);  // f32 [n, hidden]
    for (const BertLayer& layer : layers_) {
      // Post-norm: each block's residual and layer norm fused into its last product.
      layer.attention.forward(ctx, out, batch.offsets, ws, mid, &layer.attention_norm);  // mid = LN(x + attention(x))
      layer.feed_forward.forward(ctx, mid, ws, out, &layer.output_norm);                // out = LN(mid + ffn(mid))
    }
  }

  double flops(std::span<const std::uint32_t> lengths) const override {
    double macs = 0.0;
    for (const BertLayer& layer : layers_) {
      const double per_token = layer.attention.projection_macs_per_token() + layer.feed_forward.macs_per_token();
      for (const std::uint32_t len : lengths) {
        macs += per_token * len + layer.attention.attention_macs(len);
      }
    }
    return 2.0 * macs;
  }

 private:
  BertConfig config_;
  layers::TokenEmbeddings embeddings_;
  std::vector<BertLayer> layers_;
};

std::int64_t positive(const model::JsonConfig& config, const char* key, std::int64_t fallback,
                      std::int64_t minimum = 1) {
  const std::int64_t v = config.get_int(key, fallback);
  if (v < minimum || v > (std::int64_t{1} << 31)) {
    throw input_error("must be " + std::string(minimum == 0 ? "non-negative" : "positive") + ", not " +
                          std::to_string(v),
                      {.file = config.source(), .field = key});
  }
  return v;
}

}  // namespace

BertConfig parse_bert_config(const model::JsonConfig& config) {
  BertConfig c;
  c.vocab_size = positive(config, "vocab_size", c.vocab_size);
  c.hidden_size = positive(config, "hidden_size", c.hidden_size);
  c.num_hidden_layers = positive(config, "num_hidden_layers", c.num_hidden_layers, 0);
  c.num_attention_heads = positive(config, "num_attention_heads", c.num_attention_heads);
  c.intermediate_size = positive(config, "intermediate_size", c.intermediate_size);
  c.max_position_embeddings = positive(config, "max_position_embeddings", c.max_position_embeddings);
  c.type_vocab_size = positive(config, "type_vocab_size", c.type_vocab_size);
  c.layer_norm_eps = config.get_double("layer_norm_eps", c.layer_norm_eps);
  if (!(c.layer_norm_eps >= 0.0 && c.layer_norm_eps < 1.0)) {
    throw input_error("layer_norm_eps must be in [0, 1)", {.file = config.source(), .field = "layer_norm_eps"});
  }
  if (c.hidden_size % c.num_attention_heads != 0) {
    throw input_error("hidden_size " + std::to_string(c.hidden_size) + " is not a multiple of num_attention_heads " +
                          std::to_string(c.num_attention_heads),
                      {.file = config.source(), .field = "num_attention_heads"});
  }
  c.hidden_act = config.get_string("hidden_act", c.hidden_act);
  const auto act = layers::activation_from_hf_name(c.hidden_act);
  if (!act) {
    throw input_error("unsupported hidden_act '" + c.hidden_act + "' (molt computes " +
                          std::string(layers::known_hf_activations()) + ")",
                      {.file = config.source(), .field = "hidden_act"});
  }
  c.activation = *act;
  const std::string positions = config.get_string("position_embedding_type", "absolute");
  if (positions != "absolute") {
    throw input_error("unsupported position_embedding_type '" + positions + "' (molt runs absolute)",
                      {.file = config.source(), .field = "position_embedding_type"});
  }
  return c;
}

std::unique_ptr<Architecture> load_bert(const model::JsonConfig& config, const model::WeightSource& weights) {
  const BertConfig c = parse_bert_config(config);
  // BertModel saves its tensors unprefixed; BertForMaskedLM, BertForSequenceClassification
  // and the like under "bert.".
  return std::make_unique<Bert>(
      c, model::WeightMap::with_prefixes(weights, {"", "bert."}, "embeddings.word_embeddings.weight"));
}

namespace {

// BertConfig from llama.cpp's bert.* keys and the embedding tensors' shapes.
BertConfig bert_config_from_gguf(const model::GgufHparams& hp, const model::WeightSource& weights) {
  BertConfig c;
  // llama.cpp records no vocabulary size: the token embedding has one row per id.
  c.vocab_size = model::gguf_table_rows(weights, "token_embd.weight", /*required=*/true);
  c.hidden_size = hp.count("embedding_length");
  c.num_hidden_layers = hp.count("block_count", 0);
  c.num_attention_heads = hp.count("attention.head_count");
  c.intermediate_size = hp.count("feed_forward_length");
  c.max_position_embeddings = hp.count("context_length");
  c.type_vocab_size = model::gguf_table_rows(weights, "token_types.weight", /*required=*/false);
  c.layer_norm_eps = hp.find_real("attention.layer_norm_epsilon", 0.0, 0.5).value_or(c.layer_norm_eps);
  if (c.hidden_size % c.num_attention_heads != 0) {
    throw input_error("embedding_length " + std::to_string(c.hidden_size) + " is not a multiple of head_count " +
                          std::to_string(c.num_attention_heads),
                      {.file = hp.source(), .field = hp.key("attention.head_count")});
  }
  if (hp.find_flag("attention.causal").value_or(false)) {
    throw input_error("causal attention is not supported (molt runs bidirectional BERT encoders)",
                      {.file = hp.source(), .field = hp.key("attention.causal")});
  }
  // GGUF does not record the activation. BERT checkpoints use transformers' "gelu" (exact
  // erf), which is what the reference computes; llama.cpp itself uses the tanh form.
  c.hidden_act = "gelu";
  c.activation = compute::Activation::kGeluErf;
  return c;
}

}  // namespace

std::unique_ptr<Architecture> load_bert_gguf(const formats::GgufMetadata& metadata,
                                             const model::WeightSource& weights) {
  const model::GgufHparams hp(metadata, "bert", weights.source());
  const BertConfig c = bert_config_from_gguf(hp, weights);
  // llama.cpp's names for BERT tensors (convert_hf_to_gguf.py, gguf-py's tensor_mapping.py).
  model::GgufTensorNames names({
      {"embeddings.word_embeddings", "token_embd"},
      {"embeddings.position_embeddings", "position_embd"},
      {"embeddings.token_type_embeddings", "token_types"},
      {"embeddings.LayerNorm", "token_embd_norm"},
      {"encoder.layer.{}.attention.self.query", "blk.{}.attn_q"},
      {"encoder.layer.{}.attention.self.key", "blk.{}.attn_k"},
      {"encoder.layer.{}.attention.self.value", "blk.{}.attn_v"},
      {"encoder.layer.{}.attention.output.dense", "blk.{}.attn_output"},
      {"encoder.layer.{}.attention.output.LayerNorm", "blk.{}.attn_output_norm"},
      {"encoder.layer.{}.intermediate.dense", "blk.{}.ffn_up"},
      {"encoder.layer.{}.output.dense", "blk.{}.ffn_down"},
      {"encoder.layer.{}.output.LayerNorm", "blk.{}.layer_output_norm"},
  });
  return std::make_unique<Bert>(c, model::WeightMap(weights, std::move(names), "the GGUF metadata"));
}

}  // namespace molt::arch
