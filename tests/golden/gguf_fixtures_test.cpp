// Every GGUF fixture under ../shared (llama.cpp's own converter run on the safetensors
// fixtures; fixtures/gguf/README.md says what each holds) and llama.cpp's vocabulary-only
// ggml-vocab-bert-bge.gguf parse, with the metadata the README states, and every tensor is
// what the converter makes of its safetensors twin: F32 bytes equal, F16 the twin rounded
// to nearest even, Q8_0 blocks equal to gguf-py's quantization of the twin, bit for bit.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "molt/formats/gguf.h"
#include "molt/formats/safetensors_checkpoint.h"
#include "molt/tensor/half.h"
#include "tests/support/test_env.h"

namespace {

using molt::formats::GgufFile;
using molt::formats::SafetensorsCheckpoint;
using molt::tensor::DType;
using molt::tensor::Shape;

struct Model {
  const char* name;
  const char* architecture;
  std::uint32_t block_count;
  std::uint32_t embedding_length;
  std::uint32_t context_length;
  std::uint32_t pooling_type;  // 1 mean, 2 CLS
  std::size_t n_tokens;
  std::int32_t cls_id;
  std::size_t n_unused_tokens;  // token_type 5 padding entries
};

const Model kModels[] = {
    {"tiny-bert", "bert", 2, 16, 128, 1, 30522, 101, 0},
    {"tiny-bert-cls", "bert", 3, 48, 64, 2, 2399, 2, 0},
    {"tiny-bert-f16", "bert", 3, 48, 64, 2, 2399, 2, 0},
    {"tiny-nomic-bert", "nomic-bert", 2, 32, 2048, 1, 2560, 2, 61},
};

// llama.cpp's tensor names for the safetensors names (convert_hf_to_gguf's BERT and
// nomic-bert maps); nullopt for tensors the converter drops (position_ids, pooler).
std::optional<std::string> gguf_name(const std::string& name) {
  static const std::map<std::string, std::string> kWhole = {
      {"embeddings.word_embeddings.weight", "token_embd.weight"},
      {"embeddings.position_embeddings.weight", "position_embd.weight"},
      {"embeddings.token_type_embeddings.weight", "token_types.weight"},
      {"embeddings.LayerNorm.weight", "token_embd_norm.weight"},
      {"embeddings.LayerNorm.bias", "token_embd_norm.bias"},
      {"emb_ln.weight", "token_embd_norm.weight"},
      {"emb_ln.bias", "token_embd_norm.bias"}};
  static const std::map<std::string, std::string> kLayer = {
      {"attention.self.query", "attn_q"}, {"attention.self.key", "attn_k"},
      {"attention.self.value", "attn_v"}, {"attention.output.dense", "attn_output"},
      {"attention.output.LayerNorm", "attn_output_norm"}, {"intermediate.dense", "ffn_up"},
      {"output.dense", "ffn_down"}, {"output.LayerNorm", "layer_output_norm"},
      {"attn.Wqkv", "attn_qkv"}, {"attn.out_proj", "attn_output"}, {"mlp.fc11", "ffn_up"},
      {"mlp.fc12", "ffn_gate"}, {"mlp.fc2", "ffn_down"}, {"norm1", "attn_output_norm"},
      {"norm2", "layer_output_norm"}};
  if (const auto it = kWhole.find(name); it != kWhole.end()) return it->second;
  for (const std::string prefix : {"encoder.layer.", "encoder.layers."}) {
    if (name.rfind(prefix, 0) != 0) continue;
    const std::size_t dot = name.find('.', prefix.size());
    const std::size_t last = name.rfind('.');
    const std::string layer = name.substr(prefix.size(), dot - prefix.size());
    const std::string part = name.substr(dot + 1, last - dot - 1);
    if (const auto it = kLayer.find(part); it != kLayer.end()) {
      return "blk." + layer + "." + it->second + name.substr(last);
    }
  }
  return std::nullopt;
}

// README: F32 files hold F32; elsewhere 1-D tensors, position_embd and token_types stay
// F32, matrices are F16, and in Q8_0 files matrices whose rows are a multiple of 32 long
// are Q8_0.
DType expected_type(const std::string& kind, const std::string& name, const Shape& shape) {
  if (kind == "f32") return DType::kF32;
  const bool matrix = shape.size() == 2 && name != "position_embd.weight" && name != "token_types.weight";
  if (!matrix) return DType::kF32;
  if (kind == "q8_0" && shape.back() % 32 == 0) return DType::kQ8_0;
  return DType::kF16;
}

// gguf-py's Q8_0 quantization (quants.py): d = max|x| / 127 in float32, q = x / d rounded
// half away from zero, d stored as f16.
std::vector<std::uint8_t> quantize_q8_0(std::span<const float> x) {
  std::vector<std::uint8_t> out;
  for (std::size_t b = 0; b < x.size(); b += 32) {
    float amax = 0;
    for (std::size_t j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[b + j]));
    const float d = amax / 127.0f;
    const std::uint16_t h = molt::tensor::f32_to_f16(d);
    out.push_back(static_cast<std::uint8_t>(h & 0xff));
    out.push_back(static_cast<std::uint8_t>(h >> 8));
    for (std::size_t j = 0; j < 32; ++j) {
      const float q = d == 0 ? 0.0f : std::round(x[b + j] / d);
      out.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(q)));
    }
  }
  return out;
}

