// Writing documents and vectors inside the caller's write transaction: rows of docs_N,
// fts_N and every vec_S, each write logged in the change log with the sequence number the
// document then carries. Inputs arrive validated (Store checks ids, vectors and spaces).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "molt/index/english_analyzer.h"
#include "molt/store/catalog.h"
#include "molt/store/document.h"
#include "molt/store/sqlite.h"

namespace molt::store {

// The vectors of one space for a batch: rows f32 [n_docs, space.config.dim], row i for
// document i of the batch.
struct SpaceRows {
  const SpaceInfo* space = nullptr;
  std::vector<float> rows;
};

WriteResult write_documents(Database& db, const CollectionInfo& collection,
                            std::span<const DocumentWrite> docs, std::span<const SpaceRows> vectors,
                            const index::EnglishAnalyzer& analyzer);

WriteResult delete_documents(Database& db, const CollectionInfo& collection,
                             std::span<const std::string> ids);

// Writes each vector only if its document still has seq == read_seq (unchanged since it
// was read), so a backfill never overwrites a newer live write.
VectorWriteResult write_space_vectors(Database& db, const CollectionInfo& collection, const SpaceInfo& space,
                                      std::span<const VectorWrite> vectors);

}  // namespace molt::store
