#include "molt/model/pooling_config.h"

#include "molt/base/error.h"

namespace molt::model {

const char* pooling_mode_name(PoolingMode mode) {
  switch (mode) {
    case PoolingMode::kCls: return "cls";
    case PoolingMode::kMax: return "max";
    case PoolingMode::kMean: return "mean";
    case PoolingMode::kMeanSqrtLen: return "mean_sqrt_len_tokens";
    case PoolingMode::kWeightedMean: return "weightedmean";
    case PoolingMode::kLastToken: return "lasttoken";
  }
  return "?";
}

std::string PoolingConfig::describe() const {
  std::string out;
  for (const PoolingMode m : modes) {
    if (!out.empty()) out += "+";
    out += pooling_mode_name(m);
  }
  return out;
}

PoolingConfig parse_pooling_config(const JsonConfig& config) {
  PoolingConfig p;
  p.word_embedding_dimension = config.require_int("word_embedding_dimension");
  if (p.word_embedding_dimension <= 0) {
    throw input_error("word_embedding_dimension must be positive",
                      {.file = config.source(), .field = "word_embedding_dimension"});
  }
  bool cls = config.get_bool("pooling_mode_cls_token", false);
  bool max = config.get_bool("pooling_mode_max_tokens", false);
  bool mean = config.get_bool("pooling_mode_mean_tokens", true);
  bool mean_sqrt = config.get_bool("pooling_mode_mean_sqrt_len_tokens", false);
  bool weighted = config.get_bool("pooling_mode_weightedmean_tokens", false);
  bool last = config.get_bool("pooling_mode_lasttoken", false);
  if (const auto mode = config.find_string("pooling_mode")) {
    // Pooling(pooling_mode=...) lower-cases the name and replaces every flag.
    std::string m = *mode;
    for (char& c : m) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (m != "mean" && m != "max" && m != "cls" && m != "weightedmean" && m != "lasttoken") {
      throw input_error("unknown pooling_mode '" + *mode +
                            "' (sentence-transformers knows mean, max, cls, weightedmean, lasttoken)",
                        {.file = config.source(), .field = "pooling_mode"});
    }
    cls = m == "cls";
    max = m == "max";
    mean = m == "mean";
    mean_sqrt = false;
    weighted = m == "weightedmean";
    last = m == "lasttoken";
  }
  if (cls) p.modes.push_back(PoolingMode::kCls);
  if (max) p.modes.push_back(PoolingMode::kMax);
  if (mean) p.modes.push_back(PoolingMode::kMean);
  if (mean_sqrt) p.modes.push_back(PoolingMode::kMeanSqrtLen);
  if (weighted) p.modes.push_back(PoolingMode::kWeightedMean);
  if (last) p.modes.push_back(PoolingMode::kLastToken);
  if (p.modes.empty()) {
    throw input_error("no pooling mode is enabled", {.file = config.source()});
  }
  p.include_prompt = config.get_bool("include_prompt", true);
  return p;
}

PoolingConfig default_pooling_config(std::int64_t hidden_size) {
  PoolingConfig p;
  p.word_embedding_dimension = hidden_size;
  p.modes = {PoolingMode::kMean};
  return p;
}

}  // namespace molt::model
