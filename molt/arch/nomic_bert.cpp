#include "molt/arch/nomic_bert.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <variant>
#include <vector>

#include "molt/arch/weight_parameters.h"
#include "molt/base/error.h"
#include "molt/layers/embeddings.h"
#include "molt/layers/feed_forward.h"
#include "molt/layers/gated_feed_forward.h"
#include "molt/layers/layer_norm.h"
#include "molt/layers/rotary_embedding.h"
#include "molt/layers/self_attention.h"
#include "molt/model/gguf_hparams.h"
#include "molt/model/gguf_tensor_names.h"
#include "molt/model/weight_map.h"

namespace molt::arch {
namespace {

struct NomicBertLayer {
  layers::SelfAttention attention;
  layers::LayerNorm norm1;
  std::variant<layers::FeedForward, layers::GatedFeedForward> mlp;
  layers::LayerNorm norm2;
};

class NomicBert final : public Architecture {
 public:
  NomicBert(const NomicBertConfig& config, model::WeightMap weights) : config_(config) {
    const WeightParameters params(std::move(weights));
    const auto hidden = static_cast<std::size_t>(config.n_embd);
    const auto heads = static_cast<std::size_t>(config.n_head);
    const auto inner = static_cast<std::size_t>(config.n_inner);
    const auto eps = static_cast<float>(config.layer_norm_epsilon);
    layers::TokenEmbeddingsConfig ec;
    ec.vocab_size = static_cast<std::size_t>(config.vocab_size);
    ec.hidden = hidden;
    // NomicBertEmbeddings has a position table only without rotary embeddings.
    ec.max_positions = config.rotary_dim > 0 ? 0 : static_cast<std::size_t>(config.n_positions);
    ec.type_vocab_size = static_cast<std::size_t>(config.type_vocab_size);
    ec.layer_norm_eps = eps;
    embeddings_ = layers::TokenEmbeddings::load(params, "embeddings", ec, "emb_ln");
    if (config.rotary_dim > 0) {
      rotary_ = layers::RotaryEmbedding({.head_dim = static_cast<std::size_t>(config.head_dim()),
                                         .rotary_dim = static_cast<std::size_t>(config.rotary_dim),
                                         .base = config.rotary_emb_base,
                                         .interleaved = config.rotary_emb_interleaved});
    }
    for (std::int64_t i = 0; i < config.n_layer; ++i) {
      const std::string p = "encoder.layers." + std::to_string(i) + ".";
      NomicBertLayer layer;
      layer.attention = layers::SelfAttention::load_fused(params, p + "attn.Wqkv", p + "attn.out_proj", hidden,
                                                          heads, config.qkv_proj_bias);
      layer.norm1 = layers::LayerNorm::load(params, p + "norm1", hidden, eps);
      if (config.gated) {
        layer.mlp = layers::GatedFeedForward::load(params, {p + "mlp.fc11", p + "mlp.fc12", p + "mlp.fc2"}, hidden,
                                                   inner, config.activation, config.mlp_fc1_bias,
                                                   config.mlp_fc2_bias);
      } else {
        layer.mlp = layers::FeedForward::load(params, p + "mlp.fc1", p + "mlp.fc2", hidden, inner, config.activation,
                                              config.mlp_fc1_bias, config.mlp_fc2_bias);
      }
      layer.norm2 = layers::LayerNorm::load(params, p + "norm2", hidden, eps);
      layers_.push_back(std::move(layer));
    }
  }