std::vector<std::uint8_t> expected_bytes(DType type, const molt::tensor::Tensor& twin) {
  const auto f32 = twin.to_f32();
  const auto values = f32.values<float>();
  std::vector<std::uint8_t> out;
  if (type == DType::kF32) {
    out.resize(values.size_bytes());
    std::memcpy(out.data(), values.data(), out.size());
  } else if (type == DType::kF16) {
    for (const float v : values) {
      const std::uint16_t h = molt::tensor::f32_to_f16(v);
      out.push_back(static_cast<std::uint8_t>(h & 0xff));
      out.push_back(static_cast<std::uint8_t>(h >> 8));
    }
  } else {
    out = quantize_q8_0(values);
  }
  return out;
}

std::size_t count(const std::vector<std::int32_t>& v, std::int32_t x) {
  return static_cast<std::size_t>(std::count(v.begin(), v.end(), x));
}

TEST(GgufFixtures, MetadataAsTheReadmeDescribes) {
  for (const Model& m : kModels) {
    for (const std::string kind : {"f32", "f16", "q8_0"}) {
      const std::string file_name = std::string(m.name) + "-" + kind + ".gguf";
      SCOPED_TRACE(file_name);
      MOLT_REQUIRE_FIXTURE("gguf/" + file_name);
      const GgufFile file(molt::test::fixtures_dir() / "gguf" / file_name);
      const auto& meta = file.metadata();
      const std::string arch = m.architecture;
      EXPECT_EQ(file.version(), 3u);
      EXPECT_EQ(file.header().alignment, 32u);
      EXPECT_EQ(meta.get_string("general.architecture"), arch);
      EXPECT_EQ(meta.get_u32("general.file_type"), kind == "f32" ? 0u : kind == "f16" ? 1u : 7u);
      EXPECT_EQ(meta.get_u32(arch + ".block_count"), m.block_count);
      EXPECT_EQ(meta.get_u32(arch + ".embedding_length"), m.embedding_length);
      EXPECT_EQ(meta.get_u32(arch + ".context_length"), m.context_length);
      EXPECT_EQ(meta.get_u32(arch + ".pooling_type"), m.pooling_type);
      EXPECT_FLOAT_EQ(meta.get_f32(arch + ".attention.layer_norm_epsilon"), 1e-12f);
      EXPECT_FALSE(meta.get_bool(arch + ".attention.causal"));
      if (arch == "nomic-bert") {
        EXPECT_EQ(meta.get_f32("nomic-bert.rope.freq_base"), 1000.0f);
      }
      EXPECT_EQ(meta.get_string("tokenizer.ggml.model"), "bert");
      EXPECT_EQ(meta.get_string("tokenizer.ggml.pre"), "jina-v2-en");
      // No [CLS] id in the file: a reader finds "[CLS]" among the tokens.
      EXPECT_FALSE(meta.contains("tokenizer.ggml.cls_token_id"));
      EXPECT_FALSE(meta.contains("tokenizer.ggml.bos_token_id"));
      const auto& tokens = meta.get_string_array("tokenizer.ggml.tokens");
      ASSERT_EQ(tokens.size(), m.n_tokens);
      EXPECT_EQ(tokens[static_cast<std::size_t>(m.cls_id)], "[CLS]");
      const auto types = meta.get_i32_array("tokenizer.ggml.token_type");
      ASSERT_EQ(types.size(), m.n_tokens);
      EXPECT_EQ(count(types, 3), 5u);
      EXPECT_EQ(count(types, 5), m.n_unused_tokens);
      EXPECT_EQ(count(types, 1), m.n_tokens - 5 - m.n_unused_tokens);
      EXPECT_EQ(types[static_cast<std::size_t>(m.cls_id)], 3);
      // Word-initial pieces carry the phantom space "▁".
      EXPECT_NE(std::find_if(tokens.begin(), tokens.end(),
                             [](const std::string& t) { return t.rfind("\xe2\x96\x81", 0) == 0; }),
                tokens.end());
    }
  }
}

