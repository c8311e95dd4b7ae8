#include "molt/store/importer.h"

#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "molt/base/error.h"
#include "molt/formats/id_list.h"
#include "molt/formats/jsonl_documents.h"
#include "molt/formats/npy.h"
#include "molt/formats/npz.h"
#include "molt/index/faiss_file.h"
#include "molt/store/ingest.h"

namespace molt::store {
namespace {

// Vectors from a file, with the document id of each row.
struct VectorFile {
  std::size_t dim = 0;
  std::vector<float> rows;  // f32 [ids.size(), dim]
  std::vector<std::string> ids;
  std::optional<index::Metric> metric;  // what the file says, when it says
};

std::vector<float> matrix_of(const tensor::Tensor& t, const std::string& source, std::size_t& dim) {
  if (t.shape().size() != 2 || t.shape()[1] <= 0) {
    throw input_error("expected a 2-D matrix of vectors [n, dim]", {.file = source});
  }
  dim = static_cast<std::size_t>(t.shape()[1]);
  const auto values = t.values<float>();
  return std::vector<float>(values.begin(), values.end());
}

VectorFile read_vector_file(const ImportOptions& o) {
  VectorFile vf;
  const std::string source = o.vectors.string();
  const std::string ext = o.vectors.extension().string();
  std::vector<std::int64_t> labels;
  if (ext == ".npy") {
    vf.rows = matrix_of(formats::read_npy_file(o.vectors), source, vf.dim);
  } else if (ext == ".npz") {
    auto members = formats::read_npz(o.vectors);
    std::size_t pick = members.size();
    for (std::size_t i = 0; i < members.size(); ++i) {
      const bool wanted = o.npz_key.empty() ? (members.size() == 1 || members[i].first == "embeddings")
                                            : members[i].first == o.npz_key;
      if (wanted) pick = i;
    }
    if (pick == members.size()) {
      std::string names;
      for (const auto& [name, t] : members) names += (names.empty() ? "" : ", ") + name;
      throw usage_error("choose the .npz member with --npz-key (members: " + names + ")", {.file = source});
    }
    vf.rows = matrix_of(members[pick].second, source + ":" + members[pick].first, vf.dim);
  } else {
    index::FaissVectors f = index::read_faiss_file(o.vectors);
    vf.dim = f.dim;
    vf.rows = std::move(f.vectors);
    vf.metric = f.metric;
    labels = std::move(f.labels);
  }
  const std::size_t n = vf.rows.size() / vf.dim;
  if (!o.ids.empty()) {
    std::vector<std::string> list = formats::read_id_list(o.ids);
    if (labels.empty()) {
      if (list.size() != n) {
        throw input_error("the id list has " + std::to_string(list.size()) + " ids for " + std::to_string(n) +
                              " vectors",
                          {.file = o.ids.string()});
      }
      vf.ids = std::move(list);
    } else {
      for (const std::int64_t label : labels) {
        if (label < 0 || static_cast<std::uint64_t>(label) >= list.size()) {
          throw input_error("FAISS label " + std::to_string(label) + " has no entry in the id list (" +
                                std::to_string(list.size()) + " ids)",
                            {.file = o.ids.string()});
        }
        vf.ids.push_back(list[static_cast<std::size_t>(label)]);
      }
    }
  } else if (!labels.empty()) {
    for (const std::int64_t label : labels) vf.ids.push_back(std::to_string(label));
  } else {
    throw usage_error("vectors from a .npy or .npz file need --ids FILE (one id per row)", {.file = source});
  }
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 0; i < vf.ids.size(); ++i) {
    if (!seen.insert(vf.ids[i]).second) {
      throw input_error("id '" + vf.ids[i] + "' names two vectors (rows or labels)", {.row = vf.ids[i]});
    }
  }
  return vf;
}

// Streams the records of a JSONL file through fn, with the file's source name.
void for_each_record(const std::filesystem::path& path, const std::function<void(formats::DocumentRecord&)>& fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw not_found_error("cannot open input", {.file = path.string()});
  std::string line;
  std::int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    auto rec = formats::parse_document_line(line, line_no, path.string());
    if (rec) fn(*rec);
  }
  if (in.bad()) throw io_error("cannot read the input", {.file = path.string()});
}

// The target space, created when missing; returns its name.
std::string prepare_space(Store& store, const ImportOptions& o, std::size_t dim,
                          std::optional<index::Metric> file_metric) {
  std::optional<CollectionInfo> c = store.find_collection(o.collection);
  if (!c) {
    if (!o.create_collection) {
      throw not_found_error("unknown collection '" + o.collection + "' (add --create to create it)",
                            {.field = "collection"});
    }
    c = store.create_collection(o.collection);
  }
  const SpaceInfo* existing = o.space.empty() ? c->serving_space() : c->find_space(o.space);
  if (existing != nullptr) {
    if (existing->config.dim != dim) {
      throw input_error("the file's vectors have dimension " + std::to_string(dim) + ", space '" +
                            existing->name() + "' has " + std::to_string(existing->config.dim),
                        {.field = "vector"});
    }
    return existing->name();
  }
  if (!o.new_space) {
    throw not_found_error("collection '" + c->name + "' has no space " +
                              (o.space.empty() ? std::string("to import into") : "'" + o.space + "'"),
                          {.field = "space"});
  }
  SpaceConfig config = *o.new_space;
  if (!o.space.empty()) config.name = o.space;
  if (config.dim == 0) config.dim = config.model_dim = dim;
  if (o.metric) {
    config.metric = *o.metric;
  } else if (file_metric) {
    config.metric = *file_metric;
  }
  if (config.dim != dim) {
    throw input_error("the file's vectors have dimension " + std::to_string(dim) + ", the new space " +
                          std::to_string(config.dim),
                      {.field = "vector"});
  }
  store.create_space(o.collection, config);
  return config.name;
}

