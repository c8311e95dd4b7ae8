#include "molt/migrate/catch_up.h"

#include <set>

namespace molt::migrate {
namespace {

constexpr std::size_t kChangesPerRead = 4096;

// Embeds `docs` in batches; the record (and its log_seq) goes with the last batch.
void write_in_batches(store::Store& store, std::string_view collection, const Migration& m,
                      std::vector<store::Document>& docs, store::SpaceEncoder& encoder, std::size_t batch_size,
                      BackfillResult& result) {
  for (std::size_t begin = 0; begin < docs.size(); begin += batch_size) {
    const std::size_t n = std::min(batch_size, docs.size() - begin);
    const store::VectorWriteResult w =
        write_batch(store, collection, m, std::span<const store::Document>(docs).subspan(begin, n), encoder);
    result.embedded += static_cast<std::int64_t>(n);
    result.written += static_cast<std::int64_t>(w.written);
    result.caught_up += static_cast<std::int64_t>(w.written);
    result.skipped += static_cast<std::int64_t>(w.skipped_changed + w.skipped_missing);
  }
}

// One pass over the change log after m.record.log_seq. Returns how many documents it had
// to embed, or -1 when stopped.
std::int64_t log_pass(store::Store& store, std::string_view collection, Migration& m, store::SpaceEncoder& encoder,
                      const BackfillOptions& options, BackfillResult& result) {
  std::int64_t embedded = 0;
  while (true) {
    const std::vector<store::Change> changes = store.changes_after(collection, m.record.log_seq, kChangesPerRead);
    if (changes.empty()) return embedded;
    std::set<std::string> ids;
    for (const store::Change& ch : changes) {
      if (ch.op == store::ChangeOp::kUpsert) ids.insert(ch.doc_id);
    }
    const std::vector<std::string> id_list(ids.begin(), ids.end());
    store::GetOptions get;
    get.space = m.to.name();
    get.metadata = false;
    std::vector<store::Document> stale;
    for (std::optional<store::Document>& d : store.get(collection, id_list, get)) {
      if (d && (d->vector.empty() || d->vector_seq != d->seq)) stale.push_back(std::move(*d));
    }
    m.record.log_seq = changes.back().seq;
    m.record.embedded += static_cast<std::int64_t>(stale.size());
    if (stale.empty()) {
      store.set_checkpoint(collection, m.to.name(), m.record.to_json());
    } else {
      write_in_batches(store, collection, m, stale, encoder, options.batch_size, result);
    }
    embedded += static_cast<std::int64_t>(stale.size());
    if (options.progress && !stale.empty()) {
      options.progress({"catch-up", static_cast<std::uint64_t>(result.caught_up),
                        static_cast<std::uint64_t>(result.caught_up), "docs"});
    }
    if (stop_requested(options)) return -1;
  }
}

// Every document still without a current vector, from the first id on. Returns how many it
// embedded, or -1 when stopped.
std::int64_t sweep(store::Store& store, std::string_view collection, Migration& m, store::SpaceEncoder& encoder,
                   const BackfillOptions& options, BackfillResult& result) {
  std::int64_t embedded = 0;
  std::string after;
  while (true) {
    store::ScrollRequest request;
    request.after = after;
    request.limit = options.batch_size;
    request.needing_vectors_in = m.to.name();
    request.metadata = false;
    store::ScrollPage page = store.scroll(collection, request);
    if (page.documents.empty()) return embedded;
    after = page.documents.back().id;
    m.record.embedded += static_cast<std::int64_t>(page.documents.size());
    write_in_batches(store, collection, m, page.documents, encoder, options.batch_size, result);
    embedded += static_cast<std::int64_t>(page.documents.size());
    if (stop_requested(options)) return -1;
    if (page.next.empty()) return embedded;
  }
}

}  // namespace

bool catch_up(store::Store& store, std::string_view collection, Migration& m, store::SpaceEncoder& encoder,
              const BackfillOptions& options, BackfillResult& result) {
  // Live writes already embed with the new space, so a pass normally finds nothing to do
  // and only advances log_seq; it repeats until one pass of both finds nothing.
  while (true) {
    const std::int64_t from_log = log_pass(store, collection, m, encoder, options, result);
    if (from_log < 0) return false;
    const std::int64_t swept = sweep(store, collection, m, encoder, options, result);
    if (swept < 0) return false;
    if (from_log == 0 && swept == 0) return true;
  }
}

}  // namespace molt::migrate
