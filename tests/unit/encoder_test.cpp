// The Encoder on tiny models written by tests/support/model_builder.h: what load reads
// (prefixes, legacy names, plain folders, Dense heads, limits, identity), what it refuses
// (each broken input named by file and tensor or field), and what embed_tokens checks.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/runtime/encoder.h"
#include "tests/support/error_of.h"
#include "tests/support/format_writers.h"
#include "tests/support/model_builder.h"
#include "tests/support/test_env.h"

namespace {

namespace fs = std::filesystem;
using molt::runtime::EmbedOptions;
using molt::runtime::Embeddings;
using molt::runtime::Encoder;
using molt::runtime::EncoderOptions;
using molt::test::TinyBertSpec;

const std::vector<std::vector<std::int32_t>> kIds = {{1, 5, 9, 2}, {1, 2}, {1, 7, 7, 7, 7, 7, 30, 2}};

Embeddings embed(const fs::path& dir, const EmbedOptions& options = {}) {
  return Encoder::load(dir).embed_tokens(kIds, options);
}

using molt::test::error_of;

double max_diff(const Embeddings& a, const Embeddings& b) {
  EXPECT_EQ(a.values.size(), b.values.size());
  double d = 0.0;
  for (std::size_t i = 0; i < a.values.size() && i < b.values.size(); ++i) {
    d = std::max(d, std::fabs(static_cast<double>(a.values[i]) - b.values[i]));
  }
  return d;
}

TEST(Encoder, PrefixedAndLegacyTensorNamesGiveTheSameModel) {
  molt::test::TempDir dir;
  TinyBertSpec plain;
  TinyBertSpec prefixed = plain;
  prefixed.tensor_prefix = "bert.";
  TinyBertSpec legacy = plain;
  legacy.legacy_layer_norm_names = true;
  const auto a = embed(molt::test::write_tiny_bert(dir / "plain", plain));
  EXPECT_EQ(max_diff(a, embed(molt::test::write_tiny_bert(dir / "prefixed", prefixed))), 0.0);
  EXPECT_EQ(max_diff(a, embed(molt::test::write_tiny_bert(dir / "legacy", legacy))), 0.0);
  for (std::size_t i = 0; i < a.n; ++i) {
    double norm = 0.0;
    for (const float v : a.row(i)) norm += v * v;
    EXPECT_NEAR(norm, 1.0, 1e-6);
  }
}

TEST(Encoder, PlainTransformersFolderMeansWithoutNormalizing) {
  molt::test::TempDir dir;
  TinyBertSpec spec;
  spec.modules_json = false;
  spec.tokenizer_model_max_length = 6;
  const Encoder encoder = Encoder::load(molt::test::write_tiny_bert(dir.path(), spec));
  EXPECT_FALSE(encoder.info().sentence_transformers);
  EXPECT_FALSE(encoder.info().normalizes);
  EXPECT_EQ(encoder.info().pooling, "mean");
  // min(max_position_embeddings 24, model_max_length 6), as Transformer's default.
  EXPECT_EQ(encoder.info().max_seq_length, 6u);
  const auto out = encoder.embed_tokens(kIds);
  EXPECT_EQ(out.n_tokens, (std::vector<std::uint32_t>{4, 2, 6}));
  // Truncation keeps the first max_seq_length ids (alone in its batch here: equal up to the
  // last bits a BLAS may round differently by a row's place in the batch).
  const std::vector<std::vector<std::int32_t>> cut = {{1, 7, 7, 7, 7, 7}};
  const std::vector<float> alone = encoder.embed_tokens(cut).values;
  ASSERT_EQ(alone.size(), out.row(2).size());
  for (std::size_t i = 0; i < alone.size(); ++i) {
    EXPECT_NEAR(alone[i], out.row(2)[i], 1e-6 * std::max(1.0f, std::fabs(alone[i]))) << i;
  }
}

TEST(Encoder, DenseHeadIsTanhOfAnAffineMap) {
  molt::test::TempDir dir;
  TinyBertSpec base;
  base.normalize = false;
  TinyBertSpec with_dense = base;
  with_dense.dense_out = 3;
  const fs::path d = molt::test::write_tiny_bert(dir / "dense", with_dense);
  const Embeddings pooled = embed(molt::test::write_tiny_bert(dir / "base", base));
  const Encoder encoder = Encoder::load(d);
  EXPECT_EQ(encoder.dim(), 3u);
  EXPECT_EQ(encoder.info().pooling, "mean -> Dense(8->3)");
  const Embeddings out = encoder.embed_tokens(kIds);
  // The same weights, read back independently of the encoder.
  const molt::formats::SafetensorsFile file(d / "2_Dense" / "model.safetensors");
  const auto w_tensor = file.tensor_f32("linear.weight");
  const auto b_tensor = file.tensor_f32("linear.bias");
  const auto w = w_tensor.values<float>();
  const auto b = b_tensor.values<float>();
  for (std::size_t i = 0; i < out.n; ++i) {
    for (std::size_t o = 0; o < 3; ++o) {
      double acc = b[o];
      for (std::size_t c = 0; c < 8; ++c) acc += static_cast<double>(w[o * 8 + c]) * pooled.row(i)[c];
      EXPECT_NEAR(out.row(i)[o], std::tanh(acc), 1e-6);
    }
  }
}

TEST(Encoder, SeveralPoolingModesConcatenate) {
  molt::test::TempDir dir;
  TinyBertSpec cls, mean, both;
  cls.normalize = mean.normalize = both.normalize = false;
  cls.pooling_json = R"({"word_embedding_dimension": 8, "pooling_mode": "cls"})";
  both.pooling_json = R"({"word_embedding_dimension": 8, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": true})";
  const auto a = embed(molt::test::write_tiny_bert(dir / "cls", cls));
  const auto b = embed(molt::test::write_tiny_bert(dir / "mean", mean));
  const auto c = embed(molt::test::write_tiny_bert(dir / "both", both));
  ASSERT_EQ(c.dim, 16u);
  for (std::size_t i = 0; i < c.n; ++i) {
    for (std::size_t j = 0; j < 8; ++j) {
      EXPECT_EQ(c.row(i)[j], a.row(i)[j]);
      EXPECT_EQ(c.row(i)[8 + j], b.row(i)[j]);
    }
  }
}

