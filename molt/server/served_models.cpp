#include "molt/server/served_models.h"

#include "molt/base/error.h"
#include "molt/server/api_error.h"

namespace molt::server {

void ServedModels::add(std::string name, std::unique_ptr<EmbeddingBackend> backend,
                       std::unique_ptr<DynamicBatcher> batcher) {
  if (name.empty()) throw usage_error("a served model needs a name");
  if (printable(name, std::string::npos) != name) throw usage_error("model name is not UTF-8: " + printable(name));
  for (const auto& m : models_) {
    if (m->name == name) {
      throw usage_error("two models are served as '" + name + "'; name them apart with --model NAME=MODEL");
    }
  }
  auto model = std::make_unique<ServedModel>();
  model->name = std::move(name);
  model->backend = std::move(backend);
  model->batcher = std::move(batcher);
  models_.push_back(std::move(model));
}

ServedModel& ServedModels::find(std::string_view name) const {
  if (models_.empty()) {
    throw not_found_error("this server embeds nothing: start molt serve with --model", {.field = "model"});
  }
  if (name.empty()) return *models_.front();
  for (const auto& m : models_) {
    if (m->name == name) return *m;
  }
  std::string names;
  for (const auto& m : models_) names += (names.empty() ? "" : ", ") + m->name;
  throw not_found_error("model '" + printable(name) + "' is not served here (served: " + names + ")",
                        {.field = "model"});
}

void ServedModels::stop() {
  for (const auto& m : models_) m->batcher->stop();
}

}  // namespace molt::server
