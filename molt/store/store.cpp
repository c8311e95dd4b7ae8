#include "molt/store/store.h"

#include <cmath>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "molt/base/check.h"
#include "molt/base/error.h"
#include "molt/base/thread_pool.h"
#include "molt/store/document_reader.h"
#include "molt/store/document_writer.h"
#include "molt/store/names.h"
#include "molt/store/schema.h"
#include "molt/store/space_vectors.h"

namespace molt::store {

namespace {

constexpr const char* kDatabaseFile = "molt.db";

void check_documents(std::span<const DocumentWrite> docs) {
  std::unordered_set<std::string_view> seen;
  for (const DocumentWrite& doc : docs) {
    validate_document_id(doc.id);
    if (!seen.insert(doc.id).second) {
      throw input_error("document id appears twice in one batch", {.row = doc.id, .field = "id"});
    }
    if (!is_valid_utf8(doc.text)) throw input_error("text is not valid UTF-8", {.row = doc.id, .field = "text"});
    if (!doc.metadata.is_null() && !doc.metadata.is_object()) {
      throw input_error("metadata must be a JSON object", {.row = doc.id, .field = "metadata"});
    }
  }
}

// A space the caller must name (the serving one is not implied).
const SpaceInfo& named_space(const CollectionInfo& c, std::string_view name) {
  if (name.empty()) throw usage_error("name the space", {.field = "space"});
  return c.space_or_serving(name);
}

// What a scroll request reads (`c` must outlive the result).
ReadOptions read_options(const CollectionInfo& c, const ScrollRequest& request) {
  ReadOptions read;
  read.text = request.text;
  read.metadata = request.metadata;
  if (!request.space.empty()) read.vectors_of = &c.space_or_serving(request.space);
  read.only_with_vectors = read.vectors_of != nullptr && request.only_with_vectors;
  if (!request.needing_vectors_in.empty()) read.needing_vectors_in = &c.space_or_serving(request.needing_vectors_in);
  return read;
}

}  // namespace

bool StoreCheck::ok() const {
  if (sqlite.size() != 1 || sqlite.front() != "ok") return false;
  for (const CollectionCheck& c : collections) {
    if (!c.keyword_index_ok) return false;
    for (const SpaceCheck& s : c.spaces) {
      if (!s.index.ok()) return false;
      if (s.state != space_state_name(SpaceState::kBackfilling) && (s.missing_vectors != 0 || s.stale_vectors != 0)) {
        return false;
      }
    }
  }
  return true;
}

Store::Store(std::filesystem::path dir, StoreOptions options) : dir_(std::move(dir)), options_(options) {
  if (options_.threads <= 0) options_.threads = ThreadPool::hardware_threads();
  const std::filesystem::path file = dir_ / kDatabaseFile;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (!options_.create) {
      throw not_found_error("no molt store here (create one with --create)", {.file = dir_.string()});
    }
    std::filesystem::create_directories(dir_, ec);
    if (ec) throw io_error("cannot create the store folder: " + ec.message(), {.file = dir_.string()});
  }
  pool_ = std::make_unique<ConnectionPool>(file, options_.create, options_.busy_timeout);
  // Opening reads the schema without the write lock, so a reader never waits for a writer;
  // only a new store takes it, to create the schema.
  std::optional<std::string> uid;
  {
    auto db = pool_->reader();
    Transaction txn(*db, Transaction::Kind::kDeferred);
    uid = check_schema(*db);
    txn.commit();
  }
  store_uid_ = uid ? *uid : pool_->write([](Database& db) { return create_or_check_schema(db); });
}

Store::~Store() {
  try {
    save_indexes();
  } catch (...) {
    // Index files are caches; the next open rebuilds what could not be saved.
  }
}

std::shared_ptr<SpaceIndex> Store::space_index(const SpaceInfo& space) {
  std::lock_guard lock(indexes_mutex_);
  auto& slot = indexes_[space.id];
  if (!slot) {
    slot = std::make_shared<SpaceIndex>(space, store_uid_, dir_ / "indexes" / (std::to_string(space.id) + ".idx"),
                                        options_.threads);
  }
  return slot;
}

