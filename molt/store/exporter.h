// Exporting a collection for other tools, all from one snapshot:
//   jsonl   one object per document: "id", "text", "metadata", and "vector" (the space's,
//           9 significant digits) unless vectors are left out
//   npy     the space's vectors as a float32 .npy matrix [n, dim], rows in id order, with
//           the id list (formats/id_list.h) naming each row
//   npz     the same matrix as one member of an .npz (default name "embeddings")
//   faiss   an IndexFlatIP (cosine: vectors L2-normalized, so inner product is cosine; ip)
//           or IndexFlatL2 (l2) file, label i = row i of the id list
// Files appear whole or not at all (AtomicFile). The vector formats hold the documents
// that have a vector in the space (all of them once a space is complete).
#pragma once

#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>

#include "molt/base/progress.h"
#include "molt/store/store.h"

namespace molt::store {

enum class ExportFormat { kJsonl, kNpy, kNpz, kFaiss };

const char* export_format_name(ExportFormat format);
ExportFormat parse_export_format(std::string_view name);  // throws usage_error

struct ExportOptions {
  std::string collection;
  std::string space;               // "" = the serving space
  ExportFormat format = ExportFormat::kJsonl;
  std::filesystem::path output;    // jsonl: empty = `out`
  std::ostream* out = nullptr;     // jsonl without an output file
  std::filesystem::path ids;       // npy, npz, faiss: where the id list goes (required)
  bool vectors = true;             // jsonl: include each document's vector
  std::string npz_key = "embeddings";
  ProgressFn progress;             // stage "export", unit "docs"
};

struct ExportResult {
  std::size_t documents = 0;
  std::size_t dim = 0;      // 0 when no vectors were written
  std::string space;
  std::int64_t seq = 0;     // the snapshot exported
};

ExportResult export_collection(Store& store, const ExportOptions& options);

}  // namespace molt::store