TEST(Encoder, MatryoshkaRenormalizesOnlyWhenTheModelNormalizes) {
  molt::test::TempDir dir;
  TinyBertSpec normalizing, raw;
  raw.normalize = false;
  for (const auto& [spec, name] : {std::pair{normalizing, "n"}, std::pair{raw, "r"}}) {
    const fs::path d = molt::test::write_tiny_bert(dir / name, spec);
    const Embeddings full = embed(d);
    EmbedOptions o;
    o.dim = 3;
    const Embeddings cut = embed(d, o);
    ASSERT_EQ(cut.dim, 3u);
    for (std::size_t i = 0; i < cut.n; ++i) {
      double norm = 0.0;
      for (std::size_t j = 0; j < 3; ++j) norm += full.row(i)[j] * full.row(i)[j];
      norm = std::sqrt(norm);
      for (std::size_t j = 0; j < 3; ++j) {
        const double want = spec.normalize ? full.row(i)[j] / norm : full.row(i)[j];
        EXPECT_NEAR(cut.row(i)[j], want, 1e-6);
      }
    }
  }
}

TEST(Encoder, HalfPrecisionWeightsWidenExactly) {
  molt::test::TempDir dir;
  TinyBertSpec f16;
  f16.dtype = "F16";
  const fs::path d = molt::test::write_tiny_bert(dir.path(), f16);
  const Embeddings a = embed(d);
  EXPECT_EQ(a.n, kIds.size());
  EncoderOptions reference;
  reference.reference_kernels = true;
  EXPECT_LE(max_diff(a, Encoder::load(d, reference).embed_tokens(kIds)), 1e-6);
}

TEST(Encoder, IdentityFollowsContentNotLocation) {
  molt::test::TempDir dir;
  TinyBertSpec spec;
  const fs::path a = molt::test::write_tiny_bert(dir / "a", spec);
  const fs::path b = molt::test::write_tiny_bert(dir / "b", spec);
  spec.seed = 2;
  const fs::path c = molt::test::write_tiny_bert(dir / "c", spec);
  const auto ia = Encoder::load(a).info().identity;
  EXPECT_EQ(ia.name, "a");
  EXPECT_EQ(ia.hash, Encoder::load(b).info().identity.hash);
  EXPECT_NE(ia.hash, Encoder::load(c).info().identity.hash);
  molt::test::write_bytes(b / "sentence_bert_config.json", R"({"max_seq_length": 5})");
  EXPECT_NE(ia.hash, Encoder::load(b).info().identity.hash);
  EncoderOptions named;
  named.name = "org/model";
  EXPECT_EQ(Encoder::load(a, named).info().identity.to_string(), "org/model@" + ia.hash);
}

