#include "molt/server/collection_wire.h"

#include <cmath>
#include <limits>

#include "molt/base/error.h"
#include "molt/server/json_fields.h"
#include "molt/store/metadata_filter.h"

namespace molt::server {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

std::vector<float> parse_vector(const json& value, const std::string& field) {
  if (!value.is_array() || value.empty()) {
    throw input_error("'" + field + "' must be a non-empty array of numbers, not " + json_type_name(value),
                      {.field = field});
  }
  std::vector<float> v;
  v.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const json& x = value[i];
    const std::string at = field + "[" + std::to_string(i) + "]";
    if (!x.is_number()) throw input_error("'" + at + "' must be a number, not " + json_type_name(x), {.field = at});
    const double d = x.get<double>();
    if (!std::isfinite(d) || std::fabs(d) > std::numeric_limits<float>::max()) {
      throw input_error("'" + at + "' does not fit a float", {.field = at});
    }
    v.push_back(static_cast<float>(d));
  }
  return v;
}

std::vector<std::string> parse_ids(const json& object, std::size_t max_ids) {
  const auto it = object.find("ids");
  if (it == object.end() || it->is_null()) throw input_error("missing 'ids': an array of document ids", {.field = "ids"});
  if (!it->is_array()) throw input_error("'ids' must be an array of strings, not " + json_type_name(*it), {.field = "ids"});
  if (it->empty()) throw input_error("'ids' is empty", {.field = "ids"});
  if (it->size() > max_ids) {
    throw input_error("'ids' holds " + std::to_string(it->size()) + " ids, more than the server's limit of " +
                          std::to_string(max_ids) + " (molt serve --max-inputs)",
                      {.field = "ids"});
  }
  std::vector<std::string> ids;
  ids.reserve(it->size());
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& id = (*it)[i];
    if (!id.is_string()) {
      const std::string at = "ids[" + std::to_string(i) + "]";
      throw input_error("'" + at + "' must be a string, not " + json_type_name(id), {.field = at});
    }
    ids.push_back(id.get<std::string>());
  }
  return ids;
}

store::PromptSetting prompt_setting(const json& object, const std::string& side) {
  store::PromptSetting p;
  p.name = string_field(object, side + "_prompt").value_or("");
  p.prefix = string_field(object, side + "_prefix").value_or("");
  if (!p.name.empty() && !p.prefix.empty()) {
    throw input_error("'" + side + "_prompt' and '" + side + "_prefix' cannot both be given",
                      {.field = side + "_prefix"});
  }
  return p;
}

store::DocumentWrite parse_document(const json& value, const std::string& at, const std::string& vector_space) {
  if (!value.is_object()) throw input_error("'" + at + "' must be an object, not " + json_type_name(value), {.field = at});
  for (const auto& [key, v] : value.items()) {
    if (key != "id" && key != "text" && key != "metadata" && key != "vector" && key != "vectors") {
      throw input_error("unknown field '" + at + "." + key + "' (a document takes id, text, metadata, vector, vectors)",
                        {.field = at + "." + key});
    }
  }
  store::DocumentWrite doc;
  const auto id = value.find("id");
  if (id == value.end() || !id->is_string()) {
    throw input_error("'" + at + ".id' must be a string", {.field = at + ".id"});
  }
  doc.id = id->get<std::string>();
  const auto text = value.find("text");
  if (text != value.end() && !text->is_null()) {
    if (!text->is_string()) throw input_error("'" + at + ".text' must be a string", {.field = at + ".text"});
    doc.text = text->get<std::string>();
  }
  const auto metadata = value.find("metadata");
  if (metadata != value.end() && !metadata->is_null()) {
    if (!metadata->is_object()) {
      throw input_error("'" + at + ".metadata' must be an object, not " + json_type_name(*metadata),
                        {.field = at + ".metadata"});
    }
    doc.metadata = *metadata;
  }
  const auto vectors = value.find("vectors");
  if (vectors != value.end() && !vectors->is_null()) {
    if (!vectors->is_object()) {
      throw input_error("'" + at + ".vectors' must be an object of vectors by space name", {.field = at + ".vectors"});
    }
    for (const auto& [space, v] : vectors->items()) doc.vectors[space] = parse_vector(v, at + ".vectors." + space);
  }
  const auto vector = value.find("vector");
  if (vector != value.end() && !vector->is_null()) {
    if (doc.vectors.count(vector_space) != 0) {
      throw input_error("'" + at + "' gives the vector of one space twice, in 'vector' and 'vectors'",
                        {.field = at + ".vector"});
    }
    doc.vectors[vector_space] = parse_vector(*vector, at + ".vector");
  }
  return doc;
}

