#include "molt/store/catalog_json.h"

#include "molt/index/index_spec.h"
#include "molt/index/vector_codec.h"
#include "molt/index/vector_index.h"

namespace molt::store {

nlohmann::ordered_json space_json(const SpaceInfo& s) {
  nlohmann::ordered_json j;
  j["name"] = s.name();
  j["state"] = space_state_name(s.state);
  j["model"] = s.config.model;
  j["model_name"] = s.config.model_name;
  j["model_hash"] = s.config.model_hash;
  j["dim"] = s.config.dim;
  j["model_dim"] = s.config.model_dim;
  j["metric"] = index::metric_name(s.config.metric);
  j["index"] = s.config.index_spec.to_string();
  j["storage"] = index::vector_storage_name(s.config.storage);
  j["query_prompt"] = {{"name", s.config.query_prompt.name}, {"prefix", s.config.query_prompt.prefix}};
  j["document_prompt"] = {{"name", s.config.document_prompt.name}, {"prefix", s.config.document_prompt.prefix}};
  j["created_seq"] = s.created_seq;
  return j;
}

nlohmann::ordered_json collection_json(const CollectionStats& stats) {
  const CollectionInfo& c = stats.info;
  nlohmann::ordered_json j;
  j["name"] = c.name;
  j["documents"] = stats.documents;
  const SpaceInfo* serving = c.serving_space();
  j["serving"] = serving != nullptr ? nlohmann::ordered_json(serving->name()) : nlohmann::ordered_json(nullptr);
  j["aliases"] = c.aliases;
  j["spaces"] = nlohmann::ordered_json::array();
  for (const SpaceInfo& s : c.spaces) {
    nlohmann::ordered_json sj = space_json(s);
    const auto it = stats.vectors.find(s.name());
    sj["vectors"] = it != stats.vectors.end() ? it->second : 0;
    j["spaces"].push_back(std::move(sj));
  }
  return j;
}

}  // namespace molt::store