  std::string_view model_type() const override { return "nomic_bert"; }
  std::size_t hidden_size() const override { return static_cast<std::size_t>(config_.n_embd); }
  std::size_t vocab_size() const override { return static_cast<std::size_t>(config_.vocab_size); }
  std::optional<std::size_t> max_positions() const override {
    if (config_.rotary_dim > 0) return std::nullopt;  // rotary: any length
    return static_cast<std::size_t>(config_.n_positions);
  }
  std::optional<std::size_t> context_length() const override {
    return static_cast<std::size_t>(config_.n_positions);
  }
  std::string describe() const override {
    std::string out = std::to_string(config_.n_layer) + " layers, hidden " + std::to_string(config_.n_embd) + ", " +
                      std::to_string(config_.n_head) + " heads, " + config_.activation_function + " ffn " +
                      std::to_string(config_.n_inner);
    if (config_.rotary_dim > 0) {
      out += ", rotary " + std::to_string(config_.rotary_dim) + "/" + std::to_string(config_.head_dim()) +
             " base " + format_base(config_.rotary_emb_base) + (config_.rotary_emb_interleaved ? " interleaved" : "");
    } else {
      out += ", absolute positions";
    }
    return out;
  }

  void forward(const compute::Context& ctx, const TokenBatch& batch, tensor::Workspace& ws,
               compute::MatrixView out) const override {
    const std::size_t n = batch.n_tokens(), hidden = hidden_size();
    MOLT_CHECK(out.rows == n && out.cols == hidden);
    // The running state lives in `out`: f32 [n, hidden].
    embeddings_.forward(ctx, batch.ids, batch.offsets, out);
    std::optional<compute::RotaryTable> table;
    if (rotary_) {
      std::size_t longest = 0;
      for (std::size_t s = 0; s < batch.n_seqs(); ++s) {
        longest = std::max<std::size_t>(longest, batch.offsets[s + 1] - batch.offsets[s]);
      }
      table = rotary_->table(longest, ws);  // the same angles for every layer
    }
    const compute::MatrixView mid(ws.floats(n * hidden).data(), n, hidden);  // f32 [n, hidden]
    for (const NomicBertLayer& layer : layers_) {
      layer.attention.forward(ctx, out, batch.offsets, ws, mid, nullptr, table ? &*table : nullptr);
      layer.norm1.forward(ctx, mid, out);  // mid = LN(attention + x)
      std::visit([&](const auto& mlp) { mlp.forward(ctx, mid, ws, out); }, layer.mlp);
      layer.norm2.forward(ctx, out, mid);  // out = LN(mlp + mid)
    }
  }

  double flops(std::span<const std::uint32_t> lengths) const override {
    double macs = 0.0;
    for (const NomicBertLayer& layer : layers_) {
      const double mlp = std::visit([](const auto& m) { return m.macs_per_token(); }, layer.mlp);
      const double per_token = layer.attention.projection_macs_per_token() + mlp;
      for (const std::uint32_t len : lengths) macs += per_token * len + layer.attention.attention_macs(len);
    }
    return 2.0 * macs;
  }

 private:
  static std::string format_base(double base) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", base);
    return text;
  }

  NomicBertConfig config_;
  layers::TokenEmbeddings embeddings_;
  std::optional<layers::RotaryEmbedding> rotary_;
  std::vector<NomicBertLayer> layers_;
};

constexpr std::int64_t kMaxSize = std::int64_t{1} << 31;

std::int64_t sized(const model::JsonConfig& config, const char* key, std::int64_t value, std::int64_t minimum) {
  if (value < minimum || value > kMaxSize) {
    throw input_error("must be " + std::string(minimum == 0 ? "non-negative" : "positive") + ", not " +
                          std::to_string(value),
                      {.file = config.source(), .field = key});
  }
  return value;
}

// GPT2Config's attribute_map: a transformers-style alias ("hidden_size" for "n_embd"), when
// present, is what the configuration ends up holding.
std::int64_t int_field(const model::JsonConfig& config, const char* key, const char* alias, std::int64_t fallback,
                       std::int64_t minimum = 1) {
  if (alias != nullptr && config.has(alias)) return sized(config, alias, config.require_int(alias), minimum);
  return sized(config, key, config.get_int(key, fallback), minimum);
}

void refuse_if(const model::JsonConfig& config, bool condition, const char* key, const std::string& what) {
  if (condition) throw input_error(what + " is not supported", {.file = config.source(), .field = key});
}

// The activation of the feed-forward and whether it is gated, as NomicBertBlock chooses it.
void read_activation(const model::JsonConfig& config, NomicBertConfig& c) {
  using compute::Activation;
  const std::string& name = c.activation_function;
  if (name == "swiglu" || name == "geglu" || name == "glu") {
    c.gated = true;
    c.activation = name == "swiglu" ? Activation::kSilu : name == "geglu" ? Activation::kGeluErf : Activation::kSigmoid;
  } else if (name == "gelu" || name == "gelu_new" || name == "gelu_fast" || name == "gelu_pytorch_tanh") {
    c.gated = false;
    c.activation = Activation::kGeluErf;
  } else {
    throw input_error("unsupported activation_function '" + name +
                          "' (nomic_bert defines gelu, gelu_new, gelu_fast, gelu_pytorch_tanh, swiglu, geglu, glu)",
                      {.file = config.source(), .field = "activation_function"});
  }
}

// The gated MLP's width: n_inner (default int(8·n_embd/3)) rounded up to a multiple of 256.
std::int64_t gated_width(std::int64_t n_inner) { return (n_inner + 255) / 256 * 256; }

}  // namespace

