// GGUF models on tiny files written by tests/support/tiny_gguf.h: llama.cpp's tensor names
// mapped onto the architectures' canonical ones, the "bert" and "nomic-bert" files loaded and
// run (F32, F16 and Q8_0 tensors), molt's defaults where a file is silent and the
// sentence-transformers files beside it that fill the gaps, and every refusal named by file
// and key or tensor.
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/model/gguf_tensor_names.h"
#include "molt/runtime/encoder.h"
#include "tests/support/error_of.h"
#include "tests/support/format_writers.h"
#include "tests/support/test_env.h"
#include "tests/support/tiny_gguf.h"

namespace {

namespace fs = std::filesystem;
using molt::runtime::EmbedOptions;
using molt::runtime::Embeddings;
using molt::runtime::Encoder;
using molt::test::TinyGgufSpec;

const std::vector<std::string> kTexts = {"hello world", "the molt embed text.", "", "a hellos"};

fs::path write_model(const molt::test::TempDir& tmp, const TinyGgufSpec& spec, const std::string& name = "m.gguf") {
  const fs::path path = tmp / name;
  molt::test::write_bytes(path, molt::test::tiny_gguf_model(spec));
  return path;
}

using molt::test::error_of;

// An input error whose message holds every one of `parts`.
template <class F>
void expect_input_error(F&& fn, std::initializer_list<std::string> parts) {
  const molt::Error e = error_of(std::forward<F>(fn));
  EXPECT_EQ(e.kind(), molt::ErrorKind::kInput) << e.message();
  for (const std::string& part : parts) EXPECT_NE(e.message().find(part), std::string::npos) << e.message();
}

double cosine(std::span<const float> a, std::span<const float> b) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return dot / std::sqrt(na * nb);
}

TEST(GgufTensorNames, MapsModulesAndLayerNumbersAndKeepsTheParameter) {
  const molt::model::GgufTensorNames names({
      {"embeddings.word_embeddings", "token_embd"},
      {"encoder.layer.{}.attention.self.query", "blk.{}.attn_q"},
      {"encoder.layer.{}.output.dense", "blk.{}.ffn_down"},
  });
  EXPECT_EQ(names("embeddings.word_embeddings.weight"), "token_embd.weight");
  EXPECT_EQ(names("encoder.layer.0.attention.self.query.bias"), "blk.0.attn_q.bias");
  EXPECT_EQ(names("encoder.layer.117.output.dense.weight"), "blk.117.ffn_down.weight");
  // Not a layer number, or no pattern at all: unchanged (and then reported missing).
  EXPECT_EQ(names("encoder.layer.x.output.dense.weight"), "encoder.layer.x.output.dense.weight");
  EXPECT_EQ(names("encoder.layer..output.dense.weight"), "encoder.layer..output.dense.weight");
  EXPECT_EQ(names("pooler.dense.weight"), "pooler.dense.weight");
}

TEST(GgufModel, BertFileLoadsWithMoltsDefaults) {
  molt::test::TempDir tmp;
  const Encoder encoder = Encoder::load(write_model(tmp, {}));
  const auto& info = encoder.info();
  EXPECT_EQ(info.format, "gguf");
  EXPECT_EQ(info.architecture, "bert");
  EXPECT_EQ(info.dim, 32u);
  EXPECT_EQ(info.max_seq_length, 16u);  // bert.context_length
  EXPECT_TRUE(info.normalizes);
  EXPECT_FALSE(info.do_lower_case);
  EXPECT_FALSE(info.sentence_transformers);
  EXPECT_EQ(info.pooling, "mean -> Normalize");
  EXPECT_EQ(info.identity.name, "m");
  EXPECT_EQ(info.identity.hash.size(), 32u);
  // [CLS] found in the vocabulary (the converter writes no CLS id); the vocabulary is uncased.
  EXPECT_EQ(encoder.tokenize("Hello, World!").ids, (std::vector<std::int32_t>{2, 5, 12, 6, 1, 3}));
  const Embeddings e = encoder.embed(kTexts);
  for (std::size_t i = 0; i < e.n; ++i) {
    double norm = 0;
    for (const float v : e.row(i)) norm += static_cast<double>(v) * v;
    EXPECT_NEAR(norm, 1.0, 1e-5) << i;
  }
  EXPECT_LT(cosine(e.row(0), e.row(1)), 0.9999);
}

