// Reading documents inside the caller's (read) transaction: by id, by key, and in id order
// with a cursor (SQLite's binary collation: byte order of the UTF-8 ids).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "molt/store/catalog.h"
#include "molt/store/document.h"
#include "molt/store/sqlite.h"

namespace molt::store {

struct ReadOptions {
  bool text = true;
  bool metadata = true;
  const SpaceInfo* vectors_of = nullptr;  // also read this space's vector of each document
  bool only_with_vectors = false;         // with vectors_of: skip documents without one
  // Only documents whose vector in this space is missing or was computed from an older
  // version of the document (what a backfill or its catch-up still has to embed).
  const SpaceInfo* needing_vectors_in = nullptr;
};

// One entry per id, nullopt where the id does not exist.
std::vector<std::optional<Document>> read_documents_by_id(Database& db, const CollectionInfo& collection,
                                                          std::span<const std::string> ids,
                                                          const ReadOptions& options);

// Documents by key (index ids), in the order given; keys that no longer exist are skipped.
std::vector<Document> read_documents_by_key(Database& db, const CollectionInfo& collection,
                                            std::span<const std::int64_t> keys, const ReadOptions& options);

// How many documents scroll_documents() returns over all pages with these options.
std::int64_t count_scrolled(Database& db, const CollectionInfo& collection, const ReadOptions& options);

// Up to `limit` documents with id > after (all when after is empty), in id order.
std::vector<Document> scroll_documents(Database& db, const CollectionInfo& collection, std::string_view after,
                                       std::size_t limit, const ReadOptions& options);

}  // namespace molt::store
