// Store: molt's embedded store of collections. One folder on disk (molt.db, SQLite in WAL
// mode, plus indexes/ for saved vector indexes); no server to run. A collection holds
// documents (id, text, metadata JSON) once, and their vectors in one or more embedding
// spaces side by side, one of which serves searches; BM25 keyword search runs on the same
// documents (fts5_bm25.h). Every write is one SQLite transaction that also appends its
// change-log rows, so a write is wholly present or wholly absent after any crash, and once
// a call returns it survives power loss (synchronous=FULL).
//
// Concurrency. A Store may be shared by any number of threads; every method is
// thread-safe. Several processes may open the same folder (a CLI ingest while a server
// searches): SQLite serializes writers (a writer waits up to busy_timeout for another), and
// every read runs in one snapshot, so a reader never sees part of a batch. Vector indexes
// are per-process caches of the stored vectors (space_index.h), brought up to the reader's
// snapshot from the change log before each search.
//
// Encoders. Writes that need vectors the caller did not supply, and searches given text
// instead of a vector, get each space's encoder from an EncoderProvider (space_encoder.h);
// the store checks its identity against the space's and never loads models itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "molt/base/progress.h"
#include "molt/index/english_analyzer.h"
#include "molt/store/catalog.h"
#include "molt/store/change_log.h"
#include "molt/store/connection_pool.h"
#include "molt/store/document.h"
#include "molt/store/search_request.h"
#include "molt/store/space.h"
#include "molt/store/space_encoder.h"
#include "molt/store/space_index.h"
#include "molt/store/sqlite.h"