std::string filter_value_text(const json& value, const std::string& at) {
  if (value.is_object() || value.is_array()) {
    throw input_error("'" + at + "' must be a string, number, boolean or null, not " + json_type_name(value),
                      {.field = at});
  }
  return value.dump();
}

}  // namespace

json parse_json_object(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) throw input_error("the request body is not valid JSON (or not UTF-8)");
  if (!j.is_object()) throw input_error("the request body must be a JSON object, not " + json_type_name(j));
  return j;
}

CreateCollectionRequest parse_create_collection(std::string_view body) {
  const json j = parse_json_object(body);
  check_known_fields(j, {"name", "model", "space", "dimensions", "metric", "index", "storage", "query_prompt",
                         "query_prefix", "document_prompt", "document_prefix"});
  CreateCollectionRequest r;
  const auto name = string_field(j, "name");
  if (!name || name->empty()) throw input_error("missing 'name': the collection's name", {.field = "name"});
  r.name = *name;
  const bool any_space_field = j.size() > 1;
  if (!any_space_field) return r;
  r.space = parse_space_fields(j);
  return r;
}

SpaceRequest parse_space_fields(const json& j) {
  SpaceRequest s;
  s.model = string_field(j, "model").value_or("");
  s.name = string_field(j, "space").value_or("");
  if (const auto d = integer_field(j, "dimensions", 1, 1 << 20)) s.dimensions = static_cast<std::size_t>(*d);
  s.metric = string_field(j, "metric").value_or(s.metric);
  s.index = string_field(j, "index").value_or(s.index);
  s.storage = string_field(j, "storage").value_or(s.storage);
  s.query_prompt = prompt_setting(j, "query");
  s.document_prompt = prompt_setting(j, "document");
  return s;
}

UpsertRequest parse_upsert(std::string_view body, std::size_t max_documents) {
  const json j = parse_json_object(body);
  check_known_fields(j, {"documents", "space"});
  UpsertRequest r;
  r.space = string_field(j, "space").value_or("");
  const auto docs = j.find("documents");
  if (docs == j.end() || docs->is_null()) {
    throw input_error("missing 'documents': an array of {id, text, metadata, vector}", {.field = "documents"});
  }
  if (!docs->is_array()) {
    throw input_error("'documents' must be an array, not " + json_type_name(*docs), {.field = "documents"});
  }
  if (docs->empty()) throw input_error("'documents' is empty", {.field = "documents"});
  if (docs->size() > max_documents) {
    throw input_error("'documents' holds " + std::to_string(docs->size()) +
                          " documents, more than the server's limit of " + std::to_string(max_documents) +
                          " (molt serve --max-inputs); split it",
                      {.field = "documents"});
  }
  r.documents.reserve(docs->size());
  for (std::size_t i = 0; i < docs->size(); ++i) {
    r.documents.push_back(parse_document((*docs)[i], "documents[" + std::to_string(i) + "]", r.space));
  }
  return r;
}

GetRequest parse_get(std::string_view body, std::size_t max_ids) {
  const json j = parse_json_object(body);
  check_known_fields(j, {"ids", "space", "text", "metadata"});
  GetRequest r;
  r.ids = parse_ids(j, max_ids);
  r.options.space = string_field(j, "space").value_or("");
  r.options.text = bool_field(j, "text").value_or(true);
  r.options.metadata = bool_field(j, "metadata").value_or(true);
  return r;
}

std::vector<std::string> parse_delete(std::string_view body, std::size_t max_ids) {
  const json j = parse_json_object(body);
  check_known_fields(j, {"ids"});
  return parse_ids(j, max_ids);
}

std::vector<store::MetadataFilter> parse_filters(const json& filter) {
  std::vector<store::MetadataFilter> out;
  if (filter.is_null()) return out;
  if (!filter.is_object()) {
    throw input_error("'filter' must be an object of metadata fields and values, not " + json_type_name(filter),
                      {.field = "filter"});
  }
  for (const auto& [key, value] : filter.items()) {
    const std::string at = "filter." + key;
    if (key.find('=') != std::string::npos) throw input_error("'" + at + "': a field name cannot hold '='", {.field = at});
    // The store's own parser of "KEY=VALUE" checks the field path; the value is JSON text,
    // so it keeps its type ("2021" stays a string, 2021 a number).
    try {
      out.push_back(store::parse_metadata_filter(key + "=" + filter_value_text(value, at)));
    } catch (const Error& e) {
      throw input_error(e.message(), {.field = at});
    }
  }
  return out;
}