TEST(Encoder, EmbedTokensChecksItsInput) {
  molt::test::TempDir dir;
  const Encoder encoder = Encoder::load(molt::test::write_tiny_bert(dir.path(), {}));
  const std::vector<std::vector<std::int32_t>> out_of_vocab = {{1, 2}, {1, 50, 2}};
  auto e = error_of([&] { (void)encoder.embed_tokens(out_of_vocab); });
  EXPECT_EQ(e.kind(), molt::ErrorKind::kInput);
  EXPECT_EQ(e.where().row, "1");
  EXPECT_NE(e.message().find("token id 50 at position 1"), std::string::npos) << e.message();
  const std::vector<std::vector<std::int32_t>> empty = {{}};
  EXPECT_EQ(error_of([&] { (void)encoder.embed_tokens(empty); }).kind(), molt::ErrorKind::kInput);
  EmbedOptions prompt;
  prompt.prompt_name = "query";
  EXPECT_EQ(error_of([&] { (void)encoder.embed_tokens(kIds, prompt); }).kind(), molt::ErrorKind::kUsage);
  EmbedOptions too_wide;
  too_wide.dim = 9;
  EXPECT_EQ(error_of([&] { (void)encoder.embed_tokens(kIds, too_wide); }).kind(), molt::ErrorKind::kUsage);
  EXPECT_EQ(encoder.embed_tokens(std::vector<std::vector<std::int32_t>>{}).n, 0u);
}

TEST(Encoder, ProgressReportsEveryBatch) {
  molt::test::TempDir dir;
  const Encoder encoder = Encoder::load(molt::test::write_tiny_bert(dir.path(), {}));
  std::vector<std::uint64_t> done;
  EmbedOptions o;
  o.batch_size = 1;
  o.progress = [&](const molt::Progress& p) {
    EXPECT_EQ(p.stage, "embed");
    EXPECT_EQ(p.total, kIds.size());
    done.push_back(p.done);
  };
  (void)encoder.embed_tokens(kIds, o);
  EXPECT_EQ(done, (std::vector<std::uint64_t>{0, 1, 2, 3}));
}

TEST(EncoderText, PromptsArePrependedBeforeStripping) {
  molt::test::TempDir dir;
  TinyBertSpec spec;
  spec.st_config_json = R"({"prompts": {"q": "w6 ", "none": ""}, "default_prompt_name": "q"})";
  const Encoder encoder = Encoder::load(molt::test::write_tiny_bert(dir.path(), spec));
  const auto plain = [&](const std::string& t) {
    EmbedOptions o;
    o.prefix = "";
    return encoder.tokenize(t, o).ids;
  };
  // The default prompt applies when none is named; "w6 " + "  w8 " is stripped as one text.
  EXPECT_EQ(encoder.tokenize("  w8 ").ids, plain("w6   w8"));
  EmbedOptions named;
  named.prompt_name = "none";
  EXPECT_EQ(encoder.tokenize("w8", named).ids, (std::vector<std::int32_t>{2, 8, 3}));
  EmbedOptions prefix;
  prefix.prefix = "w10 ";
  EXPECT_EQ(encoder.tokenize("w8", prefix).ids, (std::vector<std::int32_t>{2, 10, 8, 3}));
  // Text and token paths meet: embedding a text is embedding its ids.
  const std::vector<std::string> texts = {"w8 w10", ""};
  const auto from_text = encoder.embed(texts, prefix);
  const std::vector<std::vector<std::int32_t>> ids = {encoder.tokenize(texts[0], prefix).ids,
                                                      encoder.tokenize(texts[1], prefix).ids};
  EXPECT_EQ(from_text.values, encoder.embed_tokens(ids).values);
  EXPECT_EQ(from_text.n_tokens, (std::vector<std::uint32_t>{5, 3}));
  EmbedOptions unknown;
  unknown.prompt_name = "passage";
  EXPECT_EQ(error_of([&] { (void)encoder.embed(texts, unknown); }).kind(), molt::ErrorKind::kUsage);
  EmbedOptions both = named;
  both.prefix = "x";
  EXPECT_EQ(error_of([&] { (void)encoder.tokenize("x", both); }).kind(), molt::ErrorKind::kUsage);
}

TEST(EncoderText, IncludePromptFalseLeavesThePromptOutOfThePool) {
  // Mean pooling without the prompt, where the prompt covers all but [SEP], is the [SEP]
  // token's state: what last-token pooling of the same model gives.
  molt::test::TempDir dir;
  TinyBertSpec mean;
  mean.pooling_json = R"({"word_embedding_dimension": 8, "include_prompt": false})";
  TinyBertSpec last;
  last.pooling_json = R"({"word_embedding_dimension": 8, "pooling_mode": "lasttoken"})";
  const Encoder a = Encoder::load(molt::test::write_tiny_bert(dir / "mean", mean));
  const Encoder b = Encoder::load(molt::test::write_tiny_bert(dir / "last", last));
  EmbedOptions prompt;
  prompt.prefix = "w6 w8";
  const std::vector<std::string> empty = {""};
  const auto got = a.embed(empty, prompt);
  const auto want = b.embed(empty, prompt);
  for (std::size_t j = 0; j < 8; ++j) EXPECT_NEAR(got.values[j], want.values[j], 1e-6);
  // With the prompt included the mean is over all four tokens: something else.
  TinyBertSpec included = mean;
  included.pooling_json = R"({"word_embedding_dimension": 8})";
  const auto other = Encoder::load(molt::test::write_tiny_bert(dir / "incl", included)).embed(empty, prompt);
  EXPECT_GT(std::fabs(other.values[0] - got.values[0]) + std::fabs(other.values[1] - got.values[1]), 1e-3);
}

