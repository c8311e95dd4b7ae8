#include "molt/store/ingest.h"

#include <unordered_set>

#include "molt/base/error.h"

namespace molt::store {
namespace {

// Creates the collection and its first space as the options ask, before the first write.
std::string prepare_collection(Store& store, const IngestOptions& options, const formats::DocumentRecord* first) {
  std::optional<CollectionInfo> c = store.find_collection(options.collection);
  if (!c) {
    if (!options.create_collection) {
      throw not_found_error("unknown collection '" + options.collection + "' (add --create to create it)",
                            {.field = "collection"});
    }
    c = store.create_collection(options.collection);
  }
  // With no document at all, a space whose width comes from the data waits for data.
  const bool width_unknown = options.new_space && options.new_space->dim == 0 && first == nullptr;
  if (c->spaces.empty() && options.new_space && !width_unknown) {
    SpaceConfig config = *options.new_space;
    if (config.dim == 0) {
      if (!first->vector) {
        throw input_error("the collection has no space yet: the first document needs a \"vector\" to set its width",
                          {.line = first->line, .row = first->id, .field = "vector"});
      }
      config.dim = config.model_dim = first->vector->size();
      if (config.dim == 0) throw input_error("an empty vector", {.line = first->line, .field = "vector"});
    }
    c = store.collection(options.collection);
    if (c->spaces.empty()) {
      try {
        store.create_space(options.collection, config);
      } catch (const Error& e) {
        // Another writer created it first: use theirs.
        if (e.kind() != ErrorKind::kConflict) throw;
      }
    }
    c = store.collection(options.collection);
  }
  if (!options.space.empty()) return c->space_or_serving(options.space).name();
  const SpaceInfo* serving = c->serving_space();
  return serving != nullptr ? serving->name() : std::string();
}

}  // namespace

DocumentWrite document_write(formats::DocumentRecord record, const std::string& space) {
  DocumentWrite w;
  w.id = std::move(record.id);
  w.text = std::move(record.text);
  w.metadata = std::move(record.metadata);
  w.vectors = std::move(record.vectors);
  if (record.vector) {
    if (space.empty()) {
      throw input_error("the document has a \"vector\" but the collection has no embedding space",
                        {.line = record.line, .row = w.id, .field = "vector"});
    }
    if (w.vectors.count(space) != 0) {
      throw input_error("\"vector\" and \"vectors\" both give space '" + space + "'",
                        {.line = record.line, .row = w.id, .field = "vector"});
    }
    w.vectors[space] = std::move(*record.vector);
  }
  return w;
}

IngestResult ingest_jsonl(Store& store, std::istream& in, const std::string& source, const IngestOptions& options,
                          const EncoderProvider& encoders) {
  if (options.batch_size == 0) throw usage_error("batch size must be positive", {.field = "batch-size"});
  IngestResult result;
  bool prepared = false;
  std::vector<formats::DocumentRecord> records;
  std::string line;
  std::int64_t line_no = 0;

  auto flush = [&] {
    if (records.empty()) return;
    if (!prepared) {
      result.space = prepare_collection(store, options, &records.front());
      prepared = true;
    }
    IngestBatch batch;
    std::vector<DocumentWrite> writes;
    writes.reserve(records.size());
    std::unordered_set<std::string_view> seen;
    for (const formats::DocumentRecord& r : records) {
      if (!seen.insert(r.id).second) {
        throw input_error("document id appears twice in one batch", {.file = source, .line = r.line, .row = r.id, .field = "id"});
      }
    }
    for (formats::DocumentRecord& r : records) {
      batch.ids.push_back(r.id);
      batch.lines.push_back(r.line);
      writes.push_back(document_write(std::move(r), result.space));
    }
    try {
      batch.result = store.upsert(options.collection, writes, encoders);
    } catch (const Error& e) {
      // Name the input line of the row the store names.
      for (std::size_t i = 0; i < batch.ids.size(); ++i) {
        if (batch.ids[i] == e.where().row) throw e.with({.file = source, .line = batch.lines[i]});
      }
      throw e.with({.file = source});
    }
    result.documents += records.size();
    result.inserted += batch.result.inserted;
    result.updated += batch.result.updated;
    ++result.batches;
    if (result.first_seq == 0) result.first_seq = batch.result.first_seq;
    result.last_seq = batch.result.last_seq;
    if (options.on_commit) options.on_commit(batch);
    if (options.progress) options.progress({"ingest", result.documents, 0, "docs"});
    records.clear();
  };

  while (std::getline(in, line)) {
    ++line_no;
    std::optional<formats::DocumentRecord> rec = formats::parse_document_line(line, line_no, source);
    if (!rec) continue;
    records.push_back(std::move(*rec));
    if (records.size() == options.batch_size) flush();
  }
  if (in.bad()) throw io_error("cannot read the input", {.file = source});
  flush();
  if (!prepared) result.space = prepare_collection(store, options, nullptr);
  return result;
}

}  // namespace molt::store
