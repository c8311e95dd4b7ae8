// The JSON of the collection routes: request bodies parsed into the store's own request
// types (every mistake an input_error naming the field, e.g. "documents[3].vector"), and
// documents, write results and search hits written back (collections: catalog_json.h).
//
//   POST /v1/collections                      {"name", "model"?, "space"?, "dimensions"?, "metric"?,
//                                              "index"?, "storage"?, "query_prompt"?, "query_prefix"?,
//                                              "document_prompt"?, "document_prefix"?}
//   POST /v1/collections/{c}/documents        {"documents": [{"id", "text", "metadata"?, "vector"?,
//                                              "vectors"?}], "space"?}
//   POST /v1/collections/{c}/documents/get    {"ids": [...], "space"?, "text"?, "metadata"?}
//   POST /v1/collections/{c}/documents/delete {"ids": [...]}
//   POST /v1/collections/{c}/search           {"query"?, "vector"?, "mode"?, "k"?, "filter"?, "space"?,
//                                              "exact"?, "ef_search"?, "nprobe"?, "fusion_depth"?,
//                                              "with_text"?, "with_metadata"?}
//   PUT  /v1/aliases/{a}                      {"collection"}
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "molt/store/store.h"

namespace molt::server {

// A body that must be one JSON object. Throws input_error otherwise.
nlohmann::json parse_json_object(std::string_view body);

// A new collection, and optionally its first space, of a model served here.
struct SpaceRequest {
  std::string model;                     // a served model's name ("" = the default model)
  std::string name;                      // "" = the model's name (with the dimension when cut)
  std::optional<std::size_t> dimensions;  // Matryoshka width; nullopt = the model's
  std::string metric = "cosine";
  std::string index = "hnsw";
  std::string storage = "f32";
  store::PromptSetting query_prompt;     // neither name nor prefix: the model's own
  store::PromptSetting document_prompt;
};
struct CreateCollectionRequest {
  std::string name;
  std::optional<SpaceRequest> space;  // present when the body names "model" (or "space")
};
CreateCollectionRequest parse_create_collection(std::string_view body);
// The space fields of a body ("model", "space", "dimensions", "metric", "index", "storage",
// the prompts), shared by the routes that create a space.
SpaceRequest parse_space_fields(const nlohmann::json& object);

struct UpsertRequest {
  // "vector" of a document is kept under the key `space` (or "" when the body names no
  // space: the route gives it the serving space's name).
  std::string space;
  std::vector<store::DocumentWrite> documents;
};
UpsertRequest parse_upsert(std::string_view body, std::size_t max_documents);

struct GetRequest {
  std::vector<std::string> ids;
  store::GetOptions options;
};
GetRequest parse_get(std::string_view body, std::size_t max_ids);
std::vector<std::string> parse_delete(std::string_view body, std::size_t max_ids);

// `collection` is the route's; the body may not name another one.
store::SearchRequest parse_search(std::string_view body, const std::string& collection);

// "filter": {"year": 2021, "author.name": "Ada"}: equality on metadata, dots walking into
// nested objects, as `molt search --filter` takes them.
std::vector<store::MetadataFilter> parse_filters(const nlohmann::json& filter);

std::string parse_alias_target(std::string_view body);

nlohmann::ordered_json document_json(const store::Document& doc, const store::GetOptions& options);
nlohmann::ordered_json write_result_json(const store::WriteResult& result);
nlohmann::ordered_json search_result_json(const store::SearchResult& result, const store::SearchRequest& request);

// The body as text: strings that are not UTF-8 (stored before this server saw them) are
// written with U+FFFD rather than failing the response.
std::string dump_json(const nlohmann::ordered_json& value);

}  // namespace molt::server