store::SearchRequest parse_search(std::string_view body, const std::string& collection) {
  const json j = parse_json_object(body);
  check_known_fields(j, {"query", "vector", "mode", "k", "filter", "space", "exact", "ef_search", "nprobe",
                         "fusion_depth", "with_text", "with_metadata", "k1", "b"});
  store::SearchRequest r;
  r.collection = collection;
  r.space = string_field(j, "space").value_or("");
  if (const auto mode = string_field(j, "mode")) {
    if (*mode != "dense" && *mode != "bm25" && *mode != "hybrid") {
      throw input_error("'mode' must be dense, bm25 or hybrid, not '" + *mode + "'", {.field = "mode"});
    }
    r.mode = store::parse_search_mode(*mode);
  }
  r.text = string_field(j, "query").value_or("");
  if (const auto v = j.find("vector"); v != j.end() && !v->is_null()) r.vector = parse_vector(*v, "vector");
  if (r.text.empty() && r.vector.empty()) {
    throw input_error("a search needs 'query' (text) or, for dense search, 'vector'", {.field = "query"});
  }
  if (r.mode != store::SearchMode::kDense && r.text.empty()) {
    throw input_error(std::string("a ") + store::search_mode_name(r.mode) + " search needs 'query' text",
                      {.field = "query"});
  }
  r.k = static_cast<std::size_t>(
      integer_field(j, "k", 1, static_cast<std::int64_t>(store::kMaxSearchK)).value_or(10));
  if (const auto f = j.find("filter"); f != j.end()) r.filters = parse_filters(*f);
  r.exact = bool_field(j, "exact").value_or(false);
  r.ef_search = static_cast<int>(integer_field(j, "ef_search", 1, 65536).value_or(0));
  r.nprobe = static_cast<int>(integer_field(j, "nprobe", 1, 1 << 20).value_or(0));
  r.fusion_depth = static_cast<std::size_t>(
      integer_field(j, "fusion_depth", 1, static_cast<std::int64_t>(store::kMaxSearchK)).value_or(100));
  if (const auto k1 = number_field(j, "k1")) {
    if (*k1 < 0 || *k1 > 1000) throw input_error("'k1' must be in [0, 1000]", {.field = "k1"});
    r.bm25.k1 = static_cast<float>(*k1);
  }
  if (const auto b = number_field(j, "b")) {
    if (*b < 0 || *b > 1) throw input_error("'b' must be in [0, 1]", {.field = "b"});
    r.bm25.b = static_cast<float>(*b);
  }
  r.with_text = bool_field(j, "with_text").value_or(true);
  r.with_metadata = bool_field(j, "with_metadata").value_or(true);
  return r;
}

std::string parse_alias_target(std::string_view body) {
  const json j = parse_json_object(body);
  check_known_fields(j, {"collection"});
  const auto c = string_field(j, "collection");
  if (!c || c->empty()) throw input_error("missing 'collection': the collection the alias names", {.field = "collection"});
  return *c;
}

ordered_json document_json(const store::Document& doc, const store::GetOptions& options) {
  ordered_json j;
  j["id"] = doc.id;
  if (options.text) j["text"] = doc.text;
  if (options.metadata) j["metadata"] = doc.metadata;
  if (!options.space.empty()) {
    j["vector"] = doc.vector.empty() ? ordered_json(nullptr) : ordered_json(doc.vector);
  }
  j["seq"] = doc.seq;
  return j;
}

ordered_json write_result_json(const store::WriteResult& r) {
  ordered_json j;
  j["inserted"] = r.inserted;
  j["updated"] = r.updated;
  j["deleted"] = r.deleted;
  j["missing"] = r.missing;
  j["first_seq"] = r.first_seq;
  j["last_seq"] = r.last_seq;
  return j;
}

ordered_json search_result_json(const store::SearchResult& result, const store::SearchRequest& request) {
  ordered_json j;
  j["object"] = "list";
  j["collection"] = result.collection;
  j["space"] = result.space.empty() ? ordered_json(nullptr) : ordered_json(result.space);
  j["mode"] = store::search_mode_name(request.mode);
  j["seq"] = result.seq;
  ordered_json hits = ordered_json::array();
  for (const store::SearchHit& h : result.hits) {
    ordered_json hj;
    hj["id"] = h.id;
    hj["score"] = h.score;
    if (request.with_text) hj["text"] = h.text;
    if (request.with_metadata) hj["metadata"] = h.metadata;
    hits.push_back(std::move(hj));
  }
  j["data"] = std::move(hits);
  return j;
}

std::string dump_json(const ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace molt::server
