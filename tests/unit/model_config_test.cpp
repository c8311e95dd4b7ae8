// Reading a model folder's configuration as sentence-transformers 2.7 and transformers read
// it: defaults for absent fields, the Pooling module's flags and pooling_mode, the module
// pipeline of modules.json, prompts, model_max_length; errors that name file and field.
#include <string>

#include <gtest/gtest.h>

#include "molt/arch/bert.h"
#include "molt/arch/registry.h"
#include "molt/base/error.h"
#include "molt/model/json_config.h"
#include "molt/model/model_identity.h"
#include "molt/model/pooling_config.h"
#include "molt/model/sentence_transformers.h"
#include "tests/support/format_writers.h"
#include "tests/support/model_builder.h"
#include "tests/support/test_env.h"

namespace {

using molt::Error;
using molt::model::JsonConfig;
using molt::model::PoolingMode;

// The message of the molt::Error `fn` throws (fails the test when it throws nothing).
template <class F>
std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.message();
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(JsonConfig, TypedFieldsWithDefaultsAndNamedErrors) {
  const JsonConfig c = JsonConfig::parse(
      R"({"n": 3, "f": 2.0, "s": "x", "b": true, "null": null, "bad": "7"})", "c.json");
  EXPECT_EQ(c.require_int("n"), 3);
  EXPECT_EQ(c.get_int("f", 0), 2);  // 2.0 is an integer to Python too
  EXPECT_EQ(c.get_int("null", 5), 5);
  EXPECT_EQ(c.get_int("absent", 6), 6);
  EXPECT_EQ(c.get_string("s", ""), "x");
  EXPECT_TRUE(c.get_bool("b", false));
  EXPECT_NE(error_of([&] { (void)c.get_int("bad", 0); }).find("field bad"), std::string::npos);
  EXPECT_NE(error_of([&] { (void)c.require_int("absent"); }).find("missing field"), std::string::npos);
  EXPECT_NE(error_of([&] { (void)c.get_bool("n", false); }).find("c.json"), std::string::npos);
  EXPECT_NE(error_of([] { (void)JsonConfig::parse("{", "x.json"); }).find("invalid JSON"), std::string::npos);
  EXPECT_NE(error_of([] { (void)JsonConfig::parse("[1]", "x.json"); }).find("expected a JSON object"), std::string::npos);
  EXPECT_NO_THROW((void)JsonConfig::parse("[1]", "x.json", /*allow_array=*/true));
  EXPECT_NE(error_of([] { (void)JsonConfig::parse(R"({"x": 1e999})", "x.json"); }).find("out of range"), std::string::npos);
}

TEST(PoolingConfig, MeanIsOnUnlessSaidOtherwiseAsInPoolingsConstructor) {
  const auto p = molt::model::parse_pooling_config(JsonConfig::parse(R"({"word_embedding_dimension": 4})", "p"));
  EXPECT_EQ(p.modes, (std::vector<PoolingMode>{PoolingMode::kMean}));
  EXPECT_TRUE(p.include_prompt);
  EXPECT_EQ(p.output_dim(), 4);
}

TEST(PoolingConfig, SeveralModesConcatenateInSentenceTransformersOrder) {
  const auto p = molt::model::parse_pooling_config(JsonConfig::parse(
      R"({"word_embedding_dimension": 4, "pooling_mode_lasttoken": true, "pooling_mode_cls_token": true,
          "pooling_mode_max_tokens": true, "pooling_mode_mean_sqrt_len_tokens": true, "include_prompt": false})",
      "p"));
  EXPECT_EQ(p.modes, (std::vector<PoolingMode>{PoolingMode::kCls, PoolingMode::kMax, PoolingMode::kMean,
                                               PoolingMode::kMeanSqrtLen, PoolingMode::kLastToken}));
  EXPECT_FALSE(p.include_prompt);
  EXPECT_EQ(p.output_dim(), 20);
  EXPECT_EQ(p.describe(), "cls+max+mean+mean_sqrt_len_tokens+lasttoken");
}

