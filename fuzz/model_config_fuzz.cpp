// Fuzz target: the JSON configuration files of a model folder, as the runtime reads them —
// config.json (BERT and NomicBERT hyper-parameters, model_type), modules.json, 1_Pooling/config.json,
// config_sentence_transformers.json. Invalid input must throw molt::Error, nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "molt/arch/bert.h"
#include "molt/arch/nomic_bert.h"
#include "molt/arch/registry.h"
#include "molt/base/error.h"
#include "molt/model/json_config.h"
#include "molt/model/pooling_config.h"
#include "molt/model/sentence_transformers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto config = molt::model::JsonConfig::parse(text, "fuzz.json", /*allow_array=*/true);
    const auto attempt = [](auto&& fn) {
      try {
        fn();
      } catch (const molt::Error&) {
      }
    };
    attempt([&] { (void)molt::arch::parse_bert_config(config); });
    attempt([&] { (void)molt::arch::parse_nomic_bert_config(config); });
    attempt([&] { (void)molt::arch::find_architecture(config); });
    attempt([&] { (void)molt::model::parse_pooling_config(config); });
    attempt([&] { (void)molt::model::parse_modules(config); });
    attempt([&] { (void)molt::model::parse_prompts(config); });
  } catch (const molt::Error&) {
  }
  return 0;
}
