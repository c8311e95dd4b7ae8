#include "cli/space_encoders.h"

#include "cli/cli_support.h"
#include "molt/base/error.h"
#include "molt/eval/encoder_embedder.h"
#include "molt/store/names.h"

namespace molt::cli {
namespace {

// "all-MiniLM-L6-v2" from "sentence-transformers/all-MiniLM-L6-v2", made a valid space name.
std::string space_name_of(const std::string& model_name, std::size_t dim, std::size_t model_dim) {
  std::string base = model_name.substr(model_name.find_last_of('/') + 1);
  std::string name;
  for (const char c : base) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    name += ok ? c : '-';
  }
  while (!name.empty() && (name.front() == '-' || name.front() == '.' || name.front() == '_')) name.erase(0, 1);
  while (!name.empty() && name.back() == '.') name.pop_back();
  if (name.empty()) name = "model";
  if (name.size() > 100) name.resize(100);
  if (dim != model_dim) name += "-" + std::to_string(dim);
  return name;
}

}  // namespace

RuntimeSpaceEncoder::RuntimeSpaceEncoder(runtime::Encoder encoder, std::string reference, std::size_t batch_size)
    : encoder_(std::move(encoder)), reference_(std::move(reference)), batch_size_(batch_size) {}

store::ModelIdentity RuntimeSpaceEncoder::identity() const {
  const auto& id = encoder_.info().identity;
  return {id.name, id.hash};
}

std::vector<float> RuntimeSpaceEncoder::embed(std::span<const std::string> texts, const store::EmbedRequest& request) {
  runtime::EmbedOptions options;
  options.prompt_name = request.prompt.name;
  if (!request.prompt.prefix.empty()) options.prefix = request.prompt.prefix;
  options.dim = request.dim == encoder_.dim() ? 0 : request.dim;
  options.batch_size = batch_size_;
  return encoder_.embed(texts, options).values;
}

SpaceEncoders::SpaceEncoders(int threads, bool progress, std::size_t batch_size)
    : threads_(threads), progress_(progress), batch_size_(batch_size) {}

RuntimeSpaceEncoder& SpaceEncoders::load(const std::string& argument) {
  const ModelLocation location = resolve_model_argument(argument, progress_);
  runtime::EncoderOptions options;
  options.n_threads = threads_;
  options.name = location.id;
  runtime::Encoder encoder = runtime::Encoder::load(location.path, options);
  const std::string reference = !location.id.empty() ? location.id : std::filesystem::absolute(location.path).string();
  auto loaded = std::make_unique<RuntimeSpaceEncoder>(std::move(encoder), reference, batch_size_);
  const std::string hash = loaded->identity().hash;
  auto& slot = by_hash_[hash];
  if (!slot) slot = std::move(loaded);
  return *slot;
}

store::SpaceEncoder* SpaceEncoders::for_space(const store::SpaceInfo& space) {
  if (!space.has_model()) return nullptr;
  if (auto it = by_hash_.find(space.config.model_hash); it != by_hash_.end()) return it->second.get();
  // The model the space records; the store checks that it still is the same model.
  return &load(space.config.model);
}

store::EncoderProvider SpaceEncoders::provider() {
  return [this](const store::SpaceInfo& space) { return for_space(space); };
}

store::SpaceConfig SpaceEncoders::space_config(const RuntimeSpaceEncoder& encoder, std::string name, std::size_t dim,
                                               store::PromptSetting query, store::PromptSetting document) {
  const runtime::ModelInfo& info = encoder.encoder().info();
  if (dim > info.dim) {
    throw usage_error("--dim " + std::to_string(dim) + " is larger than the model's dimension " +
                          std::to_string(info.dim),
                      {.field = "dim"});
  }
  store::SpaceConfig c;
  c.model = encoder.reference();
  c.model_name = info.identity.name;
  c.model_hash = info.identity.hash;
  c.model_dim = info.dim;
  c.dim = dim == 0 ? info.dim : dim;
  c.name = name.empty() ? space_name_of(info.identity.name, c.dim, info.dim) : std::move(name);
  auto with_default = [&](store::PromptSetting given, eval::EmbedRole role) {
    if (!given.name.empty() || !given.prefix.empty()) return given;
    return store::PromptSetting{eval::default_side_prompt(info, role).name, ""};
  };
  c.query_prompt = with_default(std::move(query), eval::EmbedRole::kQuery);
  c.document_prompt = with_default(std::move(document), eval::EmbedRole::kDocument);
  // Prompts and width are checked by the model itself before anything is written.
  for (const store::PromptSetting& p : {c.query_prompt, c.document_prompt}) {
    runtime::EmbedOptions options;
    options.prompt_name = p.name;
    if (!p.prefix.empty()) options.prefix = p.prefix;
    (void)encoder.encoder().tokenize("", options);
  }
  return c;
}

}  // namespace molt::cli
