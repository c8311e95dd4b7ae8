// Streaming ingestion of JSONL documents (formats/jsonl_documents.h) into a collection:
// lines are read, parsed and written in batches, each batch one transaction. A batch is
// acknowledged (on_commit) only once committed, so every acknowledged document survives
// any crash after it; a bad line stops the ingestion with an error naming the file and
// line, and nothing of its batch is written (the batches before it are, and were
// acknowledged).
#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "molt/base/progress.h"
#include "molt/formats/jsonl_documents.h"
#include "molt/store/store.h"

namespace molt::store {

// A committed batch: its documents' ids and input lines, and the write's result.
struct IngestBatch {
  std::vector<std::string> ids;
  std::vector<std::int64_t> lines;
  WriteResult result;
};

struct IngestOptions {
  std::string collection;
  bool create_collection = false;  // create it when missing
  // When the collection has no space yet: the space to create before the first write.
  // dim == 0 (a space for supplied vectors) takes the width of the first "vector".
  std::optional<SpaceConfig> new_space;
  std::string space;               // the space a line's "vector" belongs to ("" = serving)
  std::size_t batch_size = 256;
  ProgressFn progress;             // stage "ingest", unit "docs" (total unknown)
  std::function<void(const IngestBatch&)> on_commit;
};

struct IngestResult {
  std::size_t documents = 0;
  std::size_t inserted = 0;
  std::size_t updated = 0;
  std::size_t batches = 0;
  std::int64_t first_seq = 0;
  std::int64_t last_seq = 0;
  std::string space;  // the space "vector" fields went to ("" when the collection has none)
};

IngestResult ingest_jsonl(Store& store, std::istream& in, const std::string& source, const IngestOptions& options,
                          const EncoderProvider& encoders = {});

// A parsed record as a write: "vector" goes to `space`, "vectors" by their names.
DocumentWrite document_write(formats::DocumentRecord record, const std::string& space);

}  // namespace molt::store
