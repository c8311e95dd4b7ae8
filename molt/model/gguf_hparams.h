// GgufHparams: an architecture's hyper-parameters in a GGUF file — llama.cpp's
// "<general.architecture>.<name>" metadata keys ("nomic-bert.block_count") — read with the
// types llama.cpp's loader expects (u32 counts, f32 reals, bool flags; no silent
// conversion) and checked to be usable before anything is sized from them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "molt/formats/gguf_metadata.h"
#include "molt/model/weight_source.h"

namespace molt::model {

class GgufHparams {
 public:
  // `source` names the file in errors.
  GgufHparams(const formats::GgufMetadata& metadata, std::string architecture, std::string source);

  const std::string& architecture() const { return architecture_; }
  const std::string& source() const { return source_; }
  std::string key(std::string_view name) const;  // "<architecture>.<name>"

  // A u32 count in [minimum, 2^31]. count() throws input_error naming the file and key when
  // it is absent; both when it has another type or lies outside the range.
  std::int64_t count(std::string_view name, std::int64_t minimum = 1) const;
  std::optional<std::int64_t> find_count(std::string_view name, std::int64_t minimum = 1) const;
  // An f32; a non-finite value or one outside [minimum, maximum] is an input_error.
  std::optional<double> find_real(std::string_view name, double minimum, double maximum) const;
  std::optional<bool> find_flag(std::string_view name) const;
  std::optional<std::string> find_text(std::string_view name) const;

 private:
  const formats::GgufMetadata* metadata_;
  std::string architecture_;
  std::string source_;
};

// The row count of the table `name` in `weights` — llama.cpp records no vocabulary or
// token-type count, the embedding tables say them. 0 when the tensor is absent and not
// required; input_error naming the file and the tensor when it is required and absent, not
// a matrix, or has more than 2^31 rows.
std::int64_t gguf_table_rows(const WeightSource& weights, std::string_view name, bool required);

}  // namespace molt::model