void add_batch(Store& store, const ImportOptions& o, std::vector<DocumentWrite>& batch, const EncoderProvider& encoders,
               ImportResult& result) {
  if (batch.empty()) return;
  const WriteResult w = store.upsert(o.collection, batch, encoders);
  result.documents += batch.size();
  ++result.batches;
  if (result.first_seq == 0) result.first_seq = w.first_seq;
  result.last_seq = w.last_seq;
  if (o.progress) o.progress({"import", result.documents, 0, "docs"});
  batch.clear();
}

ImportResult import_jsonl(Store& store, const ImportOptions& o, const EncoderProvider& encoders) {
  // Pass 1: every line parses, ids are unique in the file, vectors share one width.
  std::unordered_set<std::string> ids;
  std::size_t dim = 0;
  for_each_record(o.jsonl, [&](formats::DocumentRecord& r) {
    const Where where{.file = o.jsonl.string(), .line = r.line, .row = r.id};
    if (!ids.insert(r.id).second) throw input_error("document id appears twice in the file", where);
    if (r.vector) {
      if (dim == 0) dim = r.vector->size();
      if (r.vector->size() != dim) {
        throw input_error("vector has " + std::to_string(r.vector->size()) + " values, earlier ones " +
                              std::to_string(dim),
                          where);
      }
    }
  });
  ImportResult result;
  result.dim = dim;
  if (dim != 0) {
    result.space = prepare_space(store, o, dim, std::nullopt);
  } else if (!store.find_collection(o.collection)) {
    if (!o.create_collection) {
      throw not_found_error("unknown collection '" + o.collection + "' (add --create to create it)",
                            {.field = "collection"});
    }
    store.create_collection(o.collection);
  }
  // Pass 2: write.
  std::vector<DocumentWrite> batch;
  for_each_record(o.jsonl, [&](formats::DocumentRecord& r) {
    batch.push_back(document_write(std::move(r), result.space));
    if (batch.size() == o.batch_size) add_batch(store, o, batch, encoders, result);
  });
  add_batch(store, o, batch, encoders, result);
  return result;
}

ImportResult import_vectors(Store& store, const ImportOptions& o, const EncoderProvider& encoders) {
  VectorFile vf = read_vector_file(o);
  std::unordered_map<std::string, formats::DocumentRecord> docs;
  if (!o.docs.empty()) {
    std::unordered_set<std::string_view> wanted(vf.ids.begin(), vf.ids.end());
    for_each_record(o.docs, [&](formats::DocumentRecord& r) {
      const Where where{.file = o.docs.string(), .line = r.line, .row = r.id};
      if (wanted.count(r.id) == 0) throw input_error("document has no vector in " + o.vectors.string(), where);
      if (r.vector || !r.vectors.empty()) throw input_error("vectors come from the vector file here", where);
      std::string id = r.id;
      if (!docs.emplace(std::move(id), std::move(r)).second) throw input_error("document id appears twice", where);
    });
    for (const std::string& id : vf.ids) {
      if (docs.count(id) == 0) {
        throw input_error("vector has no document in " + o.docs.string(), {.row = id});
      }
    }
  }
  ImportResult result;
  result.dim = vf.dim;
  result.space = prepare_space(store, o, vf.dim, vf.metric);
  std::vector<DocumentWrite> batch;
  for (std::size_t i = 0; i < vf.ids.size(); ++i) {
    DocumentWrite w;
    w.id = vf.ids[i];
    if (auto it = docs.find(w.id); it != docs.end()) {
      w.text = std::move(it->second.text);
      w.metadata = std::move(it->second.metadata);
    }
    w.vectors[result.space].assign(vf.rows.begin() + static_cast<std::ptrdiff_t>(i * vf.dim),
                                   vf.rows.begin() + static_cast<std::ptrdiff_t>((i + 1) * vf.dim));
    batch.push_back(std::move(w));
    if (batch.size() == o.batch_size) add_batch(store, o, batch, encoders, result);
  }
  add_batch(store, o, batch, encoders, result);
  return result;
}

}  // namespace

ImportResult import_files(Store& store, const ImportOptions& options, const EncoderProvider& encoders) {
  if (options.batch_size == 0) throw usage_error("batch size must be positive", {.field = "batch-size"});
  if (options.jsonl.empty() == options.vectors.empty()) {
    throw usage_error("import either --jsonl FILE or --vectors FILE", {.field = "input"});
  }
  return options.jsonl.empty() ? import_vectors(store, options, encoders) : import_jsonl(store, options, encoders);
}

}  // namespace molt::store
