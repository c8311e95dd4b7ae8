// molt ingest: JSONL documents into a collection, in batches of one transaction each.
//   molt ingest --db DIR --collection C [--create] [--input FILE] [--batch-size N] [--summary]
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "cli/space_encoders.h"
#include "cli/store_flags.h"
#include "molt/base/error.h"
#include "molt/base/text_format.h"
#include "molt/store/ingest.h"

namespace molt::cli {
namespace {

struct IngestFlags {
  StoreFlags store;
  SpaceFlags space;
  ModelFlags model;
  std::string collection;
  bool create = false;
  std::string input;
  std::size_t batch_size = 256;
  bool summary = false;
  bool no_index = false;
  bool progress = false;
};

// One acknowledgment line per document of a committed batch.
void print_acks(const store::IngestBatch& batch) {
  std::string out;
  for (std::size_t i = 0; i < batch.ids.size(); ++i) {
    out += "{\"id\":";
    append_json_string(out, batch.ids[i]);
    out += ",\"seq\":" + std::to_string(batch.result.seqs[i]);
    out += batch.result.existed[i] ? ",\"status\":\"updated\"" : ",\"status\":\"inserted\"";
    out += ",\"line\":" + std::to_string(batch.lines[i]) + "}\n";
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) throw io_error("cannot write to stdout");
  // Flushed per batch: a line on stdout means a committed, durable write.
  std::fflush(stdout);
}

int run_ingest(const IngestFlags& f) {
  const auto start = std::chrono::steady_clock::now();
  SpaceEncoders encoders(f.store.threads, progress_wanted(f.progress));
  WriteTarget target = open_write_target(f.store, f.space, f.model, encoders, f.collection, f.create);
  std::unique_ptr<store::Store> db = std::move(target.db);
  store::IngestOptions options;
  options.new_space = std::move(target.new_space);
  ProgressBar bar(progress_wanted(f.progress));
  options.collection = f.collection;
  options.create_collection = f.create;
  options.space = f.space.space;
  options.batch_size = f.batch_size;
  options.progress = bar.callback();
  if (!f.summary) options.on_commit = print_acks;

  store::IngestResult result;
  if (f.input.empty() || f.input == "-") {
    result = store::ingest_jsonl(*db, std::cin, "<stdin>", options, encoders.provider());
  } else {
    std::ifstream in(f.input, std::ios::binary);
    if (!in) throw not_found_error("cannot open input", {.file = f.input});
    result = store::ingest_jsonl(*db, in, f.input, options, encoders.provider());
  }
  bar.finish();
  if (!f.no_index && db->find_collection(f.collection)) {
    ProgressBar index_bar(progress_wanted(f.progress));
    db->refresh_indexes(f.collection, index_bar.callback());
    index_bar.finish();
  }
  if (f.summary) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nlohmann::ordered_json out;
    out["collection"] = f.collection;
    out["space"] = result.space;
    out["documents"] = result.documents;
    out["inserted"] = result.inserted;
    out["updated"] = result.updated;
    out["batches"] = result.batches;
    out["first_seq"] = result.first_seq;
    out["last_seq"] = result.last_seq;
    out["seconds"] = seconds;
    out["docs_per_s"] = seconds > 0 ? static_cast<double>(result.documents) / seconds : 0.0;
    print_json_line(out);
  }
  return 0;
}

}  // namespace

Runner add_ingest(CLI::App& cmd) {
  auto f = std::make_shared<IngestFlags>();
  cmd.description(
      "Add or replace documents in a collection from JSONL lines: {\"id\", \"text\", \"metadata\", "
      "\"vector\" or \"vectors\": {space: [...]}}; other fields are kept as metadata. Each batch is "
      "one transaction; after it commits, one line per document is printed: {\"id\", \"seq\", "
      "\"status\": \"inserted\"|\"updated\", \"line\"} (a printed line is a durable write). A bad "
      "line stops with exit 2 naming it; nothing of its batch is written. Every space of the "
      "collection gets a vector for every document: the line's own, or its model's embedding of the "
      "text (with the space's document prompt). Vector indexes are brought up to date at the end.");
  f->store.add_to(cmd, true);
  cmd.add_option("--collection", f->collection, "Collection (or alias) to write to")->required();
  cmd.add_flag("--create", f->create,
               "Create the store, the collection, and (from the first \"vector\") its first space when missing");
  cmd.add_option("--input", f->input, "JSONL file to read (default: stdin)");
  f->space.add_to(cmd, "Space that \"vector\" fields belong to (default: the serving space); the name of a new space "
                      "(default: the model's name, or \"default\" for supplied vectors)");
  f->model.add_to(cmd,
                  "Embed the documents with this model (a folder, a .gguf file or a Hugging Face id): with "
                  "--create a new space of it, else it must be the model of one of the collection's spaces. "
                  "Without it, every space's vectors are supplied in the input or embedded with the model the "
                  "space records");
  cmd.add_option("--batch-size", f->batch_size, "Documents per transaction")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->capture_default_str();
  cmd.add_flag("--summary", f->summary,
               "Print one JSON summary (documents, inserted, updated, batches, seqs, seconds) instead of a "
               "line per document");
  cmd.add_flag("--no-index", f->no_index, "Leave vector indexes to be brought up to date by the next search");
  cmd.add_flag("--progress", f->progress, "Show progress on stderr even when it is not a terminal");
  return [f] { return run_ingest(*f); };
}

}  // namespace molt::cli