void Store::reclaim_space() {
  pool_->write([](Database& db) { db.exec("PRAGMA incremental_vacuum"); });
}

void Store::forget_indexes(std::int64_t collection_id, std::int64_t space_id) {
  std::lock_guard lock(indexes_mutex_);
  for (auto it = indexes_.begin(); it != indexes_.end();) {
    if (it->second->space().collection_id == collection_id && (space_id == 0 || it->first == space_id)) {
      it = indexes_.erase(it);
    } else {
      ++it;
    }
  }
}

// --- collections and aliases --------------------------------------------------------------

CollectionInfo Store::create_collection(std::string_view name) {
  return pool_->write([&](Database& db) { return insert_collection(db, name); });
}

void Store::drop_collection(std::string_view name) {
  validate_name("collection", name);
  const CollectionInfo dropped = pool_->write([&](Database& db) {
    CollectionInfo c = require_collection(db, name);
    if (c.name != name) {
      throw usage_error("'" + std::string(name) + "' is an alias of '" + c.name + "': drop the alias, or name the collection",
                        {.field = "collection"});
    }
    delete_collection(db, c);
    return c;
  });
  forget_indexes(dropped.id, 0);
  for (const SpaceInfo& s : dropped.spaces) {
    std::error_code ec;
    std::filesystem::remove(dir_ / "indexes" / (std::to_string(s.id) + ".idx"), ec);
  }
  reclaim_space();
}

CollectionInfo Store::collection(std::string_view name_or_alias) {
  auto db = pool_->reader();
  return require_collection(*db, name_or_alias);
}

std::optional<CollectionInfo> Store::find_collection(std::string_view name_or_alias) {
  auto db = pool_->reader();
  return store::find_collection(*db, name_or_alias);
}

std::vector<CollectionStats> Store::list_collections() {
  auto db = pool_->reader();
  Transaction txn(*db, Transaction::Kind::kDeferred);
  std::vector<CollectionStats> out;
  for (CollectionInfo& c : store::list_collections(*db)) {
    CollectionStats stats;
    stats.documents = count_documents(*db, c);
    for (const SpaceInfo& s : c.spaces) stats.vectors[s.name()] = count_vectors(*db, s);
    stats.info = std::move(c);
    out.push_back(std::move(stats));
  }
  txn.commit();
  return out;
}

void Store::set_alias(std::string_view alias, std::string_view collection) {
  pool_->write([&](Database& db) {
    const CollectionInfo c = require_collection(db, collection);
    upsert_alias(db, alias, c);
  });
}

void Store::drop_alias(std::string_view alias) {
  pool_->write([&](Database& db) { delete_alias(db, alias); });
}

std::vector<AliasInfo> Store::aliases() {
  auto db = pool_->reader();
  return list_aliases(*db);
}

// --- spaces -------------------------------------------------------------------------------

SpaceInfo Store::create_space(std::string_view collection, const SpaceConfig& config,
                              std::optional<SpaceState> state) {
  return pool_->write([&](Database& db) {
    const CollectionInfo c = require_collection(db, collection);
    const SpaceState s = state.value_or(c.serving_space() == nullptr ? SpaceState::kServing : SpaceState::kBackfilling);
    return insert_space(db, c, config, s);
  });
}

void Store::set_space_state(std::string_view collection, std::string_view space, SpaceState state) {
  pool_->write([&](Database& db) {
    const CollectionInfo c = require_collection(db, collection);
    const SpaceInfo& s = named_space(c, space);
    if (state == SpaceState::kServing) {
      throw usage_error("a space becomes serving through a cutover (switch_serving)", {.field = "state"});
    }
    if (s.state == SpaceState::kServing) {
      throw conflict_error("space '" + s.name() + "' is serving; switch another space to serving first",
                           {.field = "state"});
    }
    if (s.state != state) update_space_state(db, s, state);
  });
}