TEST(GgufModel, NomicBertFileRunsRotaryAndSwiGlu) {
  molt::test::TempDir tmp;
  TinyGgufSpec spec;
  spec.architecture = "nomic-bert";
  spec.layers = 2;
  const Encoder encoder = Encoder::load(write_model(tmp, spec));
  const auto& info = encoder.info();
  EXPECT_EQ(info.architecture, "nomic_bert");
  EXPECT_EQ(info.pooling, "mean -> Normalize");
  EXPECT_EQ(info.matryoshka_pre_step, molt::model::MatryoshkaPreStep::kLayerNorm);
  EXPECT_NE(info.architecture_details.find("swiglu ffn 64, rotary 16/16 base 1000"), std::string::npos)
      << info.architecture_details;
  EXPECT_EQ(info.max_seq_length, 16u);
  const Embeddings e = encoder.embed(kTexts);
  ASSERT_EQ(e.dim, 32u);
  for (const float v : e.values) EXPECT_TRUE(std::isfinite(v));
  // Rotary embeddings make the order of the words matter.
  const Embeddings swapped = encoder.embed(std::vector<std::string>{"world hello"});
  EXPECT_LT(cosine(e.row(0), swapped.row(0)), 0.9999);
  // Matryoshka through the architecture's pre-step: unit length at any dim.
  EmbedOptions eo;
  eo.dim = 8;
  const Embeddings small = encoder.embed(kTexts, eo);
  double norm = 0;
  for (const float v : small.row(0)) norm += static_cast<double>(v) * v;
  EXPECT_NEAR(norm, 1.0, 1e-5);
}

TEST(GgufModel, HalfAndQ8_0TensorsGiveNearlyTheF32Vectors) {
  molt::test::TempDir tmp;
  for (const std::string arch : {"bert", "nomic-bert"}) {
    SCOPED_TRACE(arch);
    TinyGgufSpec spec;
    spec.architecture = arch;
    const Embeddings want = Encoder::load(write_model(tmp, spec, arch + "-f32.gguf")).embed(kTexts);
    for (const std::uint32_t type : {1u, 8u}) {  // F16, Q8_0
      TinyGgufSpec q = spec;
      const std::string p = "blk.0.";
      for (const std::string name : {"token_embd.weight", "blk.0.ffn_up.weight", "blk.0.ffn_down.weight",
                                     arch == "bert" ? "blk.0.attn_q.weight" : "blk.0.attn_qkv.weight"}) {
        q.tensor_types[name] = type;
      }
      const Embeddings got =
          Encoder::load(write_model(tmp, q, arch + "-" + std::to_string(type) + ".gguf")).embed(kTexts);
      for (std::size_t i = 0; i < want.n; ++i) EXPECT_GT(cosine(got.row(i), want.row(i)), 0.999) << type << " " << i;
    }
  }
}

TEST(GgufModel, SentenceTransformersFilesBesideTheFileFillTheGaps) {
  molt::test::TempDir tmp;
  const fs::path gguf = write_model(tmp, {});
  molt::test::write_bytes(tmp / "config_sentence_transformers.json",
                          R"({"prompts": {"query": "the "}, "default_prompt_name": null})");
  molt::test::write_bytes(tmp / "sentence_bert_config.json", R"({"max_seq_length": 5, "do_lower_case": true})");
  {
    // Without modules.json: prompts, max_seq_length and do_lower_case, and the file's pooling.
    const Encoder encoder = Encoder::load(gguf);
    EXPECT_EQ(encoder.info().max_seq_length, 5u);
    EXPECT_TRUE(encoder.info().do_lower_case);
    EXPECT_TRUE(encoder.info().normalizes);
    EmbedOptions eo;
    eo.prompt_name = "query";
    EXPECT_EQ(encoder.tokenize("Hello World", eo).ids, (std::vector<std::int32_t>{2, 7, 5, 6, 3}));
    // A literal [SEP] is lower-cased with the text, so it is no longer special.
    EXPECT_EQ(encoder.tokenize("[SEP] hello").ids, (std::vector<std::int32_t>{2, 1, 1, 1, 3}));
  }
  // With modules.json: its pipeline — here no Normalize.
  molt::test::write_bytes(tmp / "modules.json", R"([
    {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
    {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}])");
  fs::create_directories(tmp / "1_Pooling");
  molt::test::write_bytes(tmp / "1_Pooling" / "config.json",
                          R"({"word_embedding_dimension": 32, "pooling_mode_mean_tokens": true})");
  const Encoder encoder = Encoder::load(gguf);
  EXPECT_TRUE(encoder.info().sentence_transformers);
  EXPECT_FALSE(encoder.info().normalizes);
  EXPECT_EQ(encoder.info().pooling, "mean");
  // The identity covers the files that decide the vectors.
  const std::string hash = encoder.info().identity.hash;
  molt::test::write_bytes(tmp / "sentence_bert_config.json", R"({"max_seq_length": 6, "do_lower_case": true})");
  EXPECT_NE(Encoder::load(gguf).info().identity.hash, hash);
}

