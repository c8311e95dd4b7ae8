// Importing a collection from the files other stores leave behind:
//   JSONL documents with their vectors (formats/jsonl_documents.h)
//   a matrix of vectors (.npy, or a member of an .npz) + an id list (formats/id_list.h)
//   a FAISS index file (flat, HNSW, IVF, ID map: index/faiss_file.h) + optionally an id list
//     (a label l names document ids[l]; without a list the label itself is the id)
// optionally with a JSONL file of the documents' texts and metadata (ids matching).
// Every file is read and checked whole before anything is written: an invalid file
// changes nothing. Then documents are written in batches, each one transaction.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "molt/base/progress.h"
#include "molt/store/store.h"

namespace molt::store {

struct ImportOptions {
  std::string collection;
  bool create_collection = false;
  std::string space;  // the space the vectors go to ("" = the serving space)
  // The space to create when the collection lacks it: dim 0 takes the file's width, and an
  // unset metric the file's (FAISS's inner product or L2; cosine for other files).
  std::optional<SpaceConfig> new_space;
  std::optional<index::Metric> metric;

  std::filesystem::path jsonl;    // documents with vectors; or:
  std::filesystem::path vectors;  // .npy, .npz or FAISS file
  std::string npz_key;            // the .npz member ("" = the only one, or "embeddings")
  std::filesystem::path ids;      // id list for `vectors`
  std::filesystem::path docs;     // JSONL texts and metadata for `vectors`' ids (optional)

  std::size_t batch_size = 1000;
  ProgressFn progress;            // stage "import", unit "docs"
};

struct ImportResult {
  std::size_t documents = 0;
  std::size_t batches = 0;
  std::string space;
  std::size_t dim = 0;
  std::int64_t first_seq = 0;
  std::int64_t last_seq = 0;
};

ImportResult import_files(Store& store, const ImportOptions& options, const EncoderProvider& encoders = {});

}  // namespace molt::store
