// molt import: a collection from JSONL with vectors, .npy/.npz vectors + ids, or a FAISS file.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "cli/space_encoders.h"
#include "cli/store_flags.h"
#include "molt/store/importer.h"

namespace molt::cli {
namespace {

struct ImportFlags {
  StoreFlags store;
  SpaceFlags space;
  ModelFlags model;
  std::string collection;
  bool create = false;
  std::string jsonl;
  std::string vectors;
  std::string ids;
  std::string docs;
  std::string npz_key;
  std::size_t batch_size = 1000;
  bool progress = false;
};

int run_import(const ImportFlags& f) {
  SpaceEncoders encoders(f.store.threads, progress_wanted(f.progress));
  WriteTarget target = open_write_target(f.store, f.space, f.model, encoders, f.collection, f.create);
  std::unique_ptr<store::Store> db = std::move(target.db);
  store::ImportOptions o;
  o.new_space = std::move(target.new_space);
  ProgressBar bar(progress_wanted(f.progress));
  o.collection = f.collection;
  o.create_collection = f.create;
  o.space = f.space.space;
  if (f.space.metric_given) o.metric = index::parse_metric(f.space.metric);
  o.jsonl = f.jsonl;
  o.vectors = f.vectors;
  o.ids = f.ids;
  o.docs = f.docs;
  o.npz_key = f.npz_key;
  o.batch_size = f.batch_size;
  o.progress = bar.callback();
  const store::ImportResult r = store::import_files(*db, o, encoders.provider());
  bar.finish();
  db->refresh_indexes(f.collection);
  nlohmann::ordered_json out;
  out["collection"] = f.collection;
  out["space"] = r.space;
  out["dim"] = r.dim;
  out["documents"] = r.documents;
  out["batches"] = r.batches;
  out["first_seq"] = r.first_seq;
  out["last_seq"] = r.last_seq;
  print_json_line(out);
  return 0;
}

}  // namespace

Runner add_import(CLI::App& cmd) {
  auto f = std::make_shared<ImportFlags>();
  cmd.description(
      "Import documents and vectors that another store left in files: JSONL with \"vector\" fields "
      "(--jsonl), or a vector file (--vectors: .npy, .npz, or a FAISS index: flat, HNSW, IVF-flat, "
      "ID map) with an id list (--ids: one id per line, or a .json array; FAISS label l is ids[l], "
      "or the id itself without a list) and optionally their texts and metadata (--docs JSONL). "
      "Every file is checked whole before anything is written; then batches commit one by one. "
      "Prints one JSON summary.");
  f->store.add_to(cmd, true);
  cmd.add_option("--collection", f->collection, "Collection (or alias) to import into")->required();
  cmd.add_flag("--create", f->create, "Create the store, the collection and the space when missing");
  f->space.add_to(cmd, "Space the vectors go to (default: the serving space); the name of a new space (default: "
                      "the model's name, or \"default\")");
  f->model.add_to(cmd,
                  "The model the vectors were made with (a folder, .gguf file or Hugging Face id): a new space "
                  "records it (its width must be the file's), so later writes and searches embed with it and a "
                  "migration knows what it migrates from");
  cmd.add_option("--jsonl", f->jsonl, "JSONL documents with their vectors");
  cmd.add_option("--vectors", f->vectors, "Vector file: .npy, .npz or a FAISS index file");
  cmd.add_option("--ids", f->ids, "Id list for --vectors: one id per line, or a .json array");
  cmd.add_option("--docs", f->docs, "JSONL texts and metadata of the --vectors documents (\"id\", \"text\", ...)");
  cmd.add_option("--npz-key", f->npz_key, "Member of the .npz holding the vectors (default: the only one, or \"embeddings\")");
  cmd.add_option("--batch-size", f->batch_size, "Documents per transaction")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();
  cmd.add_flag("--progress", f->progress, "Show progress on stderr even when it is not a terminal");
  return [f] { return run_import(*f); };
}

}  // namespace molt::cli