TEST(GgufModel, PoolingTypesAndTheirRefusals) {
  molt::test::TempDir tmp;
  for (const auto& [type, want] : std::vector<std::pair<std::optional<std::uint32_t>, std::string>>{
           {std::nullopt, "mean"}, {1, "mean"}, {2, "cls"}, {3, "lasttoken"}}) {
    TinyGgufSpec spec;
    spec.pooling_type = type;
    EXPECT_EQ(Encoder::load(write_model(tmp, spec)).info().pooling, want + " -> Normalize");
  }
  for (const auto& [type, says] : std::vector<std::pair<std::uint32_t, std::string>>{
           {0, "pooling_type 0 (none)"}, {4, "reranker"}, {9, "unknown pooling_type 9"}}) {
    TinyGgufSpec spec;
    spec.pooling_type = type;
    const fs::path path = write_model(tmp, spec);
    expect_input_error([&] { (void)Encoder::load(path); }, {says, "field bert.pooling_type", "m.gguf"});
  }
}

TEST(GgufModel, WhatMoltCannotRunIsRefusedByName) {
  molt::test::TempDir tmp;
  struct Case {
    std::string name;
    TinyGgufSpec spec;
    std::vector<std::string> says;
  };
  std::vector<Case> cases;
  {
    Case c{"architecture", {}, {"unsupported GGUF architecture 'jina-bert-v2' (molt runs: bert, nomic-bert)",
                                 "field general.architecture"}};
    c.spec.general_architecture = "jina-bert-v2";
    cases.push_back(c);
  }
  {
    Case c{"no architecture", {}, {"missing metadata key", "field general.architecture"}};
    c.spec.omit_keys = {"general.architecture"};
    cases.push_back(c);
  }
  {
    Case c{"no block count", {}, {"missing metadata key", "field bert.block_count"}};
    c.spec.omit_keys = {"bert.block_count"};
    cases.push_back(c);
  }
  {
    Case c{"heads", {}, {"not a multiple of head_count 3", "field bert.attention.head_count"}};
    c.spec.extra_u32 = {{"bert.attention.head_count", 3}};
    cases.push_back(c);
  }
  {
    Case c{"causal", {}, {"causal attention is not supported", "field bert.attention.causal"}};
    c.spec.extra_bools = {{"bert.attention.causal", true}};
    cases.push_back(c);
  }
  {
    Case c{"tensor type", {}, {"cannot convert Q8_1 values to F32", "tensor blk.0.ffn_up.weight"}};
    c.spec.tensor_types = {{"blk.0.ffn_up.weight", 9}};  // Q8_1: a valid GGUF type molt does not decode
    cases.push_back(c);
  }
  {
    Case c{"missing tensor", {}, {"missing tensor", "tensor blk.0.attn_k.bias"}};
    c.spec.omit_tensors = {"blk.0.attn_k.bias"};
    cases.push_back(c);
  }
  {
    Case c{"shape", {}, {"shape [64, 32] disagrees with the GGUF metadata (expected [96, 32])", "tensor blk.0.ffn_up.weight"}};
    c.spec.extra_u32 = {{"bert.feed_forward_length", 96}};
    cases.push_back(c);
  }
  {
    Case c{"tokenizer", {}, {"the file has no tokenizer", "field tokenizer.ggml.model"}};
    c.spec.omit_keys = {"tokenizer.ggml.model"};
    cases.push_back(c);
  }
  {
    Case c{"rope scaling", {}, {"rope scaling 'yarn' is not supported", "field nomic-bert.rope.scaling.type"}};
    c.spec.architecture = "nomic-bert";
    c.spec.extra_strings = {{"nomic-bert.rope.scaling.type", "yarn"}};
    cases.push_back(c);
  }
  {
    Case c{"grouped-query attention", {}, {"head_count_kv", "field nomic-bert.attention.head_count_kv"}};
    c.spec.architecture = "nomic-bert";
    c.spec.extra_u32 = {{"nomic-bert.attention.head_count_kv", 1}};
    cases.push_back(c);
  }
  {
    Case c{"no gate", {}, {"missing tensor", "tensor blk.0.ffn_gate.weight"}};
    c.spec.architecture = "nomic-bert";
    c.spec.omit_tensors = {"blk.0.ffn_gate.weight"};
    cases.push_back(c);
  }
  {
    Case c{"epsilon", {}, {"missing metadata key", "field nomic-bert.attention.layer_norm_epsilon"}};
    c.spec.architecture = "nomic-bert";
    c.spec.omit_keys = {"nomic-bert.attention.layer_norm_epsilon"};
    cases.push_back(c);
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path path = write_model(tmp, c.spec, "bad.gguf");
    std::vector<std::string> says = c.says;
    says.push_back("bad.gguf");
    const molt::Error e = error_of([&] { (void)Encoder::load(path); });
    EXPECT_EQ(e.kind(), molt::ErrorKind::kInput) << e.message();
    for (const std::string& part : says) EXPECT_NE(e.message().find(part), std::string::npos) << e.message();
  }
}

}  // namespace
