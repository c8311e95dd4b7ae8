#include "molt/store/space_index.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>

#include "molt/base/error.h"
#include "molt/base/file_io.h"
#include "molt/formats/byte_reader.h"
#include "molt/index/index_io.h"
#include "molt/index/vector_codec.h"
#include "molt/index/vector_math.h"
#include "molt/store/schema.h"

namespace molt::store {
namespace {

constexpr std::string_view kFileMagic = "MOLTSIX1";
constexpr std::size_t kBuildChunk = 8192;

// Everything that must match for a saved index to be this space's.
std::string identity_header(const SpaceInfo& space, const std::string& store_uid) {
  std::string h;
  index::put_string(h, store_uid);
  index::put<std::int64_t>(h, space.id);
  index::put<std::int64_t>(h, space.created_seq);
  index::put_string(h, space.config.index_spec.to_string());
  index::put<std::uint32_t>(h, static_cast<std::uint32_t>(space.config.dim));
  index::put_string(h, index::metric_name(space.config.metric));
  index::put_string(h, index::vector_storage_name(space.config.storage));
  return h;
}

std::vector<float> normalized_if_cosine(const SpaceInfo& space, std::vector<float> v) {
  if (space.config.metric == index::Metric::kCosine) index::normalize(v);
  return v;
}

}  // namespace

SpaceIndex::SpaceIndex(SpaceInfo space, std::string store_uid, std::filesystem::path file, int build_threads)
    : space_(std::move(space)), store_uid_(std::move(store_uid)), file_(std::move(file)), build_threads_(build_threads) {}

bool SpaceIndex::with_index_at(Database& db, std::int64_t seq,
                               const std::function<void(const index::VectorIndex&)>& fn) {
  {
    std::shared_lock lock(mutex_);
    if (index_ && seq_ == seq) {
      fn(*index_);
      return true;
    }
    if (seq_ > seq) return false;
  }
  std::unique_lock lock(mutex_);
  if (seq_ > seq) return false;
  if (!index_ || seq_ < seq) catch_up(db, seq);
  fn(*index_);
  return true;
}

void SpaceIndex::catch_up(Database& db, std::int64_t seq) {
  if (!index_ && !try_load(seq)) {
    rebuild(db, seq);
    return;
  }
  if (seq_ < seq) apply_changes(db, seq);
}

void SpaceIndex::rebuild(Database& db, std::int64_t seq) {
  auto index = index::make_vector_index(space_.config.index_spec, space_.config.dim, space_.config.metric);
  index->set_build_threads(build_threads_);
  const std::size_t dim = space_.config.dim;
  Statement all = db.prepare("SELECT doc_key, vector FROM " + vectors_table(space_.id) + " ORDER BY doc_key");
  std::vector<std::int64_t> ids;
  std::vector<float> rows;
  auto flush = [&] {
    index->add(ids, rows);
    ids.clear();
    rows.clear();
  };
  while (all.step()) {
    ids.push_back(all.int64(0));
    rows.resize(ids.size() * dim);
    index::decode_vector(space_.config.storage, all.blob(1), {rows.data() + (ids.size() - 1) * dim, dim});
    if (ids.size() == kBuildChunk) flush();
  }
  flush();
  index_ = std::move(index);
  seq_ = seq;
  loaded_from_file_ = false;
  // A fresh build is worth saving (unless the file already holds this very state).
  rebuilt_since_persist_ = persisted_seq_ != seq;
  changes_since_persist_ = 0;
}

bool SpaceIndex::try_load(std::int64_t max_seq) {
  std::string bytes;
  try {
    bytes = read_file(file_);
  } catch (const Error&) {
    return false;  // no file yet
  }
  if (bytes.size() < kFileMagic.size() + sizeof(std::uint64_t)) return false;
  const std::size_t body = bytes.size() - sizeof(std::uint64_t);
  std::uint64_t stored_sum;
  std::memcpy(&stored_sum, bytes.data() + body, sizeof(stored_sum));
  if (XXH3_64bits(bytes.data(), body) != stored_sum) return false;
  try {
    formats::ByteReader in(std::as_bytes(std::span<const char>(bytes.data(), body)), file_.string());
    if (in.take_string(kFileMagic.size(), "magic") != kFileMagic) return false;
    const std::string expected = identity_header(space_, store_uid_);
    if (in.take_string(expected.size(), "identity") != expected) return false;
    const auto seq = in.read<std::int64_t>("seq");
    if (seq > max_seq) return false;
    const std::string payload = index::get_string(in, "index");
    auto index = index::load_vector_index(payload, file_.string());
    if (index->spec() != space_.config.index_spec || index->dim() != space_.config.dim ||
        index->metric() != space_.config.metric) {
      return false;
    }
    index->set_build_threads(build_threads_);
    index_ = std::move(index);
    seq_ = seq;
    persisted_seq_ = seq;
    changes_since_persist_ = 0;
    rebuilt_since_persist_ = false;
    loaded_from_file_ = true;
    return true;
  } catch (const Error&) {
    return false;
  }
}

void SpaceIndex::apply_changes(Database& db, std::int64_t seq) {
  Statement changed = db.prepare(
      "SELECT DISTINCT doc_key FROM changes WHERE collection_id = ?1 AND seq > ?2 AND seq <= ?3 "
      "AND (op IN ('upsert', 'delete') OR (op = 'vector' AND space_id = ?4))");
  changed.bind(1, space_.collection_id).bind(2, seq_).bind(3, seq).bind(4, space_.id);
  std::vector<std::int64_t> keys;
  while (changed.step()) keys.push_back(changed.int64(0));
  // Past the index's own size, replaying costs more than building afresh.
  if (keys.size() > std::max<std::size_t>(50000, index_->size())) {
    rebuild(db, seq);
    return;
  }
  const std::size_t dim = space_.config.dim;
  Statement get = db.prepare("SELECT vector FROM " + vectors_table(space_.id) + " WHERE doc_key = ?1");
  std::vector<std::int64_t> gone;
  std::vector<std::int64_t> added;
  std::vector<float> rows;
  for (const std::int64_t key : keys) {
    get.reset();
    get.bind(1, key);
    if (get.step()) {
      added.push_back(key);
      rows.resize(added.size() * dim);
      index::decode_vector(space_.config.storage, get.blob(0), {rows.data() + (added.size() - 1) * dim, dim});
    } else {
      gone.push_back(key);
    }
  }
  index_->remove(gone);
  index_->add(added, rows);
  seq_ = seq;
  changes_since_persist_ += keys.size();
}

void SpaceIndex::persist(bool force) {
  if (space_.config.index_spec.kind == index::IndexKind::kFlat) return;  // loading costs what building does
  std::lock_guard persisting(persist_mutex_);
  std::string bytes;
  std::int64_t seq;
  {
    std::shared_lock lock(mutex_);
    if (!index_ || seq_ == persisted_seq_) return;
    const std::size_t threshold = std::max<std::size_t>(1000, index_->size() / 20);
    if (!force && !rebuilt_since_persist_ && changes_since_persist_ < threshold) return;
    seq = seq_;
    bytes.append(kFileMagic);
    bytes += identity_header(space_, store_uid_);
    index::put<std::int64_t>(bytes, seq);
    index::put_string(bytes, index_->save());
  }
  index::put<std::uint64_t>(bytes, XXH3_64bits(bytes.data(), bytes.size()));
  std::filesystem::create_directories(file_.parent_path());
  write_file_atomic(file_, bytes);
  std::unique_lock lock(mutex_);
  persisted_seq_ = seq;
  if (seq_ == seq) {
    changes_since_persist_ = 0;
    rebuilt_since_persist_ = false;
  }
}

IndexCheck SpaceIndex::check(Database& db, std::int64_t seq) {
  IndexCheck out;
  out.space = space_.name();
  out.spec = space_.config.index_spec.to_string();
  out.seq = seq;
  const std::size_t dim = space_.config.dim;
  const bool ok = with_index_at(db, seq, [&](const index::VectorIndex& idx) {
    out.indexed = idx.size();
    std::vector<std::int64_t> indexed = idx.ids();
    Statement all = db.prepare("SELECT doc_key, vector FROM " + vectors_table(space_.id) + " ORDER BY doc_key");
    std::vector<float> stored(dim), held(dim);
    std::size_t at = 0;  // merge of two ascending key lists
    while (all.step()) {
      const std::int64_t key = all.int64(0);
      ++out.stored;
      while (at < indexed.size() && indexed[at] < key) {
        ++out.extra;
        ++at;
      }
      if (at == indexed.size() || indexed[at] != key) {
        ++out.missing;
        continue;
      }
      ++at;
      index::decode_vector(space_.config.storage, all.blob(1), stored);
      stored = normalized_if_cosine(space_, std::move(stored));
      idx.reconstruct(key, held);
      for (std::size_t j = 0; j < dim; ++j) {
        if (!(std::fabs(stored[j] - held[j]) <= 1e-6f)) {
          ++out.mismatched;
          break;
        }
      }
    }
    out.extra += indexed.size() - at;
  });
  if (!ok) throw conflict_error("the index moved past the snapshot being checked; retry");
  return out;
}

SpaceIndex::Status SpaceIndex::status() const {
  std::shared_lock lock(mutex_);
  return {index_ != nullptr, loaded_from_file_, seq_, index_ ? index_->size() : 0};
}

}  // namespace molt::store
