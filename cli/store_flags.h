// Flags and output shared by the store commands (ingest, search, collections, import,
// export): --db, the settings of a new space, and collections and spaces as JSON.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/space_encoders.h"
#include "molt/store/catalog_json.h"
#include "molt/store/store.h"

namespace molt::cli {

// --db DIR (required) and --threads N.
struct StoreFlags {
  std::string db;
  int threads = 0;
  void add_to(CLI::App& cmd, bool create_help);
  // Opens the store (creating it when `create`).
  std::unique_ptr<store::Store> open(bool create) const;
};

// How a space created by this command is set up: --space, --index, --metric, --storage.
struct SpaceFlags {
  std::string space;
  std::string index = "hnsw";
  std::string metric = "cosine";
  std::string storage = "f32";
  bool metric_given = false;
  void add_to(CLI::App& cmd, const std::string& space_help);
  // A space for vectors supplied by the writer (no model); dim 0 = from the data.
  store::SpaceConfig external_space(std::size_t dim = 0) const;
};

// --model, --dim and the prompts of a new space of that model.
struct ModelFlags {
  std::string model;
  std::size_t dim = 0;
  std::string query_prompt;
  std::string query_prefix;
  std::string document_prompt;
  std::string document_prefix;
  void add_to(CLI::App& cmd, const std::string& model_help);
  // A space of `encoder`'s model set up by these flags and `space` (name, index, metric,
  // storage).
  store::SpaceConfig space_config(const RuntimeSpaceEncoder& encoder, const SpaceFlags& space) const;
};

// When `collection` exists with spaces, one of them must be of `config`'s model (and of
// `config`'s name when the command named one); throws usage_error naming them otherwise.
void check_model_fits(store::Store& db, const std::string& collection, const store::SpaceConfig& config,
                      bool name_given);

// What a command that writes documents needs before it writes: the space a first write
// creates (of --model when given, else for the writer's vectors) and the open store.
struct WriteTarget {
  store::SpaceConfig new_space;
  std::unique_ptr<store::Store> db;
};
// Loads --model into `encoders` (its prompts and --dim checked) before the store is touched,
// then opens the store and checks that the model fits `collection` (check_model_fits).
WriteTarget open_write_target(const StoreFlags& store, const SpaceFlags& space, const ModelFlags& model,
                              SpaceEncoders& encoders, const std::string& collection, bool create);

// store::space_json and store::collection_json (molt/store/catalog_json.h) write them.

// Prints one JSON value as a line on stdout and flushes.
void print_json_line(const nlohmann::ordered_json& value);

}  // namespace molt::cli