NomicBertConfig parse_nomic_bert_config(const model::JsonConfig& config) {
  NomicBertConfig c;
  c.n_embd = int_field(config, "n_embd", "hidden_size", c.n_embd);
  c.n_layer = int_field(config, "n_layer", "num_hidden_layers", c.n_layer, 0);
  c.n_head = int_field(config, "n_head", "num_attention_heads", c.n_head);
  if (c.n_embd % c.n_head != 0) {
    throw input_error("n_embd " + std::to_string(c.n_embd) + " is not a multiple of n_head " + std::to_string(c.n_head),
                      {.file = config.source(), .field = "n_head"});
  }
  const std::int64_t multiple = int_field(config, "pad_vocab_size_multiple", nullptr, 1);
  c.vocab_size = int_field(config, "vocab_size", nullptr, c.vocab_size);
  c.vocab_size = sized(config, "vocab_size", (c.vocab_size + multiple - 1) / multiple * multiple, 1);
  c.type_vocab_size = int_field(config, "type_vocab_size", nullptr, c.type_vocab_size, 0);
  c.layer_norm_epsilon = config.get_double("layer_norm_epsilon", c.layer_norm_epsilon);
  if (!(c.layer_norm_epsilon >= 0.0 && c.layer_norm_epsilon < 1.0)) {
    throw input_error("layer_norm_epsilon must be in [0, 1)", {.file = config.source(), .field = "layer_norm_epsilon"});
  }
  c.activation_function = config.get_string("activation_function", c.activation_function);
  read_activation(config, c);
  if (config.has("n_inner")) {
    c.n_inner = int_field(config, "n_inner", nullptr, 0);
  } else {
    c.n_inner = c.gated ? 8 * c.n_embd / 3 : 4 * c.n_embd;
  }
  if (c.gated) c.n_inner = sized(config, "n_inner", gated_width(c.n_inner), 1);
  c.qkv_proj_bias = config.get_bool("qkv_proj_bias", c.qkv_proj_bias);
  c.mlp_fc1_bias = config.get_bool("mlp_fc1_bias", c.mlp_fc1_bias);
  c.mlp_fc2_bias = config.get_bool("mlp_fc2_bias", c.mlp_fc2_bias);

  c.rotary_emb_fraction = config.get_double("rotary_emb_fraction", c.rotary_emb_fraction);
  if (!(c.rotary_emb_fraction >= 0.0 && c.rotary_emb_fraction <= 1.0)) {
    throw input_error("rotary_emb_fraction must be in [0, 1]", {.file = config.source(), .field = "rotary_emb_fraction"});
  }
  const double rotary = static_cast<double>(c.head_dim()) * c.rotary_emb_fraction;
  c.rotary_dim = static_cast<std::int64_t>(rotary);
  if (static_cast<double>(c.rotary_dim) != rotary || c.rotary_dim % 2 != 0) {
    throw input_error("rotary_emb_fraction " + std::to_string(c.rotary_emb_fraction) + " of the head size " +
                          std::to_string(c.head_dim()) + " is not an even number of dimensions",
                      {.file = config.source(), .field = "rotary_emb_fraction"});
  }
  c.rotary_emb_base = config.get_double("rotary_emb_base", c.rotary_emb_base);
  if (!(c.rotary_emb_base > 0.0 && std::isfinite(c.rotary_emb_base))) {
    throw input_error("rotary_emb_base must be positive", {.file = config.source(), .field = "rotary_emb_base"});
  }
  c.rotary_emb_interleaved = config.get_bool("rotary_emb_interleaved", c.rotary_emb_interleaved);
  // NomicBertPreTrainedModel.from_pretrained gives a rotary model without a positive
  // n_positions 2048.
  const char* positions_key = config.has("max_position_embeddings") ? "max_position_embeddings" : "n_positions";
  std::int64_t positions = config.get_int(positions_key, c.n_positions);
  if (positions <= 0 && c.rotary_dim > 0) positions = 2048;
  c.n_positions = sized(config, positions_key, positions, 1);

  // Switches of the reference that change the computation and that molt does not implement.
  refuse_if(config, config.get_bool("prenorm", false), "prenorm",
            "prenorm (pre-LayerNorm blocks; molt runs nomic-bert's post-norm blocks)");
  refuse_if(config, config.get_bool("parallel_block", false), "parallel_block", "parallel_block");
  refuse_if(config, config.get_bool("use_rms_norm", false), "use_rms_norm", "use_rms_norm (RMSNorm)");
  refuse_if(config, config.get_bool("causal", false), "causal",
            "causal (left-to-right) attention; molt runs bidirectional encoders");
  refuse_if(config, config.has("rotary_emb_scale_base"), "rotary_emb_scale_base", "rotary_emb_scale_base (xPos)");
  refuse_if(config, config.get_double("rotary_scaling_factor", 0.0) != 0.0, "rotary_scaling_factor",
            "rotary_scaling_factor (dynamic NTK rotary scaling)");
  refuse_if(config, config.get_bool("rotary_head_dim", false), "rotary_head_dim", "rotary_head_dim");
  refuse_if(config, config.has("num_heads_kv") && config.get_int("num_heads_kv", c.n_head) != c.n_head,
            "num_heads_kv", "num_heads_kv other than n_head (grouped-query attention)");
  return c;
}

