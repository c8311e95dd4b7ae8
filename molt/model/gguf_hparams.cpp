#include "molt/model/gguf_hparams.h"

#include <cmath>

#include "molt/base/error.h"
#include "molt/tensor/shape.h"

namespace molt::model {

GgufHparams::GgufHparams(const formats::GgufMetadata& metadata, std::string architecture, std::string source)
    : metadata_(&metadata), architecture_(std::move(architecture)), source_(std::move(source)) {}

std::string GgufHparams::key(std::string_view name) const { return architecture_ + "." + std::string(name); }

std::int64_t GgufHparams::count(std::string_view name, std::int64_t minimum) const {
  const auto v = find_count(name, minimum);
  if (!v) throw input_error("missing metadata key", {.file = source_, .field = key(name)});
  return *v;
}

std::optional<std::int64_t> GgufHparams::find_count(std::string_view name, std::int64_t minimum) const {
  const std::string k = key(name);
  const auto v = metadata_->find_u32(k);
  if (!v) return std::nullopt;
  const auto value = static_cast<std::int64_t>(*v);
  if (value < minimum || value > (std::int64_t{1} << 31)) {
    throw input_error("must be " + std::string(minimum == 0 ? "non-negative" : "positive") +
                          " and at most 2^31, not " + std::to_string(value),
                      {.file = source_, .field = k});
  }
  return value;
}

std::optional<double> GgufHparams::find_real(std::string_view name, double minimum, double maximum) const {
  const std::string k = key(name);
  const auto v = metadata_->find_f32(k);
  if (!v) return std::nullopt;
  const auto value = static_cast<double>(*v);
  if (!std::isfinite(value) || value < minimum || value > maximum) {
    throw input_error("must be in [" + std::to_string(minimum) + ", " + std::to_string(maximum) + "], not " +
                          std::to_string(value),
                      {.file = source_, .field = k});
  }
  return value;
}

std::optional<bool> GgufHparams::find_flag(std::string_view name) const { return metadata_->find_bool(key(name)); }

std::optional<std::string> GgufHparams::find_text(std::string_view name) const {
  return metadata_->find_string(key(name));
}

std::int64_t gguf_table_rows(const WeightSource& weights, std::string_view name, bool required) {
  const auto info = weights.find(name);
  if (!info) {
    if (required) throw input_error("missing tensor", {.file = weights.source(), .tensor = std::string(name)});
    return 0;
  }
  if (info->shape.size() != 2 || info->shape[0] > (std::int64_t{1} << 31)) {
    throw input_error("an embedding table must be a matrix of at most 2^31 rows, not shape " +
                          tensor::shape_string(info->shape),
                      {.file = info->file, .tensor = std::string(name)});
  }
  return info->shape[0];
}

}  // namespace molt::model
