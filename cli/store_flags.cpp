#include "cli/store_flags.h"

#include <cstdio>

#include "molt/base/error.h"
#include "molt/index/index_spec.h"
#include "molt/index/vector_codec.h"

namespace molt::cli {

void StoreFlags::add_to(CLI::App& cmd, bool create_help) {
  cmd.add_option("--db", db,
                 create_help ? "Store folder (molt.db and indexes/); created with --create"
                             : "Store folder (molt.db and indexes/)")
      ->required();
  cmd.add_option("--threads", threads, "Threads for building vector indexes (0 = one per core)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
}

std::unique_ptr<store::Store> StoreFlags::open(bool create) const {
  store::StoreOptions options;
  options.create = create;
  options.threads = threads;
  return std::make_unique<store::Store>(db, options);
}

void SpaceFlags::add_to(CLI::App& cmd, const std::string& space_help) {
  cmd.add_option("--space", space, space_help);
  cmd.add_option("--index", index,
                 "Vector index of a new space: flat (exact), hnsw[:M=32,efConstruction=128,efSearch=96], "
                 "ivf[:nlist=1024,nprobe=32]")
      ->capture_default_str();
  cmd.add_option("--metric", metric, "Similarity of a new space: cosine, ip (inner product) or l2")
      ->each([this](const std::string&) { metric_given = true; })
      ->capture_default_str();
  cmd.add_option("--storage", storage, "How a new space stores vectors: f32, or int8 (scalar-quantized, 4x smaller)")
      ->capture_default_str();
}

store::SpaceConfig SpaceFlags::external_space(std::size_t dim) const {
  store::SpaceConfig c;
  c.name = space.empty() ? "default" : space;
  c.model_dim = dim;
  c.dim = dim;
  c.metric = index::parse_metric(metric);
  c.index_spec = index::parse_index_spec(index);
  c.storage = index::parse_vector_storage(storage);
  return c;
}

void ModelFlags::add_to(CLI::App& cmd, const std::string& model_help) {
  cmd.add_option("--model", model, model_help);
  cmd.add_option("--dim", dim,
                 "Matryoshka dimension of a new space: keep the first N values of the model's vectors "
                 "(after its own pre-step), re-normalized when the model normalizes")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  auto* qp = cmd.add_option("--query-prompt", query_prompt,
                            "A new space's query prompt, by name from the model's configuration (default: its "
                            "\"query\" or \"search_query\" prompt when it has one)");
  auto* qx = cmd.add_option("--query-prefix", query_prefix, "A new space's query prompt as literal text");
  auto* dp = cmd.add_option("--doc-prompt", document_prompt,
                            "A new space's document prompt, by name (default: its \"document\", \"passage\" or "
                            "\"search_document\" prompt when it has one)");
  auto* dx = cmd.add_option("--doc-prefix", document_prefix, "A new space's document prompt as literal text");
  qp->excludes(qx);
  dp->excludes(dx);
}

store::SpaceConfig ModelFlags::space_config(const RuntimeSpaceEncoder& encoder, const SpaceFlags& space) const {
  store::SpaceConfig c = SpaceEncoders::space_config(encoder, space.space, dim, {query_prompt, query_prefix},
                                                     {document_prompt, document_prefix});
  c.metric = index::parse_metric(space.metric);
  c.index_spec = index::parse_index_spec(space.index);
  c.storage = index::parse_vector_storage(space.storage);
  return c;
}

void check_model_fits(store::Store& db, const std::string& collection, const store::SpaceConfig& config,
                      bool name_given) {
  const std::optional<store::CollectionInfo> c = db.find_collection(collection);
  if (!c || c->spaces.empty()) return;
  std::string spaces;
  for (const store::SpaceInfo& s : c->spaces) {
    if (s.config.model_hash == config.model_hash && (!name_given || s.name() == config.name)) return;
    spaces += (spaces.empty() ? "" : ", ") + s.name() + " (" + (s.has_model() ? s.config.model_name : "supplied vectors") + ")";
  }
  throw usage_error("model '" + config.model_name + "' is not the model of " +
                        (name_given ? "space '" + config.name + "'" : std::string("any space")) + " of collection '" +
                        c->name + "' (spaces: " + spaces + "); a new space for it is a migration",
                    {.field = "model"});
}

WriteTarget open_write_target(const StoreFlags& store, const SpaceFlags& space, const ModelFlags& model,
                              SpaceEncoders& encoders, const std::string& collection, bool create) {
  WriteTarget target{space.external_space(), nullptr};
  if (!model.model.empty()) target.new_space = model.space_config(encoders.load(model.model), space);
  target.db = store.open(create);
  if (!model.model.empty()) check_model_fits(*target.db, collection, target.new_space, !space.space.empty());
  return target;
}

void print_json_line(const nlohmann::ordered_json& value) {
  const std::string line = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size()) throw io_error("cannot write to stdout");
  std::fflush(stdout);
}

}  // namespace molt::cli