void Store::switch_serving(std::string_view collection, std::string_view space, SpaceState previous_becomes) {
  if (previous_becomes != SpaceState::kRetired && previous_becomes != SpaceState::kReady) {
    throw usage_error("the previously serving space becomes retired or ready", {.field = "state"});
  }
  pool_->write([&](Database& db) {
    const CollectionInfo c = require_collection(db, collection);
    const SpaceInfo& target = named_space(c, space);
    if (target.state == SpaceState::kServing) return;
    if (target.state == SpaceState::kBackfilling) {
      throw conflict_error("space '" + target.name() + "' is still backfilling and cannot serve", {.field = "space"});
    }
    const SpaceInfo* previous = c.serving_space();
    if (previous != nullptr) update_space_state(db, *previous, previous_becomes);
    update_space_state(db, target, SpaceState::kServing);
    nlohmann::ordered_json detail = {{"from", previous != nullptr ? previous->name() : ""}, {"to", target.name()}};
    append_change(db, c.id, ChangeOp::kServing, 0, {}, target.id, detail.dump());
  });
}

void Store::drop_space(std::string_view collection, std::string_view space) {
  const SpaceInfo dropped = pool_->write([&](Database& db) {
    const CollectionInfo c = require_collection(db, collection);
    const SpaceInfo& s = named_space(c, space);
    if (s.state == SpaceState::kServing) {
      throw conflict_error("space '" + s.name() + "' is serving; switch serving to another space first",
                           {.field = "space"});
    }
    delete_space(db, s);
    return s;
  });
  forget_indexes(dropped.collection_id, dropped.id);
  std::error_code ec;
  std::filesystem::remove(dir_ / "indexes" / (std::to_string(dropped.id) + ".idx"), ec);
  reclaim_space();
}

void Store::set_checkpoint(std::string_view collection, std::string_view space, std::string_view checkpoint) {
  pool_->write([&](Database& db) {
    const CollectionInfo c = require_collection(db, collection);
    update_space_checkpoint(db, named_space(c, space), checkpoint);
  });
}

// --- documents ----------------------------------------------------------------------------

WriteResult Store::upsert(std::string_view collection, std::span<const DocumentWrite> docs,
                          const EncoderProvider& encoders) {
  if (docs.empty()) return {};
  check_documents(docs);
  // Vectors are computed outside the write transaction (embedding is slow and must not
  // hold the write lock). A space created meanwhile is noticed inside the transaction,
  // and its vectors computed before trying again.
  std::unordered_map<std::int64_t, std::vector<float>> rows_by_space;
  for (int attempt = 0; attempt < 8; ++attempt) {
    {
      const CollectionInfo c = this->collection(collection);
      for (const DocumentWrite& doc : docs) {
        for (const auto& [space_name, vector] : doc.vectors) {
          if (c.find_space(space_name) == nullptr) {
            throw input_error("vector for unknown space '" + space_name + "' of collection '" + c.name + "'",
                              {.row = doc.id, .field = "vectors"});
          }
        }
      }
      for (const SpaceInfo& s : c.spaces) {
        if (rows_by_space.count(s.id) == 0) rows_by_space[s.id] = space_rows(s, docs, encoders);
      }
    }
    std::optional<WriteResult> result = pool_->write([&](Database& db) -> std::optional<WriteResult> {
      const CollectionInfo c = require_collection(db, collection);
      for (const SpaceInfo& s : c.spaces) {
        if (rows_by_space.count(s.id) == 0) return std::nullopt;  // a new space: embed for it first
      }
      std::vector<SpaceRows> rows;
      for (const SpaceInfo& s : c.spaces) rows.push_back({&s, std::move(rows_by_space[s.id])});
      return write_documents(db, c, docs, rows, analyzer_);
    });
    if (result) return std::move(*result);
  }
  throw conflict_error("the collection's spaces kept changing during the write; retry");
}