namespace molt::store {

struct StoreOptions {
  bool create = false;  // create the folder and an empty store when missing
  int threads = 0;      // threads for building vector indexes; 0 = one per hardware thread
  std::chrono::milliseconds busy_timeout{60000};  // how long a writer waits for another
};

// A collection with its sizes, for listings.
struct CollectionStats {
  CollectionInfo info;
  std::int64_t documents = 0;
  std::map<std::string, std::int64_t> vectors;  // by space name
};

struct GetOptions {
  std::string space;  // also return each document's vector in this space ("" = none)
  bool text = true;
  bool metadata = true;
};

struct ScrollRequest {
  std::string after;        // cursor: the last id of the previous page ("" = from the start)
  std::size_t limit = 1000;
  std::string space;        // also return vectors of this space ("" = none)
  bool only_with_vectors = false;  // with space: skip documents that have no vector in it
  // Only documents whose vector in this space is missing or stale (computed from an older
  // version of the document): what a backfill, or its catch-up, still has to embed.
  std::string needing_vectors_in;
  bool text = true;
  bool metadata = true;
};

struct ScrollPage {
  std::vector<Document> documents;  // in id order (bytewise)
  std::string next;                 // cursor for the next page; "" when this is the last
  std::int64_t seq = 0;             // the snapshot the page was read from
};

// What check() found: SQLite's own integrity check, FTS5's, each space's vectors against
// its documents, and each index against the stored vectors.
struct SpaceCheck {
  std::string space;
  std::string state;
  std::int64_t vectors = 0;
  std::int64_t missing_vectors = 0;  // documents without a vector in the space
  std::int64_t stale_vectors = 0;    // vectors computed from an older version of the document
  IndexCheck index;
};
struct CollectionCheck {
  std::string collection;
  std::int64_t documents = 0;
  bool keyword_index_ok = true;
  std::string keyword_index_error;
  std::vector<SpaceCheck> spaces;
};
struct StoreCheck {
  std::vector<std::string> sqlite;  // PRAGMA integrity_check's lines: {"ok"} when sound
  std::vector<CollectionCheck> collections;
  bool ok() const;
};

class Store {
 public:
  // Opens the store in `dir`. Throws not_found_error when there is none and
  // !options.create, input_error when the folder holds something else.
  explicit Store(std::filesystem::path dir, StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

  // --- collections and aliases ------------------------------------------------------
  CollectionInfo create_collection(std::string_view name);
  // Drops a collection with its documents, spaces and indexes, and gives the pages they
  // used back to the file system. Refused (conflict) while an alias names it.
  void drop_collection(std::string_view name);
  CollectionInfo collection(std::string_view name_or_alias);  // throws not_found_error
  std::optional<CollectionInfo> find_collection(std::string_view name_or_alias);
  std::vector<CollectionStats> list_collections();
  // Points `alias` at a collection, creating or moving it atomically.
  void set_alias(std::string_view alias, std::string_view collection);
  void drop_alias(std::string_view alias);
  std::vector<AliasInfo> aliases();

  // --- spaces -------------------------------------------------------------------------
  // Adds a space. Its state defaults to serving for a collection without a serving space,
  // else backfilling. Vectors of documents already in the collection are then missing
  // until a backfill writes them (write_vectors).
  SpaceInfo create_space(std::string_view collection, const SpaceConfig& config,
                         std::optional<SpaceState> state = std::nullopt);
  // Sets a state other than serving (use switch_serving for that); the serving space's
  // state cannot be changed here.
  void set_space_state(std::string_view collection, std::string_view space, SpaceState state);
  // Makes `space` (ready or retired) the serving space and the previously serving one
  // `previous_becomes` (retired or ready), in one transaction: a cutover, or a rollback.
  void switch_serving(std::string_view collection, std::string_view space,
                      SpaceState previous_becomes = SpaceState::kRetired);
  // Drops a space that is not serving, with its vectors and index, and gives the pages it
  // used back to the file system.
  void drop_space(std::string_view collection, std::string_view space);
  void set_checkpoint(std::string_view collection, std::string_view space, std::string_view checkpoint);

  // --- documents ----------------------------------------------------------------------
  // Inserts or replaces documents in one transaction, with a vector in every space of the
  // collection (supplied in DocumentWrite::vectors, else embedded). Bad input (an invalid
  // or repeated id, a vector of the wrong width or not finite, a space without a vector
  // and without an encoder, metadata that is not an object) throws input_error naming the
  // row, and nothing of the batch is written.
  WriteResult upsert(std::string_view collection, std::span<const DocumentWrite> docs,
                     const EncoderProvider& encoders = {});
  // Deletes documents (from every space) in one transaction; absent ids are counted.
  WriteResult remove(std::string_view collection, std::span<const std::string> ids);
  std::vector<std::optional<Document>> get(std::string_view collection, std::span<const std::string> ids,
                                           const GetOptions& options = {});
  ScrollPage scroll(std::string_view collection, const ScrollRequest& request);
  std::int64_t count(std::string_view collection);
  // Calls fn for every document in id order (as scroll() would return them), all read from
  // one snapshot: one read transaction, which never blocks writers. `on_size` (optional)
  // first receives how many documents fn will see. Returns the snapshot's seq.
  // request.after and request.limit are ignored.
  std::int64_t for_each_document(std::string_view collection, const ScrollRequest& request,
                                 const std::function<void(std::size_t)>& on_size,
                                 const std::function<void(Document&)>& fn);

  // --- what a migration needs -----------------------------------------------------------
  // Writes vectors of one space in one transaction, each only if its document is unchanged
  // since it was read (VectorWrite::read_seq), together with the space's checkpoint when
  // one is given: a crash leaves both or neither.
  VectorWriteResult write_vectors(std::string_view collection, std::string_view space,
                                  std::span<const VectorWrite> vectors,
                                  std::optional<std::string_view> checkpoint = std::nullopt);
  std::vector<Change> changes_after(std::string_view collection, std::int64_t after_seq, std::size_t limit);
  std::int64_t last_seq();

  // --- search -------------------------------------------------------------------------
  // Answers wholly from one snapshot: the serving space, the documents and the BM25
  // statistics all as of the same committed state.
  SearchResult search(const SearchRequest& request, const EncoderProvider& encoders = {});

  // --- indexes and checks -----------------------------------------------------------------
  // Brings every space index of the collection up to date and saves the approximate ones.
  void refresh_indexes(std::string_view collection, const ProgressFn& progress = {});
  // Saves every index that changed since it was last saved (also done by the destructor).
  void save_indexes();
  std::vector<IndexCheck> check_indexes(std::string_view collection);
  // Everything check() covers, for every collection (or one).
  StoreCheck check(std::string_view collection = {});

 private:
  std::shared_ptr<SpaceIndex> space_index(const SpaceInfo& space);
  void reclaim_space();
  void forget_indexes(std::int64_t collection_id, std::int64_t space_id);

  std::filesystem::path dir_;
  StoreOptions options_;
  std::string store_uid_;
  index::EnglishAnalyzer analyzer_;

  std::unique_ptr<ConnectionPool> pool_;

  std::mutex indexes_mutex_;
  std::map<std::int64_t, std::shared_ptr<SpaceIndex>> indexes_;  // by space id
};

}  // namespace molt::store
