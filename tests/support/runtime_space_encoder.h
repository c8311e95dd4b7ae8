// A store::SpaceEncoder over a real model (the runtime's Encoder), for tests that write to a
// store in-process with the same vectors the CLI would compute: the space's prompt and
// width, 32 sequences per forward pass.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "molt/runtime/encoder.h"
#include "molt/store/space_encoder.h"

namespace molt::test {

class RuntimeEncoderForTests final : public store::SpaceEncoder {
 public:
  explicit RuntimeEncoderForTests(const std::filesystem::path& model, int threads = 1);

  store::ModelIdentity identity() const override;
  std::size_t dim() const override { return encoder_.dim(); }
  std::vector<float> embed(std::span<const std::string> texts, const store::EmbedRequest& request) override;

 private:
  runtime::Encoder encoder_;
};

}  // namespace molt::test
