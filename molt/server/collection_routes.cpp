#include "molt/server/collection_routes.h"

#include <algorithm>
#include <map>

#include "molt/base/error.h"
#include "molt/index/index_spec.h"
#include "molt/index/vector_codec.h"
#include "molt/index/vector_index.h"
#include "molt/migrate/routed_search.h"
#include "molt/server/api_error.h"
#include "molt/store/catalog_json.h"
#include "molt/store/names.h"

namespace molt::server {
namespace {

using nlohmann::ordered_json;

// A setting parsed by the index module's own parser, its refusal re-raised as the field's.
template <typename Parse>
auto parse_setting(const std::string& field, const std::string& text, Parse parse) {
  try {
    return parse(text);
  } catch (const Error& e) {
    throw input_error(e.message(), {.field = field});
  }
}

// The model's own prompt for a side when the request names none: the names MTEB and molt
// ingest pick ("query"/"search_query"; "document"/"passage"/"search_document").
store::PromptSetting side_prompt(const store::PromptSetting& given, const ModelCard& card,
                                 std::initializer_list<const char*> defaults, const std::string& field,
                                 const std::string& model) {
  const auto has = [&card](const std::string& name) {
    return std::find(card.prompt_names.begin(), card.prompt_names.end(), name) != card.prompt_names.end();
  };
  if (!given.name.empty()) {
    if (!has(given.name)) {
      throw input_error("model '" + model + "' has no prompt named '" + printable(given.name) + "'", {.field = field});
    }
    return given;
  }
  if (!given.prefix.empty()) return given;
  for (const char* name : defaults) {
    if (has(name)) return {name, ""};
  }
  return {};
}

Error invalid_name(const std::string& field, const std::string& name) {
  return input_error("'" + field + "' must be 1-128 characters from [A-Za-z0-9_.-], starting with a letter or digit " +
                         "and not ending with '.', not '" + printable(name) + "'",
                     {.field = field});
}

ordered_json collection_with_sizes(store::Store& db, const std::string& name_or_alias) {
  const store::CollectionInfo info = db.collection(name_or_alias);
  for (const store::CollectionStats& stats : db.list_collections()) {
    if (stats.info.id == info.id) return store::collection_json(stats);
  }
  // Dropped between the two reads.
  throw not_found_error("unknown collection '" + printable(name_or_alias) + "'", {.field = "collection"});
}

}  // namespace

store::SpaceConfig served_space_config(const SpaceRequest& request, EmbeddingService& service) {
  const ServedModel& model = service.models().find(request.model);
  const ModelCard& card = model.backend->card();
  store::SpaceConfig c;
  c.model = card.reference;
  c.model_name = card.model_name.empty() ? model.name : card.model_name;
  c.model_hash = card.identity;
  c.model_dim = card.dim;
  c.dim = request.dimensions.value_or(card.dim);
  if (c.dim == 0 || c.dim > card.dim) {
    throw input_error("'dimensions' must be between 1 and " + std::to_string(card.dim) + " for model '" +
                          model.name + "', not " + std::to_string(c.dim),
                      {.field = "dimensions"});
  }
  c.name = request.name;
  if (c.name.empty()) {
    c.name = model.name + (c.dim != card.dim ? "-" + std::to_string(c.dim) : "");
    if (!store::is_valid_name(c.name)) {
      throw input_error("model name '" + printable(model.name) +
                            "' is not a valid space name; give the space a name with 'space'",
                        {.field = "space"});
    }
  } else if (!store::is_valid_name(c.name)) {
    throw invalid_name("space", c.name);
  }
  c.metric = parse_setting("metric", request.metric, [](const std::string& t) { return index::parse_metric(t); });
  c.index_spec = parse_setting("index", request.index, [](const std::string& t) { return index::parse_index_spec(t); });
  c.storage =
      parse_setting("storage", request.storage, [](const std::string& t) { return index::parse_vector_storage(t); });
  c.query_prompt = side_prompt(request.query_prompt, card, {"query", "search_query"}, "query_prompt", model.name);
  c.document_prompt = side_prompt(request.document_prompt, card, {"document", "passage", "search_document"},
                                  "document_prompt", model.name);
  return c;
}

std::vector<Route> collection_routes(store::Store& db, EmbeddingService& service, const ServedSpaceEncoders& encoders) {
  const std::size_t max_inputs = service.limits().max_inputs;

  const auto list = [&db](const HttpRequest&) {
    ordered_json data = ordered_json::array();
    for (const store::CollectionStats& s : db.list_collections()) {
      data.push_back(store::collection_json(s));
    }
    return json_response(dump_json({{"object", "list"}, {"data", std::move(data)}}));
  };
  const auto create = [&db, &service](const HttpRequest& request) {
    const CreateCollectionRequest r = parse_create_collection(request.body);
    if (!store::is_valid_name(r.name)) throw invalid_name("name", r.name);
    // The space is checked against its model before anything is written.
    std::optional<store::SpaceConfig> space;
    if (r.space) space = served_space_config(*r.space, service);
    db.create_collection(r.name);
    if (space) {
      try {
        db.create_space(r.name, *space);
      } catch (...) {
        db.drop_collection(r.name);  // all or nothing, as the client asked for both
        throw;
      }
    }
    return json_response(dump_json(collection_with_sizes(db, r.name)), 201);
  };
  const auto get = [&db](const HttpRequest& request) {
    return json_response(dump_json(collection_with_sizes(db, request.param("name"))));
  };
  const auto drop = [&db](const HttpRequest& request) {
    const std::string& name = request.param("name");
    const store::CollectionInfo info = db.collection(name);
    if (info.name != name) {
      throw input_error("'" + printable(name) + "' is an alias of collection '" + info.name +
                            "'; drop the collection by its own name",
                        {.field = "collection"});
    }
    db.drop_collection(name);
    return json_response(dump_json({{"object", "collection.deleted"}, {"name", name}, {"deleted", true}}));
  };
  const auto upsert = [&db, &encoders, max_inputs](const HttpRequest& request) {
    const std::string& collection = request.param("name");
    UpsertRequest r = parse_upsert(request.body, max_inputs);
    if (r.space.empty()) {
      // "vector" belongs to the serving space.
      const bool any = std::any_of(r.documents.begin(), r.documents.end(),
                                   [](const store::DocumentWrite& d) { return d.vectors.count("") != 0; });
      if (any) {
        const store::CollectionInfo info = db.collection(collection);
        const store::SpaceInfo* serving = info.serving_space();
        if (serving == nullptr) {
          throw input_error("collection '" + info.name + "' has no space for 'vector'", {.field = "documents"});
        }
        for (store::DocumentWrite& d : r.documents) {
          if (auto node = d.vectors.extract(""); node) {
            node.key() = serving->name();
            if (!d.vectors.insert(std::move(node)).inserted) {
              throw input_error("document '" + printable(d.id) + "' gives the serving space's vector twice",
                                {.row = d.id, .field = "vector"});
            }
          }
        }
      }
    }
    const store::WriteResult result = db.upsert(collection, r.documents, encoders.provider());
    return json_response(dump_json(write_result_json(result)));
  };
  const auto get_documents = [&db, max_inputs](const HttpRequest& request) {
    const GetRequest r = parse_get(request.body, max_inputs);
    const auto docs = db.get(request.param("name"), r.ids, r.options);
    ordered_json data = ordered_json::array();
    for (const auto& d : docs) data.push_back(d ? document_json(*d, r.options) : ordered_json(nullptr));
    return json_response(dump_json({{"object", "list"}, {"data", std::move(data)}}));
  };
  const auto get_document = [&db](const HttpRequest& request) {
    store::GetOptions options;
    options.space = request.query_value("space").value_or("");
    const std::string id = request.param("id");
    const auto docs = db.get(request.param("name"), std::span<const std::string>(&id, 1), options);
    if (docs.empty() || !docs.front()) {
      throw not_found_error("no document '" + printable(id) + "' in collection '" + printable(request.param("name")) +
                                "'",
                            {.field = "id"});
    }
    return json_response(dump_json(document_json(*docs.front(), options)));
  };
  const auto delete_documents = [&db, max_inputs](const HttpRequest& request) {
    const std::vector<std::string> ids = parse_delete(request.body, max_inputs);
    return json_response(dump_json(write_result_json(db.remove(request.param("name"), ids))));
  };
  const auto delete_document = [&db](const HttpRequest& request) {
    const std::string id = request.param("id");
    const store::WriteResult result = db.remove(request.param("name"), std::span<const std::string>(&id, 1));
    if (result.deleted == 0) {
      throw not_found_error("no document '" + printable(id) + "' in collection '" + printable(request.param("name")) +
                                "'",
                            {.field = "id"});
    }
    return json_response(dump_json(write_result_json(result)));
  };
  const auto search = [&db, &encoders](const HttpRequest& request) {
    const store::SearchRequest r = parse_search(request.body, request.param("name"));
    // During a migration's canary, a text query that names no space goes to its side.
    const store::SearchResult result = migrate::routed_search(db, r, encoders.provider());
    return json_response(dump_json(search_result_json(result, r)));
  };
  const auto aliases = [&db](const HttpRequest&) {
    ordered_json data = ordered_json::array();
    for (const store::AliasInfo& a : db.aliases()) data.push_back({{"name", a.name}, {"collection", a.collection}});
    return json_response(dump_json({{"object", "list"}, {"data", std::move(data)}}));
  };
  const auto set_alias = [&db](const HttpRequest& request) {
    const std::string& alias = request.param("alias");
    const std::string target = parse_alias_target(request.body);
    db.set_alias(alias, target);
    return json_response(dump_json({{"name", alias}, {"collection", db.collection(alias).name}}));
  };
  const auto drop_alias = [&db](const HttpRequest& request) {
    const std::string& alias = request.param("alias");
    db.drop_alias(alias);
    return json_response(dump_json({{"object", "alias.deleted"}, {"name", alias}, {"deleted", true}}));
  };

  const std::string c = "/v1/collections/{name}";
  return {
      Route{"GET", "/v1/collections", "/v1/collections", false, list},
      Route{"POST", "/v1/collections", "/v1/collections", false, create},
      Route{"GET", c, c, false, get},
      Route{"DELETE", c, c, false, drop},
      Route{"POST", c + "/documents", c + "/documents", false, upsert},
      Route{"POST", c + "/documents/get", c + "/documents/get", false, get_documents},
      Route{"POST", c + "/documents/delete", c + "/documents/delete", false, delete_documents},
      Route{"GET", c + "/documents/{id*}", c + "/documents/{id}", false, get_document},
      Route{"DELETE", c + "/documents/{id*}", c + "/documents/{id}", false, delete_document},
      Route{"POST", c + "/search", c + "/search", false, search},
      Route{"GET", "/v1/aliases", "/v1/aliases", false, aliases},
      Route{"PUT", "/v1/aliases/{alias}", "/v1/aliases/{alias}", false, set_alias},
      Route{"DELETE", "/v1/aliases/{alias}", "/v1/aliases/{alias}", false, drop_alias},
  };
}

}  // namespace molt::server