TEST(PoolingConfig, PoolingModeStringReplacesTheFlags) {
  const auto p = molt::model::parse_pooling_config(
      JsonConfig::parse(R"({"word_embedding_dimension": 4, "pooling_mode": "CLS", "pooling_mode_mean_tokens": true})", "p"));
  EXPECT_EQ(p.modes, (std::vector<PoolingMode>{PoolingMode::kCls}));
  EXPECT_NE(error_of([] {
              (void)molt::model::parse_pooling_config(
                  JsonConfig::parse(R"({"word_embedding_dimension": 4, "pooling_mode": "median"})", "p.json"));
            }).find("pooling_mode"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              (void)molt::model::parse_pooling_config(
                  JsonConfig::parse(R"({"word_embedding_dimension": 4, "pooling_mode_mean_tokens": false})", "p.json"));
            }).find("no pooling mode"),
            std::string::npos);
}

TEST(SentenceTransformersConfig, PlainTransformersFolderReadsNoneOfTheFiles) {
  molt::test::TempDir dir;
  molt::test::TinyBertSpec spec;
  spec.modules_json = false;
  molt::test::write_tiny_bert(dir.path(), spec);
  // Without modules.json sentence-transformers never opens these.
  molt::test::write_bytes(dir / "sentence_bert_config.json", R"({"max_seq_length": 3, "do_lower_case": true})");
  const auto st = molt::model::read_sentence_transformers_config(dir.path());
  EXPECT_FALSE(st.has_modules_json);
  EXPECT_FALSE(st.pooling.has_value());
  EXPECT_FALSE(st.max_seq_length.has_value());
  EXPECT_FALSE(st.do_lower_case);
  EXPECT_FALSE(st.normalizes());
}

TEST(SentenceTransformersConfig, ModulesPromptsAndLimits) {
  molt::test::TempDir dir;
  molt::test::TinyBertSpec spec;
  spec.max_seq_length = 12;
  spec.do_lower_case = true;
  spec.dense_out = 4;
  spec.st_config_json = R"({"prompts": {"query": "q: ", "doc": ""}, "default_prompt_name": "doc"})";
  molt::test::write_tiny_bert(dir.path(), spec);
  const auto st = molt::model::read_sentence_transformers_config(dir.path());
  EXPECT_TRUE(st.has_modules_json);
  EXPECT_EQ(st.max_seq_length, 12);
  EXPECT_TRUE(st.do_lower_case);
  ASSERT_EQ(st.heads.size(), 2u);
  EXPECT_EQ(st.heads[0].kind, molt::model::HeadModule::Kind::kDense);
  EXPECT_EQ(st.heads[0].dense->out_features, 4);
  EXPECT_TRUE(st.normalizes());
  EXPECT_EQ(st.prompts.at("query"), "q: ");
  EXPECT_EQ(st.default_prompt_name, "doc");
}

TEST(SentenceTransformersConfig, ErrorsNameTheFileAndField) {
  molt::test::TempDir dir;
  molt::test::write_tiny_bert(dir.path(), {});
  molt::test::write_bytes(dir / "config_sentence_transformers.json", R"({"prompts": {"a": "x"}, "default_prompt_name": "b"})");
  std::string msg = error_of([&] { (void)molt::model::read_sentence_transformers_config(dir.path()); });
  EXPECT_NE(msg.find("default_prompt_name 'b' names no prompt"), std::string::npos) << msg;
  EXPECT_NE(msg.find("config_sentence_transformers.json"), std::string::npos) << msg;

  molt::test::write_bytes(dir / "config_sentence_transformers.json", "{}");
  molt::test::write_bytes(dir / "modules.json",
                          R"([{"path": "", "type": "sentence_transformers.models.Transformer"},
                              {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                              {"path": "2_LSTM", "type": "sentence_transformers.models.LSTM"}])");
  msg = error_of([&] { (void)molt::model::read_sentence_transformers_config(dir.path()); });
  EXPECT_NE(msg.find("sentence_transformers.models.LSTM"), std::string::npos) << msg;
  EXPECT_NE(msg.find("modules.json"), std::string::npos) << msg;

  molt::test::write_bytes(dir / "modules.json", R"([{"path": "../x", "type": "sentence_transformers.models.Transformer"}])");
  msg = error_of([&] { (void)molt::model::read_sentence_transformers_config(dir.path()); });
  EXPECT_NE(msg.find("leaves the model folder"), std::string::npos) << msg;

  molt::test::write_bytes(dir / "modules.json", R"([{"path": "", "type": "sentence_transformers.models.Transformer"}])");
  msg = error_of([&] { (void)molt::model::read_sentence_transformers_config(dir.path()); });
  EXPECT_NE(msg.find("no Pooling module"), std::string::npos) << msg;
}