// Each broken model folder is refused at load with an error naming what and where.
TEST(EncoderLoad, BrokenInputsAreNamed) {
  molt::test::TempDir dir;
  struct Case {
    const char* name;
    TinyBertSpec spec;
    molt::ErrorKind kind;
    std::string file_ends;  // Where::file suffix
    std::string tensor;     // Where::tensor, or field when it starts with "field:"
    std::string text;       // part of the message
  };
  std::vector<Case> cases;
  {
    TinyBertSpec s;
    s.omit_tensors = {"encoder.layer.1.output.dense.bias"};
    cases.push_back({"missing", s, molt::ErrorKind::kInput, "model.safetensors", "encoder.layer.1.output.dense.bias", "missing tensor"});
  }
  {
    TinyBertSpec s;
    s.reshape_tensors = {{"encoder.layer.0.intermediate.dense.weight", {16, 4, 2}}};
    cases.push_back({"shape", s, molt::ErrorKind::kInput, "model.safetensors", "encoder.layer.0.intermediate.dense.weight",
                     "shape [16, 4, 2] disagrees with config.json (expected [16, 8])"});
  }
  {
    TinyBertSpec s;
    s.hidden_act = "mish";
    cases.push_back({"act", s, molt::ErrorKind::kInput, "config.json", "field:hidden_act", "unsupported hidden_act 'mish'"});
  }
  {
    TinyBertSpec s;
    s.model_type = "roberta";
    cases.push_back({"type", s, molt::ErrorKind::kInput, "config.json", "field:model_type", "unsupported model_type 'roberta'"});
  }
  {
    TinyBertSpec s;
    s.pooling_json = R"({"word_embedding_dimension": 16})";
    cases.push_back({"pooling", s, molt::ErrorKind::kInput, "config.json", "field:word_embedding_dimension", "disagrees"});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path d = molt::test::write_tiny_bert(dir / c.name, c.spec);
    const molt::Error e = error_of([&] { (void)Encoder::load(d); });
    EXPECT_EQ(e.kind(), c.kind);
    EXPECT_TRUE(e.where().file.ends_with(c.file_ends)) << e.message();
    if (c.tensor.starts_with("field:")) {
      EXPECT_EQ(e.where().field, c.tensor.substr(6)) << e.message();
    } else {
      EXPECT_EQ(e.where().tensor, c.tensor) << e.message();
    }
    EXPECT_NE(e.message().find(c.text), std::string::npos) << e.message();
  }
}

TEST(EncoderLoad, EveryPrecisionLoads) {
  molt::test::TempDir dir;
  const fs::path d = molt::test::write_tiny_bert(dir / "m", {});
  for (const auto p : {molt::runtime::Precision::kF32, molt::runtime::Precision::kBF16, molt::runtime::Precision::kInt8}) {
    EncoderOptions options;
    options.precision = p;
    const Encoder e = Encoder::load(d, options);
    EXPECT_EQ(e.precision(), p);
    EXPECT_FALSE(e.kernels().empty());
    const auto out = e.embed_tokens(std::vector<std::vector<std::int32_t>>{{1, 5, 2}});
    EXPECT_EQ(out.n, 1u);
  }
}

TEST(EncoderLoad, OtherRefusals) {
  molt::test::TempDir dir;
  const fs::path d = molt::test::write_tiny_bert(dir / "m", {});
  EXPECT_EQ(error_of([&] { (void)Encoder::load(dir / "absent"); }).kind(), molt::ErrorKind::kNotFound);
  fs::rename(d / "model.safetensors", d / "pytorch_model.bin");
  const auto e = error_of([&] { (void)Encoder::load(d); });
  EXPECT_EQ(e.kind(), molt::ErrorKind::kInput);
  EXPECT_NE(e.message().find("safetensors"), std::string::npos) << e.message();
  // A truncated weights file: the reader names the file.
  const fs::path t = molt::test::write_tiny_bert(dir / "t", {});
  fs::resize_file(t / "model.safetensors", fs::file_size(t / "model.safetensors") - 10);
  const auto truncated = error_of([&] { (void)Encoder::load(t); });
  EXPECT_EQ(truncated.kind(), molt::ErrorKind::kInput);
  EXPECT_TRUE(truncated.where().file.ends_with("model.safetensors")) << truncated.message();
}

}  // namespace
