// Documents as the store's API takes and returns them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace molt::store {

// A document to upsert.
struct DocumentWrite {
  std::string id;    // names.h: 1-1024 bytes of UTF-8
  std::string text;  // UTF-8; may be empty (a document known only by its vectors)
  nlohmann::json metadata = nlohmann::json::object();  // a JSON object (or null for none)
  // Vectors the writer supplies, by space name: f32 [that space's dim]. Every space of the
  // collection without one here is embedded with its encoder.
  std::map<std::string, std::vector<float>> vectors;
};

// A document as stored.
struct Document {
  std::string id;
  std::string text;
  nlohmann::json metadata;  // an object
  std::int64_t seq = 0;     // the change-log sequence number of its last write
  std::int64_t key = 0;     // its int64 key in every index of the collection
  // The vector of the space asked for (decoded from its storage), with the seq of the
  // document version it was computed from; empty when not asked or absent.
  std::vector<float> vector;
  std::int64_t vector_seq = 0;
};

// The outcome of an upsert or a delete, one transaction.
struct WriteResult {
  std::int64_t first_seq = 0;  // the batch's sequence numbers (0 when nothing was written)
  std::int64_t last_seq = 0;
  std::size_t inserted = 0;
  std::size_t updated = 0;
  std::size_t deleted = 0;
  std::size_t missing = 0;          // deletes of ids that did not exist
  std::vector<std::int64_t> seqs;   // per input row: its change's seq (0: nothing done)
  std::vector<bool> existed;        // per input row: whether the id existed before
};

// A vector computed for one space from a document version (the migration's backfill).
struct VectorWrite {
  std::string doc_id;
  std::int64_t read_seq = 0;   // the document's seq when its text was read
  std::vector<float> vector;   // f32 [the space's dim]
};

struct VectorWriteResult {
  std::size_t written = 0;
  std::size_t skipped_changed = 0;  // the document was written again since it was read
  std::size_t skipped_missing = 0;  // the document was deleted since it was read
  std::int64_t last_seq = 0;        // seq of the last change appended (0 when none)
};

}  // namespace molt::store