WriteResult Store::remove(std::string_view collection, std::span<const std::string> ids) {
  if (ids.empty()) return {};
  return pool_->write([&](Database& db) {
    const CollectionInfo c = require_collection(db, collection);
    return delete_documents(db, c, ids);
  });
}

std::vector<std::optional<Document>> Store::get(std::string_view collection, std::span<const std::string> ids,
                                                const GetOptions& options) {
  auto db = pool_->reader();
  Transaction txn(*db, Transaction::Kind::kDeferred);
  const CollectionInfo c = require_collection(*db, collection);
  ReadOptions read;
  read.text = options.text;
  read.metadata = options.metadata;
  if (!options.space.empty()) read.vectors_of = &c.space_or_serving(options.space);
  auto docs = read_documents_by_id(*db, c, ids, read);
  txn.commit();
  return docs;
}

ScrollPage Store::scroll(std::string_view collection, const ScrollRequest& request) {
  if (request.limit == 0) throw usage_error("scroll limit must be positive", {.field = "limit"});
  auto db = pool_->reader();
  Transaction txn(*db, Transaction::Kind::kDeferred);
  ScrollPage page;
  page.seq = store::last_seq(*db);
  const CollectionInfo c = require_collection(*db, collection);
  const ReadOptions read = read_options(c, request);
  page.documents = scroll_documents(*db, c, request.after, request.limit, read);
  if (page.documents.size() == request.limit) page.next = page.documents.back().id;
  txn.commit();
  return page;
}

std::int64_t Store::for_each_document(std::string_view collection, const ScrollRequest& request,
                                      const std::function<void(std::size_t)>& on_size,
                                      const std::function<void(Document&)>& fn) {
  auto db = pool_->reader();
  Transaction txn(*db, Transaction::Kind::kDeferred);
  const std::int64_t seq = store::last_seq(*db);
  const CollectionInfo c = require_collection(*db, collection);
  const ReadOptions read = read_options(c, request);
  if (on_size) {
    on_size(static_cast<std::size_t>(count_scrolled(*db, c, read)));
  }
  std::string after;
  while (true) {
    std::vector<Document> page = scroll_documents(*db, c, after, 4096, read);
    if (page.empty()) break;
    after = page.back().id;
    for (Document& d : page) fn(d);
  }
  txn.commit();
  return seq;
}

std::int64_t Store::count(std::string_view collection) {
  auto db = pool_->reader();
  Transaction txn(*db, Transaction::Kind::kDeferred);
  const std::int64_t n = count_documents(*db, require_collection(*db, collection));
  txn.commit();
  return n;
}

// --- migration ----------------------------------------------------------------------------

VectorWriteResult Store::write_vectors(std::string_view collection, std::string_view space,
                                       std::span<const VectorWrite> vectors,
                                       std::optional<std::string_view> checkpoint) {
  {
    std::unordered_set<std::string_view> seen;
    for (const VectorWrite& v : vectors) {
      validate_document_id(v.doc_id);
      if (!seen.insert(v.doc_id).second) {
        throw input_error("document id appears twice in one batch", {.row = v.doc_id, .field = "id"});
      }
    }
  }
  return pool_->write([&](Database& db) {
    const CollectionInfo c = require_collection(db, collection);
    const SpaceInfo& s = named_space(c, space);
    for (const VectorWrite& v : vectors) check_vector(v.vector, s, v.doc_id);
    VectorWriteResult r = write_space_vectors(db, c, s, vectors);
    if (checkpoint) update_space_checkpoint(db, s, *checkpoint);
    return r;
  });
}

std::vector<Change> Store::changes_after(std::string_view collection, std::int64_t after_seq, std::size_t limit) {
  auto db = pool_->reader();
  Transaction txn(*db, Transaction::Kind::kDeferred);
  const CollectionInfo c = require_collection(*db, collection);
  auto changes = read_changes(*db, c.id, after_seq, limit);
  txn.commit();
  return changes;
}

std::int64_t Store::last_seq() {
  auto db = pool_->reader();
  return store::last_seq(*db);
}

}  // namespace molt::store
