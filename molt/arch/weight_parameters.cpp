#include "molt/arch/weight_parameters.h"

#include "molt/base/error.h"

namespace molt::arch {
namespace {

template <class Make>
compute::Weight load(const model::WeightMap& map, const std::string& name, const tensor::Shape& shape,
                     Make make) {
  tensor::Tensor t = map.require(name, shape);
  try {
    return make(std::move(t));
  } catch (const Error& e) {
    const std::string stored = map.stored_name(name);
    const auto info = map.source().find(stored);
    throw e.with({.file = info ? info->file : map.source().source(), .tensor = stored});
  }
}

}  // namespace

compute::Weight WeightParameters::dense(const std::string& name, const tensor::Shape& shape) const {
  return load(map_, name, shape, [](tensor::Tensor t) { return compute::Weight::dense(std::move(t)); });
}

compute::Weight WeightParameters::table(const std::string& name, const tensor::Shape& shape) const {
  return load(map_, name, shape, [](tensor::Tensor t) { return compute::Weight::table(std::move(t)); });
}

}  // namespace molt::arch