TEST(GgufFixtures, TensorsAreTheConvertedTwins) {
  for (const Model& m : kModels) {
    MOLT_REQUIRE_FIXTURE(std::string(m.name) + "/model.safetensors");
    const SafetensorsCheckpoint twin(molt::test::fixtures_dir() / m.name);
    for (const std::string kind : {"f32", "f16", "q8_0"}) {
      const std::string file_name = std::string(m.name) + "-" + kind + ".gguf";
      SCOPED_TRACE(file_name);
      MOLT_REQUIRE_FIXTURE("gguf/" + file_name);
      const GgufFile file(molt::test::fixtures_dir() / "gguf" / file_name);
      std::map<DType, std::size_t> types;
      std::size_t matched = 0;
      for (const std::string& twin_name : twin.tensor_names()) {
        const auto name = gguf_name(twin_name);
        if (!name) continue;
        const auto* info = file.find(*name);
        ASSERT_NE(info, nullptr) << *name;
        ++matched;
        ++types[info->dtype];
        const auto twin_tensor = twin.tensor(twin_name);
        EXPECT_EQ(info->shape, twin_tensor.shape()) << *name;
        EXPECT_EQ(info->dtype, expected_type(kind, *name, info->shape)) << *name;
        const auto expected = expected_bytes(info->dtype, twin_tensor);
        const auto actual = file.data(*info);
        ASSERT_EQ(actual.size(), expected.size()) << *name;
        EXPECT_EQ(std::memcmp(actual.data(), expected.data(), expected.size()), 0) << *name;
        // And reading it back to F32 gives the twin's values up to the type's rounding:
        // half an f16 ulp, or for Q8_0 within one quantization step of the tensor.
        const auto back = file.tensor_f32(*name);
        const auto original = twin_tensor.to_f32();
        float max_abs = 0;
        for (const float v : original.values<float>()) max_abs = std::max(max_abs, std::fabs(v));
        for (std::size_t i = 0; i < static_cast<std::size_t>(back.n_elements()); ++i) {
          const float x = original.values<float>()[i];
          const float tolerance = info->dtype == DType::kF32   ? 0.0f
                                  : info->dtype == DType::kF16 ? std::ldexp(std::fabs(x), -11) + std::ldexp(1.0f, -25)
                                                               : max_abs / 127;
          ASSERT_LE(std::fabs(back.values<float>()[i] - x), tolerance) << *name << "[" << i << "]";
        }
      }
      EXPECT_EQ(matched, file.tensors().size());
      // README's per-file facts.
      const std::string model = m.name;
      if (kind == "q8_0" && model == "tiny-bert") {
        EXPECT_EQ(types[DType::kQ8_0], 2u);  // ffn_down
      }
      if (kind == "q8_0" && (model == "tiny-bert-cls" || model == "tiny-bert-f16")) {
        EXPECT_EQ(types.count(DType::kQ8_0), 0u);
      }
      if (kind == "q8_0" && model == "tiny-nomic-bert") {
        EXPECT_EQ(types[DType::kQ8_0], 11u);  // token_embd and every block matrix
        EXPECT_EQ(types.count(DType::kF16), 0u);
      }
    }
  }
}