TEST(SentenceTransformersConfig, TokenizerModelMaxLength) {
  molt::test::TempDir dir;
  EXPECT_FALSE(molt::model::tokenizer_model_max_length(dir.path()).has_value());
  molt::test::write_bytes(dir / "tokenizer_config.json", R"({"model_max_length": 512})");
  EXPECT_EQ(molt::model::tokenizer_model_max_length(dir.path()), 512);
  molt::test::write_bytes(dir / "tokenizer_config.json", R"({"model_max_length": 1000000000000000019884624838656})");
  EXPECT_FALSE(molt::model::tokenizer_model_max_length(dir.path()).has_value());
  molt::test::write_bytes(dir / "tokenizer_config.json", R"({"max_len": 128})");
  EXPECT_EQ(molt::model::tokenizer_model_max_length(dir.path()), 128);
}

TEST(BertConfig, DefaultsAndRefusals) {
  const auto c = molt::arch::parse_bert_config(JsonConfig::parse(R"({"model_type": "bert"})", "config.json"));
  EXPECT_EQ(c.hidden_size, 768);
  EXPECT_EQ(c.num_hidden_layers, 12);
  EXPECT_EQ(c.activation, molt::compute::Activation::kGeluErf);
  EXPECT_EQ(molt::arch::parse_bert_config(JsonConfig::parse(R"({"hidden_act": "gelu_new"})", "c")).activation,
            molt::compute::Activation::kGeluTanh);
  EXPECT_EQ(molt::arch::parse_bert_config(JsonConfig::parse(R"({"hidden_act": "relu"})", "c")).activation,
            molt::compute::Activation::kRelu);
  const struct {
    const char* json;
    const char* field;
  } bad[] = {
      {R"({"hidden_act": "quick_gelu"})", "field hidden_act"},
      {R"({"position_embedding_type": "relative_key"})", "field position_embedding_type"},
      {R"({"hidden_size": 100, "num_attention_heads": 12})", "field num_attention_heads"},
      {R"({"hidden_size": 0})", "field hidden_size"},
      {R"({"num_hidden_layers": -1})", "field num_hidden_layers"},
  };
  for (const auto& b : bad) {
    const std::string msg = error_of([&] { (void)molt::arch::parse_bert_config(JsonConfig::parse(b.json, "config.json")); });
    EXPECT_NE(msg.find(b.field), std::string::npos) << b.json << ": " << msg;
    EXPECT_NE(msg.find("config.json"), std::string::npos) << msg;
  }
}

TEST(Registry, UnknownModelTypesAreRefusedByName) {
  const std::string msg = error_of([] {
    (void)molt::arch::find_architecture(JsonConfig::parse(R"({"model_type": "xlm-roberta"})", "config.json"));
  });
  EXPECT_NE(msg.find("unsupported model_type 'xlm-roberta' (molt runs: bert"), std::string::npos) << msg;
  EXPECT_NE(msg.find("field model_type"), std::string::npos) << msg;
  EXPECT_EQ(molt::arch::find_architecture(JsonConfig::parse(R"({"model_type": "bert"})", "c")).model_type, "bert");
}

TEST(ModelIdentity, NamesFromTheHuggingFaceCacheLayout) {
  EXPECT_EQ(molt::model::default_model_name("/c/hub/models--BAAI--bge-small-en-v1.5/snapshots/abc123"),
            "BAAI/bge-small-en-v1.5");
  EXPECT_EQ(molt::model::default_model_name("/c/hub/models--BAAI--bge-small-en-v1.5/snapshots/abc123/"),
            "BAAI/bge-small-en-v1.5");
  EXPECT_EQ(molt::model::default_model_name("/models/all-MiniLM-L6-v2"), "all-MiniLM-L6-v2");
  EXPECT_EQ(molt::model::default_model_name("/models/x.Q8_0.gguf"), "x.Q8_0");
}

}  // namespace
