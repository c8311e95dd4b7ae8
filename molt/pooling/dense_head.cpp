#include "molt/pooling/dense_head.h"

#include "molt/base/error.h"

namespace molt::pooling {
namespace {

compute::Activation to_activation(model::DenseActivation a) {
  using model::DenseActivation;
  switch (a) {
    case DenseActivation::kIdentity: return compute::Activation::kIdentity;
    case DenseActivation::kTanh: return compute::Activation::kTanh;
    case DenseActivation::kRelu: return compute::Activation::kRelu;
    case DenseActivation::kSigmoid: return compute::Activation::kSigmoid;
    case DenseActivation::kGelu: return compute::Activation::kGeluErf;  // nn.GELU() is exact
    case DenseActivation::kSilu: return compute::Activation::kSilu;
  }
  return compute::Activation::kIdentity;
}

compute::Weight dense_weight(const model::DenseModule& module, const tensor::Tensor& t, const char* name) {
  try {
    return compute::Weight::dense(t.view());
  } catch (const Error& e) {
    throw e.with({.file = module.file->path(), .tensor = name});
  }
}

}  // namespace

DenseHead::DenseHead(const model::DenseModule& module)
    : weight_(dense_weight(module, module.weight, "linear.weight")), activation_(to_activation(module.activation)) {
  if (module.has_bias) bias_ = dense_weight(module, module.bias, "linear.bias");
}

void DenseHead::forward(const compute::Context& ctx, compute::ConstMatrixView x, compute::MatrixView y) const {
  compute::linear(ctx, x, weight_, bias_ ? &*bias_ : nullptr, y, activation_);
}

}  // namespace molt::pooling
