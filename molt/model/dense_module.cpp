#include "molt/model/dense_module.h"

#include "molt/base/error.h"
#include "molt/tensor/shape.h"

namespace molt::model {
namespace fs = std::filesystem;
namespace {

DenseActivation parse_activation(const std::string& name, const std::string& source) {
  const auto dot = name.rfind('.');
  const std::string cls = dot == std::string::npos ? name : name.substr(dot + 1);
  if (cls == "Identity") return DenseActivation::kIdentity;
  if (cls == "Tanh") return DenseActivation::kTanh;
  if (cls == "ReLU") return DenseActivation::kRelu;
  if (cls == "Sigmoid") return DenseActivation::kSigmoid;
  if (cls == "GELU") return DenseActivation::kGelu;
  if (cls == "SiLU") return DenseActivation::kSilu;
  throw input_error("unsupported Dense activation_function '" + name +
                        "' (molt knows Identity, Tanh, ReLU, Sigmoid, GELU, SiLU)",
                    {.file = source, .field = "activation_function"});
}

tensor::Tensor dense_tensor(const formats::SafetensorsFile& file, const std::string& name,
                            const tensor::Shape& shape) {
  const formats::SafetensorsTensorInfo* info = file.find(name);
  if (info == nullptr) {
    throw input_error("missing tensor", {.file = file.path(), .tensor = name});
  }
  if (info->shape != shape) {
    throw input_error("shape " + tensor::shape_string(info->shape) + " disagrees with config.json (expected " +
                          tensor::shape_string(shape) + ")",
                      {.file = file.path(), .tensor = name});
  }
  return file.tensor(*info);
}

}  // namespace

DenseModule load_dense_module(const fs::path& folder) {
  const JsonConfig config = JsonConfig::read(folder / "config.json");
  DenseModule m;
  m.folder = folder;
  m.in_features = config.require_int("in_features");
  m.out_features = config.require_int("out_features");
  if (m.in_features <= 0 || m.out_features <= 0) {
    throw input_error("in_features and out_features must be positive", {.file = config.source()});
  }
  m.has_bias = config.get_bool("bias", true);
  m.activation_name = config.get_string("activation_function", "torch.nn.modules.activation.Tanh");
  m.activation = parse_activation(m.activation_name, config.source());

  const fs::path weights = folder / "model.safetensors";
  std::error_code ec;
  if (!fs::exists(weights, ec)) {
    if (fs::exists(folder / "pytorch_model.bin", ec)) {
      throw input_error(
          "the Dense module's weights are a PyTorch pickle; molt reads safetensors only (convert "
          "with safetensors.torch.save_file)",
          {.file = (folder / "pytorch_model.bin").string()});
    }
    throw not_found_error("the Dense module has no weights", {.file = weights.string()});
  }
  m.file = std::make_shared<const formats::SafetensorsFile>(weights);
  m.weight = dense_tensor(*m.file, "linear.weight", {m.out_features, m.in_features});
  if (m.has_bias) m.bias = dense_tensor(*m.file, "linear.bias", {m.out_features});
  return m;
}

}  // namespace molt::model
