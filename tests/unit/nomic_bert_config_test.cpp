// NomicBERT's config.json (a GPT2Config subclass) read as the reference reads it: GPT2Config's
// and NomicBertConfig's defaults, the gated width rounded up to 256, the vocabulary padded,
// transformers' attribute aliases — and every switch molt does not compute refused by name.
#include <string>

#include <gtest/gtest.h>

#include "molt/arch/nomic_bert.h"
#include "molt/base/error.h"

namespace {

using molt::arch::NomicBertConfig;
using molt::arch::parse_nomic_bert_config;
using molt::model::JsonConfig;

NomicBertConfig parse(const std::string& json) {
  return parse_nomic_bert_config(JsonConfig::parse(json, "config.json"));
}

// nomic-embed-text-v1.5's config.json, fields that matter.
const std::string kV15 = R"({"model_type": "nomic_bert", "activation_function": "swiglu", "n_embd": 768,
  "n_head": 12, "n_inner": 3072, "n_layer": 12, "n_positions": 8192, "vocab_size": 30528,
  "layer_norm_epsilon": 1e-12, "mlp_fc1_bias": false, "mlp_fc2_bias": false, "qkv_proj_bias": false,
  "prenorm": false, "rotary_emb_base": 1000, "rotary_emb_fraction": 1.0, "rotary_emb_interleaved": false,
  "rotary_emb_scale_base": null, "rotary_scaling_factor": null, "causal": false, "parallel_block": false,
  "use_rms_norm": false, "pad_vocab_size_multiple": 64, "type_vocab_size": 2, "max_trained_positions": 2048,
  "scale_attn_weights": true, "use_flash_attn": true, "fused_bias_fc": true})";

TEST(NomicBertConfig, ReadsNomicEmbedTextV15) {
  const NomicBertConfig c = parse(kV15);
  EXPECT_EQ(c.n_embd, 768);
  EXPECT_EQ(c.n_layer, 12);
  EXPECT_EQ(c.n_head, 12);
  EXPECT_EQ(c.head_dim(), 64);
  EXPECT_EQ(c.n_inner, 3072);
  EXPECT_EQ(c.n_positions, 8192);
  EXPECT_EQ(c.vocab_size, 30528);
  EXPECT_TRUE(c.gated);
  EXPECT_EQ(c.activation, molt::compute::Activation::kSilu);
  EXPECT_FALSE(c.qkv_proj_bias);
  EXPECT_FALSE(c.mlp_fc1_bias);
  EXPECT_FALSE(c.mlp_fc2_bias);
  EXPECT_EQ(c.rotary_dim, 64);
  EXPECT_EQ(c.rotary_emb_base, 1000.0);
  EXPECT_FALSE(c.rotary_emb_interleaved);
  EXPECT_EQ(c.layer_norm_epsilon, 1e-12);
}

TEST(NomicBertConfig, DefaultsRoundingAndAliasesAsTheReference) {
  // GPT2Config's defaults; gelu_new is computed as exact gelu (NomicBertMLP gets F.gelu).
  NomicBertConfig c = parse(R"({"model_type": "nomic_bert"})");
  EXPECT_EQ(c.n_embd, 768);
  EXPECT_EQ(c.n_inner, 3072);
  EXPECT_FALSE(c.gated);
  EXPECT_EQ(c.activation, molt::compute::Activation::kGeluErf);
  EXPECT_EQ(c.rotary_dim, 0);  // rotary_emb_fraction 0: a position table of n_positions rows
  EXPECT_EQ(c.n_positions, 1024);
  EXPECT_EQ(c.layer_norm_epsilon, 1e-5);
  EXPECT_TRUE(c.qkv_proj_bias);
  // Gated: n_inner (default int(8·n_embd/3)) rounded up to a multiple of 256; vocab padded.
  c = parse(R"({"activation_function": "swiglu", "n_embd": 96, "n_head": 4, "vocab_size": 100,
               "pad_vocab_size_multiple": 64, "rotary_emb_fraction": 0.5})");
  EXPECT_EQ(c.n_inner, 256);
  EXPECT_EQ(c.vocab_size, 128);
  EXPECT_EQ(c.rotary_dim, 12);
  c = parse(R"({"activation_function": "geglu", "n_inner": 300, "n_embd": 64, "n_head": 4})");
  EXPECT_EQ(c.n_inner, 512);
  EXPECT_EQ(c.activation, molt::compute::Activation::kGeluErf);
  c = parse(R"({"activation_function": "glu", "n_embd": 64, "n_head": 4})");
  EXPECT_EQ(c.activation, molt::compute::Activation::kSigmoid);
  // transformers' attribute_map aliases win, as PretrainedConfig's setattr makes them.
  c = parse(R"({"n_embd": 64, "hidden_size": 32, "n_head": 4, "num_hidden_layers": 3, "max_position_embeddings": 77})");
  EXPECT_EQ(c.n_embd, 32);
  EXPECT_EQ(c.n_layer, 3);
  EXPECT_EQ(c.n_positions, 77);
  // A rotary model without a positive n_positions gets 2048, as from_pretrained gives it.
  c = parse(R"({"n_embd": 64, "n_head": 4, "rotary_emb_fraction": 1.0, "n_positions": 0})");
  EXPECT_EQ(c.n_positions, 2048);
}

TEST(NomicBertConfig, RefusesWhatMoltDoesNotComputeByName) {
  const std::pair<std::string, std::string> cases[] = {
      {R"("prenorm": true)", "prenorm"},
      {R"("parallel_block": true)", "parallel_block"},
      {R"("use_rms_norm": true)", "use_rms_norm"},
      {R"("causal": true)", "causal"},
      {R"("rotary_emb_scale_base": 512)", "rotary_emb_scale_base"},
      {R"("rotary_scaling_factor": 2)", "rotary_scaling_factor"},
      {R"("rotary_head_dim": true)", "rotary_head_dim"},
      {R"("num_heads_kv": 2)", "num_heads_kv"},
      {R"("activation_function": "relu")", "activation_function"},
      {R"("rotary_emb_fraction": 0.3)", "rotary_emb_fraction"},
      {R"("rotary_emb_fraction": 1.5)", "rotary_emb_fraction"},
      {R"("n_head": 5)", "n_head"},
      {R"("n_embd": 0)", "n_embd"},
      {R"("layer_norm_epsilon": "small")", "layer_norm_epsilon"},
      {R"("rotary_emb_base": -1)", "rotary_emb_base"},
  };
  for (const auto& [field, key] : cases) {
    SCOPED_TRACE(field);
    try {
      (void)parse(R"({"n_embd": 64, "n_head": 4, "rotary_emb_fraction": 1.0, )" + field + "}");
      ADD_FAILURE() << "accepted";
    } catch (const molt::Error& e) {
      EXPECT_EQ(e.kind(), molt::ErrorKind::kInput);
      EXPECT_EQ(e.where().field, key) << e.message();
      EXPECT_EQ(e.where().file, "config.json");
    }
  }
  // Defaults and nulls are not switches.
  EXPECT_NO_THROW(parse(R"({"rotary_scaling_factor": null, "rotary_emb_scale_base": null, "num_heads_kv": null,
                            "prenorm": false, "causal": false})"));
}

}  // namespace
