#include "tests/support/runtime_space_encoder.h"

namespace molt::test {

RuntimeEncoderForTests::RuntimeEncoderForTests(const std::filesystem::path& model, int threads)
    : encoder_(runtime::Encoder::load(model, {.n_threads = threads})) {}

store::ModelIdentity RuntimeEncoderForTests::identity() const {
  return {encoder_.info().identity.name, encoder_.info().identity.hash};
}

std::vector<float> RuntimeEncoderForTests::embed(std::span<const std::string> texts,
                                                 const store::EmbedRequest& request) {
  runtime::EmbedOptions options;
  options.prompt_name = request.prompt.name;
  if (!request.prompt.prefix.empty()) options.prefix = request.prompt.prefix;
  options.dim = request.dim == encoder_.dim() ? 0 : request.dim;
  return encoder_.embed(texts, options).values;
}

}  // namespace molt::test
