#include "molt/migrate/backfill.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "molt/base/error.h"
#include "molt/migrate/catch_up.h"
#include "molt/migrate/migration_status.h"

namespace molt::migrate {

bool stop_requested(const BackfillOptions& options) {
  return options.stop != nullptr && options.stop->load(std::memory_order_relaxed);
}

store::VectorWriteResult write_batch(store::Store& store, std::string_view collection, const Migration& m,
                                     std::span<const store::Document> docs, store::SpaceEncoder& encoder) {
  std::vector<std::string> texts;
  texts.reserve(docs.size());
  for (const store::Document& d : docs) texts.push_back(d.text);
  const std::size_t dim = m.to.config.dim;
  std::vector<float> values;
  if (!texts.empty()) values = encoder.embed(texts, store::embed_request(m.to, store::EmbedRole::kDocument));
  if (values.size() != texts.size() * dim) {
    throw internal_error("the encoder returned " + std::to_string(values.size()) + " values for " +
                             std::to_string(texts.size()) + " texts of width " + std::to_string(dim),
                         {.field = "model"});
  }
  std::vector<store::VectorWrite> writes(docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    writes[i].doc_id = docs[i].id;
    writes[i].read_seq = docs[i].seq;
    writes[i].vector.assign(values.begin() + static_cast<std::ptrdiff_t>(i * dim),
                            values.begin() + static_cast<std::ptrdiff_t>((i + 1) * dim));
  }
  const std::string checkpoint = m.record.to_json();
  return store.write_vectors(collection, m.to.name(), writes, checkpoint);
}

namespace {

// Waits until `embedded` documents since `start` keep within `max_rate`, in short slices so
// that a stop request still ends the run within a fraction of a second.
void pace(const BackfillOptions& options, std::chrono::steady_clock::time_point start, std::int64_t embedded) {
  if (options.max_rate <= 0) return;
  const auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(static_cast<double>(embedded) / options.max_rate));
  while (!stop_requested(options)) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= due) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(due - now, std::chrono::milliseconds(50)));
  }
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

BackfillResult run_backfill(store::Store& store, std::string_view collection, Migration m,
                            store::SpaceEncoder& encoder, const BackfillOptions& options) {
  if (options.batch_size == 0) throw usage_error("--batch-size must be positive", {.field = "batch-size"});
  if (!(options.max_rate >= 0)) throw usage_error("--max-rate must be 0 or more", {.field = "max-rate"});
  if (encoder.identity().hash != m.to.config.model_hash) {
    throw usage_error("the encoder given is not the model of space '" + m.to.name() + "'", {.field = "to"});
  }
  if (m.state != MigrationState::kBackfilling) {
    throw conflict_error("the migration to space '" + m.to.name() + "' is " + migration_state_name(m.state) +
                             "; its backfill is complete",
                         {.field = "state"});
  }
  const auto start = std::chrono::steady_clock::now();
  BackfillResult result;
  const store::CollectionInfo c = store.collection(collection);

  auto update_rate = [&] {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.record.rate = seconds > 0 ? static_cast<double>(result.embedded) / seconds : 0.0;
    m.record.updated_unix = unix_now();
  };

  if (m.record.phase == Phase::kBackfill) {
    // Progress as `migrate status` counts it: every live document once, done unless the
    // backfill has still to embed it; each document of a page is then done (written, or
    // skipped because a live write gave it a current vector or deleted it).
    const auto total = static_cast<std::uint64_t>(store.count(c.name));
    const auto remaining = static_cast<std::uint64_t>(backfill_remaining(store, c.name, m));
    std::uint64_t done = total - std::min(total, remaining);
    if (options.progress) options.progress({"backfill", done, total, "docs"});
    while (true) {
      store::ScrollRequest request;
      request.after = m.record.cursor;
      request.limit = options.batch_size;
      request.needing_vectors_in = m.to.name();
      request.metadata = false;
      const store::ScrollPage page = store.scroll(c.name, request);
      if (page.documents.empty()) break;
      m.record.cursor = page.documents.back().id;
      m.record.embedded += static_cast<std::int64_t>(page.documents.size());
      result.embedded += static_cast<std::int64_t>(page.documents.size());
      update_rate();
      const store::VectorWriteResult w = write_batch(store, c.name, m, page.documents, encoder);
      result.written += static_cast<std::int64_t>(w.written);
      result.skipped += static_cast<std::int64_t>(w.skipped_changed + w.skipped_missing);
      done += page.documents.size();
      if (options.progress) options.progress({"backfill", std::min(done, total), total, "docs"});
      if (!page.next.empty()) pace(options, start, result.embedded);
      if (stop_requested(options)) {
        result.stopped = true;
        break;
      }
      if (page.next.empty()) break;
    }
    if (!result.stopped) {
      // Every live document is done now, whatever was inserted or deleted meanwhile.
      if (options.progress) {
        const auto now = static_cast<std::uint64_t>(store.count(c.name));
        options.progress({"backfill", now, now, "docs"});
      }
      m.record.phase = Phase::kCatchUp;
      store.set_checkpoint(c.name, m.to.name(), m.record.to_json());
    }
  }
  if (!result.stopped && m.record.phase == Phase::kCatchUp) {
    result.stopped = !catch_up(store, c.name, m, encoder, options, result);
    if (!result.stopped) {
      m.record.phase = Phase::kDone;
      update_rate();
      // The record first: a crash between the two leaves a complete space still marked
      // backfilling, which the next run marks ready without embedding anything.
      store.set_checkpoint(c.name, m.to.name(), m.record.to_json());
    }
  }
  if (m.record.phase == Phase::kDone && !result.stopped) {
    store.set_space_state(c.name, m.to.name(), store::SpaceState::kReady);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace molt::migrate
