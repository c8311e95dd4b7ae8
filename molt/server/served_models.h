// ServedModels: the models a server answers for, by the name clients put in "model", each
// with its backend and its dynamic batcher. The first one is the default for requests that
// name none (TEI's routes, OpenAI requests without "model").
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "molt/server/dynamic_batcher.h"
#include "molt/server/embedding_backend.h"

namespace molt::server {

struct ServedModel {
  std::string name;
  std::unique_ptr<EmbeddingBackend> backend;
  std::unique_ptr<DynamicBatcher> batcher;
};

class ServedModels {
 public:
  // Throws usage_error for a name that is empty, not UTF-8, or already taken.
  void add(std::string name, std::unique_ptr<EmbeddingBackend> backend, std::unique_ptr<DynamicBatcher> batcher);

  // `name` "" means the default model. Throws not_found_error (field "model") naming the
  // served models when there is no such model, or when none is served.
  ServedModel& find(std::string_view name) const;

  std::size_t size() const { return models_.size(); }
  const std::vector<std::unique_ptr<ServedModel>>& all() const { return models_; }

  // Stops every batcher after its queued work is done.
  void stop();

 private:
  std::vector<std::unique_ptr<ServedModel>> models_;
};

}  // namespace molt::server