std::unique_ptr<Architecture> load_nomic_bert(const model::JsonConfig& config, const model::WeightSource& weights) {
  const NomicBertConfig c = parse_nomic_bert_config(config);
  // NomicBertModel saves its tensors unprefixed; NomicBertForPreTraining under "bert.".
  return std::make_unique<NomicBert>(
      c, model::WeightMap::with_prefixes(weights, {"", "bert."}, "embeddings.word_embeddings.weight"));
}

std::unique_ptr<Architecture> load_nomic_bert_gguf(const formats::GgufMetadata& metadata,
                                                   const model::WeightSource& weights) {
  const model::GgufHparams hp(metadata, "nomic-bert", weights.source());
  NomicBertConfig c;
  c.vocab_size = model::gguf_table_rows(weights, "token_embd.weight", /*required=*/true);
  c.n_embd = hp.count("embedding_length");
  c.n_layer = hp.count("block_count", 0);
  c.n_head = hp.count("attention.head_count");
  if (c.n_embd % c.n_head != 0) {
    throw input_error("embedding_length " + std::to_string(c.n_embd) + " is not a multiple of head_count " +
                          std::to_string(c.n_head),
                      {.file = hp.source(), .field = hp.key("attention.head_count")});
  }
  if (const auto kv = hp.find_count("attention.head_count_kv"); kv && *kv != c.n_head) {
    throw input_error("head_count_kv other than head_count (grouped-query attention) is not supported",
                      {.file = hp.source(), .field = hp.key("attention.head_count_kv")});
  }
  c.n_inner = hp.count("feed_forward_length");
  c.n_positions = hp.count("context_length");
  c.type_vocab_size = model::gguf_table_rows(weights, "token_types.weight", /*required=*/false);
  const auto eps = hp.find_real("attention.layer_norm_epsilon", 0.0, 0.5);
  if (!eps) throw input_error("missing metadata key", {.file = hp.source(), .field = hp.key("attention.layer_norm_epsilon")});
  c.layer_norm_epsilon = *eps;
  if (hp.find_flag("attention.causal").value_or(false)) {
    throw input_error("causal attention is not supported (molt runs bidirectional encoders)",
                      {.file = hp.source(), .field = hp.key("attention.causal")});
  }
  // llama.cpp builds nomic-bert's feed-forward as SwiGLU (ffn_up · silu(ffn_gate)).
  c.activation_function = "swiglu";
  c.gated = true;
  c.activation = compute::Activation::kSilu;
  // Biases where the converter wrote them (nomic-embed-text has none).
  c.qkv_proj_bias = weights.find("blk.0.attn_qkv.bias").has_value();
  c.mlp_fc1_bias = weights.find("blk.0.ffn_up.bias").has_value();
  c.mlp_fc2_bias = weights.find("blk.0.ffn_down.bias").has_value();
  // Rotary embeddings over rope.dimension_count values of each head (llama.cpp's default: all),
  // pairs (i, i + d/2) as llama.cpp's NEOX rope.
  c.rotary_dim = hp.find_count("rope.dimension_count").value_or(c.head_dim());
  if (c.rotary_dim > c.head_dim() || c.rotary_dim % 2 != 0) {
    throw input_error("rope.dimension_count " + std::to_string(c.rotary_dim) +
                          " must be even and at most the head size " + std::to_string(c.head_dim()),
                      {.file = hp.source(), .field = hp.key("rope.dimension_count")});
  }
  c.rotary_emb_fraction = static_cast<double>(c.rotary_dim) / static_cast<double>(c.head_dim());
  c.rotary_emb_base = hp.find_real("rope.freq_base", 1e-6, 1e30).value_or(10000.0);
  c.rotary_emb_interleaved = false;
  if (const auto type = hp.find_text("rope.scaling.type"); type && *type != "none") {
    throw input_error("rope scaling '" + *type + "' is not supported",
                      {.file = hp.source(), .field = hp.key("rope.scaling.type")});
  }
  if (const auto factor = hp.find_real("rope.scaling.factor", 0.0, 1e30); factor && *factor != 0.0 && *factor != 1.0) {
    throw input_error("rope scaling is not supported", {.file = hp.source(), .field = hp.key("rope.scaling.factor")});
  }
  // llama.cpp's names for nomic-bert tensors (convert_hf_to_gguf.py: fc11 → ffn_up, fc12 → ffn_gate).
  model::GgufTensorNames names({
      {"embeddings.word_embeddings", "token_embd"},
      {"embeddings.token_type_embeddings", "token_types"},
      {"embeddings.position_embeddings", "position_embd"},
      {"emb_ln", "token_embd_norm"},
      {"encoder.layers.{}.attn.Wqkv", "blk.{}.attn_qkv"},
      {"encoder.layers.{}.attn.out_proj", "blk.{}.attn_output"},
      {"encoder.layers.{}.mlp.fc11", "blk.{}.ffn_up"},
      {"encoder.layers.{}.mlp.fc12", "blk.{}.ffn_gate"},
      {"encoder.layers.{}.mlp.fc2", "blk.{}.ffn_down"},
      {"encoder.layers.{}.norm1", "blk.{}.attn_output_norm"},
      {"encoder.layers.{}.norm2", "blk.{}.layer_output_norm"},
  });
  return std::make_unique<NomicBert>(c, model::WeightMap(weights, std::move(names), "the GGUF metadata"));
}

}  // namespace molt::arch