TEST(GgufFixtures, EveryFileInTheFolderIsCoveredAndParses) {
  MOLT_REQUIRE_FIXTURE("gguf");
  std::set<std::string> covered;
  for (const Model& m : kModels) {
    for (const std::string kind : {"f32", "f16", "q8_0"}) covered.insert(std::string(m.name) + "-" + kind + ".gguf");
  }
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(molt::test::fixtures_dir() / "gguf")) {
    if (entry.path().extension() != ".gguf") continue;
    ++files;
    EXPECT_EQ(covered.count(entry.path().filename().string()), 1u)
        << entry.path() << " is not checked by this test";
    const GgufFile file(entry.path());
    EXPECT_FALSE(file.tensors().empty()) << entry.path();
  }
  EXPECT_EQ(files, covered.size());
}

TEST(GgufFixtures, LlamaCppVocabularyOnlyFile) {
  MOLT_REQUIRE_MODEL("ggml-vocab-bert-bge/ggml-vocab-bert-bge.gguf");
  const GgufFile file(molt::test::models_dir() / "ggml-vocab-bert-bge" / "ggml-vocab-bert-bge.gguf");
  const auto& meta = file.metadata();
  EXPECT_EQ(file.version(), 3u);
  EXPECT_TRUE(file.tensors().empty());
  EXPECT_EQ(meta.size(), 20u);
  EXPECT_EQ(meta.get_string("general.architecture"), "bert");
  EXPECT_EQ(meta.get_string("tokenizer.ggml.pre"), "bert-bge");
  EXPECT_EQ(meta.get_u32("bert.block_count"), 12u);
  EXPECT_EQ(meta.get_u32("bert.embedding_length"), 384u);
  EXPECT_EQ(meta.get_u32("bert.context_length"), 512u);
  EXPECT_EQ(meta.get_u32("tokenizer.ggml.cls_token_id"), 101u);
  EXPECT_EQ(meta.get_u32("tokenizer.ggml.seperator_token_id"), 102u);
  EXPECT_FALSE(meta.contains("bert.pooling_type"));
  const auto& tokens = meta.get_string_array("tokenizer.ggml.tokens");
  ASSERT_EQ(tokens.size(), 30522u);
  EXPECT_EQ(tokens[101], "[CLS]");
  EXPECT_EQ(tokens[0], "[PAD]");
  const auto types = meta.get_i32_array("tokenizer.ggml.token_type");
  EXPECT_EQ(count(types, 3), 5u);
  // Converted by upstream with the real tokenizer, the same vocabulary as tiny-bert's file.
  MOLT_REQUIRE_FIXTURE("gguf/tiny-bert-f32.gguf");
  const GgufFile tiny(molt::test::fixtures_dir() / "gguf" / "tiny-bert-f32.gguf");
  EXPECT_EQ(tiny.metadata().get_string_array("tokenizer.ggml.tokens"), tokens);
  EXPECT_EQ(tiny.metadata().get_i32_array("tokenizer.ggml.token_type"), types);
}

}  // namespace
