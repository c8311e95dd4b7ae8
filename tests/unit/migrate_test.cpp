// The migration library with fake encoders: plan changes nothing, the backfill fills the new
// space, stops at a batch boundary and resumes without embedding again, keeps up with writes
// made while it runs; status counts each live document once mid-backfill; the state
// transitions and their refusals, abort included; canary routing; the run lock.
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/migrate/ab_quality.h"
#include "molt/migrate/backfill.h"
#include "molt/migrate/bootstrap.h"
#include "molt/migrate/canary.h"
#include "molt/migrate/migration_plan.h"
#include "molt/migrate/migration_status.h"
#include "molt/migrate/run_lock.h"
#include "molt/migrate/transitions.h"
#include "molt/store/store.h"
#include "tests/support/fake_encoder.h"
#include "tests/support/test_env.h"

namespace molt::migrate {
namespace {

using test::FakeEncoder;
using test::TempDir;

class Migrate : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::Store>(tmp_ / "db", store::StoreOptions{.create = true, .threads = 1});
    db_->create_collection("kb");
    db_->create_space("kb", old_.space_config("old"));
    std::vector<store::DocumentWrite> docs;
    for (int i = 0; i < 50; ++i) {
      store::DocumentWrite d;
      d.id = "d" + std::to_string(100 + i);
      d.text = "document " + std::to_string(i) + " about topic " + std::to_string(i % 7);
      docs.push_back(std::move(d));
    }
    db_->upsert("kb", docs, provider());
  }
  store::EncoderProvider provider() { return test::provider_of({&old_, &new_}); }
  std::map<std::string, std::vector<float>> vectors(const std::string& space) {
    std::map<std::string, std::vector<float>> out;
    store::ScrollRequest r;
    r.space = space;
    r.only_with_vectors = true;
    db_->for_each_document("kb", r, {}, [&](store::Document& d) { out[d.id] = d.vector; });
    return out;
  }
  // Every live document's vector in `space` is `enc`'s embedding of its current text.
  void expect_current(const std::string& space, FakeEncoder& enc) {
    const store::CollectionInfo c = db_->collection("kb");
    const store::EmbedRequest req = store::embed_request(*c.find_space(space), store::EmbedRole::kDocument);
    const auto v = vectors(space);
    EXPECT_EQ(static_cast<std::int64_t>(v.size()), db_->count("kb"));
    store::ScrollRequest r;
    db_->for_each_document("kb", r, {}, [&](store::Document& d) {
      ASSERT_EQ(v.count(d.id), 1u) << d.id;
      EXPECT_EQ(v.at(d.id), enc.vector(d.text, req)) << d.id;
    });
  }

  TempDir tmp_;
  FakeEncoder old_{"old-model", 16, 1};
  FakeEncoder new_{"new-model", 24, 2};
  std::unique_ptr<store::Store> db_;
};

TEST_F(Migrate, PlanCountsAndChangesNothing) {
  const std::int64_t seq = db_->last_seq();
  const MigrationPlan p = plan_migration(*db_, "kb", new_.space_config("new"), new_,
                                         [](const std::string& t) { return t.size(); }, {.sample = 8});
  EXPECT_EQ(p.documents, 50);
  std::int64_t chars = 0;
  store::ScrollRequest r;
  db_->for_each_document("kb", r, {}, [&](store::Document& d) { chars += static_cast<std::int64_t>(d.text.size()); });
  EXPECT_EQ(p.tokens, chars);
  EXPECT_EQ(p.from.name(), "old");
  EXPECT_EQ(p.to.dim, 24u);
  EXPECT_EQ(p.sample_documents, 8);
  EXPECT_GT(p.bytes_new_space, 0u);
  EXPECT_EQ(db_->last_seq(), seq);
  EXPECT_EQ(db_->collection("kb").spaces.size(), 1u);
}

TEST_F(Migrate, BackfillFillsTheNewSpaceAndMarksItReady) {
  Migration m = begin_migration(*db_, "kb", new_.space_config("new"));
  EXPECT_EQ(m.state, MigrationState::kBackfilling);
  EXPECT_EQ(m.record.from, "old");
  const BackfillResult r = run_backfill(*db_, "kb", m, new_, {.batch_size = 7});
  EXPECT_FALSE(r.stopped);
  EXPECT_EQ(r.embedded, 50);
  EXPECT_EQ(r.written, 50);
  m = current_migration(*db_, "kb");
  EXPECT_EQ(m.state, MigrationState::kReady);
  EXPECT_EQ(m.record.phase, Phase::kDone);
  expect_current("new", new_);
  expect_current("old", old_);
  // Running again resumes the same migration, which has nothing left to do.
  EXPECT_EQ(begin_migration(*db_, "kb", new_.space_config("new")).to.id, m.to.id);
  EXPECT_THROW(run_backfill(*db_, "kb", m, new_, {}), Error);
}

TEST_F(Migrate, StopsAtABatchBoundaryAndResumesWithoutEmbeddingAgain) {
  Migration m = begin_migration(*db_, "kb", new_.space_config("new"));
  std::atomic<bool> stop{true};
  BackfillResult first = run_backfill(*db_, "kb", m, new_, {.batch_size = 10, .stop = &stop});
  EXPECT_TRUE(first.stopped);
  EXPECT_EQ(first.embedded, 10);
  m = current_migration(*db_, "kb");
  EXPECT_EQ(m.state, MigrationState::kBackfilling);
  EXPECT_EQ(m.record.cursor, "d109");
  EXPECT_EQ(vectors("new").size(), 10u);
  stop = false;
  const std::size_t before = new_.n_texts_embedded();
  const BackfillResult rest = run_backfill(*db_, "kb", m, new_, {.batch_size = 10, .stop = &stop});
  EXPECT_FALSE(rest.stopped);
  EXPECT_EQ(rest.embedded, 40);
  EXPECT_EQ(new_.n_texts_embedded() - before, 40u);
  expect_current("new", new_);
}

TEST_F(Migrate, MaxRatePacesTheBackfill) {
  Migration m = begin_migration(*db_, "kb", new_.space_config("new"));
  const auto start = std::chrono::steady_clock::now();
  const BackfillResult r = run_backfill(*db_, "kb", m, new_, {.batch_size = 10, .max_rate = 250.0});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(r.stopped);
  EXPECT_EQ(r.embedded, 50);
  // At least the first 40 documents were held to 250/s before the last batch could start.
  EXPECT_GE(seconds, 40.0 / 250.0 - 0.01);
  EXPECT_EQ(current_migration(*db_, "kb").state, MigrationState::kReady);
  EXPECT_THROW(run_backfill(*db_, "kb", m, new_, {.max_rate = -1.0}), Error);
}

TEST_F(Migrate, AStopEndsAPacedBackfillWithinItsWaitSlice) {
  // One document a second would take 50 s.
  Migration m2 = begin_migration(*db_, "kb", new_.space_config("new"));
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
  });
  const auto start2 = std::chrono::steady_clock::now();
  const BackfillResult slow = run_backfill(*db_, "kb", m2, new_, {.batch_size = 10, .stop = &stop, .max_rate = 1.0});
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start2).count();
  stopper.join();
  EXPECT_TRUE(slow.stopped);
  EXPECT_EQ(slow.embedded, 10);
  EXPECT_LT(waited, 5.0);
}

TEST_F(Migrate, WritesDuringTheBackfillReachBothSpaces) {
  Migration m = begin_migration(*db_, "kb", new_.space_config("new"));
  int batches = 0;
  BackfillOptions options;
  options.batch_size = 5;
  // Between batches: rewrite a document already done and one not yet, add one before the
  // cursor and one after, delete one of each side.
  options.progress = [&](const Progress& p) {
    if (p.stage != "backfill" || ++batches != 3) return;
    std::vector<store::DocumentWrite> docs(4);
    docs[0].id = "d101", docs[0].text = "rewritten early";
    docs[1].id = "d140", docs[1].text = "rewritten late";
    docs[2].id = "d000", docs[2].text = "inserted before the cursor";
    docs[3].id = "d999", docs[3].text = "inserted after the cursor";
    db_->upsert("kb", docs, provider());
    const std::vector<std::string> gone = {"d102", "d145"};
    db_->remove("kb", gone);
  };
  const BackfillResult r = run_backfill(*db_, "kb", m, new_, options);
  EXPECT_FALSE(r.stopped);
  EXPECT_EQ(db_->count("kb"), 50);
  expect_current("new", new_);
  expect_current("old", old_);
  EXPECT_EQ(vectors("new").count("d102"), 0u);
  EXPECT_EQ(current_migration(*db_, "kb").state, MigrationState::kReady);
}

TEST_F(Migrate, TransitionsAndTheirRefusals) {
  EXPECT_THROW(current_migration(*db_, "kb"), Error);
  Migration m = begin_migration(*db_, "kb", new_.space_config("new"));
  for (auto fn : {cutover, rollback, finalize}) {
    try {
      fn(*db_, "kb");
      FAIL() << "a transition of a backfilling migration went through";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kConflict) << e.what();
    }
  }
  // Another target while this one is unfinished.
  FakeEncoder third("third-model", 8, 3);
  EXPECT_THROW(begin_migration(*db_, "kb", third.space_config("third")), Error);
  run_backfill(*db_, "kb", m, new_, {});
  EXPECT_THROW(finalize(*db_, "kb"), Error);
  EXPECT_THROW(rollback(*db_, "kb"), Error);

  EXPECT_EQ(set_canary(*db_, "kb", 25).state, MigrationState::kCanary);
  EXPECT_THROW(set_canary(*db_, "kb", 101), Error);
  m = cutover(*db_, "kb");
  EXPECT_EQ(m.state, MigrationState::kCutOver);
  EXPECT_EQ(m.record.canary_percent, 0.0);
  EXPECT_EQ(db_->collection("kb").serving_space()->name(), "new");
  EXPECT_EQ(m.from->state, store::SpaceState::kRetired);
  EXPECT_THROW(set_canary(*db_, "kb", 10), Error);

  m = rollback(*db_, "kb");
  EXPECT_EQ(m.state, MigrationState::kReady);
  EXPECT_EQ(db_->collection("kb").serving_space()->name(), "old");
  // The new space stays current while ready.
  std::vector<store::DocumentWrite> docs(1);
  docs[0].id = "d120", docs[0].text = "after the rollback";
  db_->upsert("kb", docs, provider());
  expect_current("new", new_);

  cutover(*db_, "kb");
  m = finalize(*db_, "kb");
  EXPECT_EQ(m.state, MigrationState::kFinalized);
  EXPECT_FALSE(m.from.has_value());
  EXPECT_EQ(db_->collection("kb").spaces.size(), 1u);
  EXPECT_THROW(rollback(*db_, "kb"), Error);
  // Already served by this model.
  EXPECT_THROW(begin_migration(*db_, "kb", new_.space_config("new")), Error);
  // A later migration to another model starts afresh.
  EXPECT_EQ(begin_migration(*db_, "kb", third.space_config("third")).state, MigrationState::kBackfilling);
}

TEST_F(Migrate, StatusReportsProgressAndCanaryCounts) {
  Migration m = begin_migration(*db_, "kb", new_.space_config("new"));
  std::atomic<bool> stop{true};
  run_backfill(*db_, "kb", m, new_, {.batch_size = 20, .stop = &stop});
  MigrationStatus s = migration_status(*db_, "kb");
  EXPECT_EQ(s.migration.state, MigrationState::kBackfilling);
  EXPECT_EQ(s.documents, 50);
  EXPECT_EQ(s.vectors, 20);
  EXPECT_FALSE(s.running);
  {
    RunLock lock(db_->dir(), db_->collection("kb").id, "kb");
    EXPECT_TRUE(migration_status(*db_, "kb").running);
  }
  stop = false;
  run_backfill(*db_, "kb", current_migration(*db_, "kb"), new_, {});
  set_canary(*db_, "kb", 50);
  count_canary_search(db_->dir(), m.to.id, true);
  count_canary_search(db_->dir(), m.to.id, false);
  count_canary_search(db_->dir(), m.to.id, false);
  s = migration_status(*db_, "kb");
  EXPECT_EQ(s.canary.new_side, 1);
  EXPECT_EQ(s.canary.old_side, 2);
  EXPECT_EQ(s.vectors, 50);
}

TEST_F(Migrate, StatusCountsEachLiveDocumentOnceMidBackfill) {
  Migration m = begin_migration(*db_, "kb", new_.space_config("new"));
  std::atomic<bool> stop{true};
  run_backfill(*db_, "kb", m, new_, {.batch_size = 20, .stop = &stop});
  ASSERT_EQ(current_migration(*db_, "kb").record.cursor, "d119");
  // Live writes on both sides of the cursor: those ahead of it get their vector from the
  // write, so the backfill will skip them; they are done, and counted once.
  std::vector<store::DocumentWrite> docs(4);
  docs[0].id = "d140", docs[0].text = "rewritten ahead of the cursor";
  docs[1].id = "d999", docs[1].text = "inserted ahead of the cursor";
  docs[2].id = "d000", docs[2].text = "inserted behind the cursor";
  docs[3].id = "d105", docs[3].text = "rewritten behind the cursor";
  db_->upsert("kb", docs, provider());
  const std::vector<std::string> gone = {"d145", "d110"};
  db_->remove("kb", gone);

  const MigrationStatus s = migration_status(*db_, "kb");
  EXPECT_EQ(s.total, 50);
  EXPECT_EQ(s.documents, 50);
  // Behind the cursor: d100-d119 less d110, plus d000 (20); ahead: d140 and d999 (2).
  EXPECT_EQ(s.done, 22);
  // d120-d149 less d140 (written live) and d145 (deleted).
  EXPECT_EQ(s.remaining, 28);
  EXPECT_EQ(s.done + s.remaining, s.total);
  ASSERT_TRUE(s.eta_seconds.has_value());
  EXPECT_DOUBLE_EQ(*s.eta_seconds, 28 / s.rate);
  EXPECT_EQ(backfill_remaining(*db_, "kb", s.migration), 28);

  // The remaining count is exactly what the backfill then embeds, and its progress starts
  // at the same done/total and ends at total.
  stop = false;
  std::vector<Progress> seen;
  BackfillOptions options;
  options.batch_size = 10;
  options.progress = [&](const Progress& p) {
    if (p.stage == "backfill") seen.push_back(p);
  };
  const std::size_t before = new_.n_texts_embedded();
  const BackfillResult r = run_backfill(*db_, "kb", current_migration(*db_, "kb"), new_, options);
  EXPECT_EQ(r.embedded, 28);
  EXPECT_EQ(new_.n_texts_embedded() - before, 28u);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().done, 22u);
  EXPECT_EQ(seen.front().total, 50u);
  EXPECT_EQ(seen.back().done, 50u);
  EXPECT_EQ(seen.back().total, 50u);
  for (const Progress& p : seen) EXPECT_LE(p.done, p.total);
  const MigrationStatus after = migration_status(*db_, "kb");
  EXPECT_EQ(after.migration.state, MigrationState::kReady);
  EXPECT_EQ(after.done, 50);
  EXPECT_EQ(after.remaining, 0);
  EXPECT_FALSE(after.eta_seconds.has_value());
  expect_current("new", new_);
}

TEST_F(Migrate, AbortDropsANewSpaceThatDoesNotServe) {
  const auto old_vectors = vectors("old");
  Migration m = begin_migration(*db_, "kb", new_.space_config("new"));
  std::atomic<bool> stop{true};
  run_backfill(*db_, "kb", m, new_, {.batch_size = 10, .stop = &stop});
  // Only the migration's own space, and not while a run holds the collection.
  try {
    abort_migration(*db_, "kb", "old");
    FAIL() << "abort dropped a space that is not the migration's";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConflict) << e.what();
  }
  {
    RunLock lock(db_->dir(), db_->collection("kb").id, "kb");
    EXPECT_THROW(abort_migration(*db_, "kb"), Error);
  }
  EXPECT_EQ(db_->collection("kb").spaces.size(), 2u);

  const Migration aborted = abort_migration(*db_, "kb", "new");
  EXPECT_EQ(aborted.state, MigrationState::kBackfilling);
  EXPECT_EQ(aborted.to.name(), "new");
  store::CollectionInfo c = db_->collection("kb");
  ASSERT_EQ(c.spaces.size(), 1u);
  EXPECT_EQ(c.serving_space()->name(), "old");
  EXPECT_THROW(current_migration(*db_, "kb"), Error);  // the record went with the space
  EXPECT_EQ(vectors("old"), old_vectors);

  // A fresh migration after it starts from nothing; abort in canary forgets its counts.
  m = begin_migration(*db_, "kb", new_.space_config("new"));
  EXPECT_TRUE(m.record.cursor.empty());
  EXPECT_NE(m.to.id, aborted.to.id);
  EXPECT_EQ(run_backfill(*db_, "kb", m, new_, {}).embedded, 50);
  set_canary(*db_, "kb", 30);
  count_canary_search(db_->dir(), m.to.id, true);
  EXPECT_EQ(abort_migration(*db_, "kb").state, MigrationState::kCanary);
  EXPECT_EQ(read_canary_counts(db_->dir(), m.to.id).new_side, 0);
  EXPECT_EQ(db_->collection("kb").spaces.size(), 1u);

  // After a cutover the answer is rollback first; then abort goes through.
  m = begin_migration(*db_, "kb", new_.space_config("new"));
  run_backfill(*db_, "kb", m, new_, {});
  cutover(*db_, "kb");
  try {
    abort_migration(*db_, "kb");
    FAIL() << "abort dropped the serving space";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConflict);
    EXPECT_NE(std::string(e.what()).find("roll back"), std::string::npos) << e.what();
  }
  EXPECT_EQ(db_->collection("kb").serving_space()->name(), "new");
  rollback(*db_, "kb");
  EXPECT_EQ(abort_migration(*db_, "kb").state, MigrationState::kReady);
  EXPECT_EQ(db_->collection("kb").serving_space()->name(), "old");
  expect_current("old", old_);

  // Nor once finalized.
  m = begin_migration(*db_, "kb", new_.space_config("new"));
  run_backfill(*db_, "kb", m, new_, {});
  cutover(*db_, "kb");
  finalize(*db_, "kb");
  EXPECT_THROW(abort_migration(*db_, "kb"), Error);
  EXPECT_EQ(db_->collection("kb").spaces.size(), 1u);
}

TEST(MigrateCanary, RoutesByQueryHashInTheGivenShare) {
  int to_new = 0;
  for (int i = 0; i < 10000; ++i) {
    const std::string q = "query number " + std::to_string(i);
    const bool side = routes_to_new(q, 30);
    EXPECT_EQ(side, routes_to_new(q, 30));  // the same query, the same side
    if (side) {
      ++to_new;
      EXPECT_TRUE(routes_to_new(q, 60));  // a larger share keeps the queries it had
    }
    EXPECT_FALSE(routes_to_new(q, 0));
    EXPECT_TRUE(routes_to_new(q, 100));
  }
  EXPECT_NEAR(to_new, 3000, 200);
}

TEST(MigrateVerify, PairedBootstrap) {
  const std::vector<double> a = {0.1, 0.5, 0.9, 0.3, 0.7};
  // No difference: a zero-width interval at 0.
  DifferenceInterval same = paired_bootstrap(a, a, 1000, 1);
  EXPECT_EQ(same.mean, 0.0);
  EXPECT_EQ(same.low, 0.0);
  EXPECT_EQ(same.high, 0.0);
  // The same shift on every query: the interval is that shift.
  std::vector<double> b = a;
  for (double& x : b) x += 0.25;
  const DifferenceInterval shift = paired_bootstrap(a, b, 1000, 1);
  EXPECT_NEAR(shift.mean, 0.25, 1e-12);
  EXPECT_NEAR(shift.low, 0.25, 1e-12);
  EXPECT_NEAR(shift.high, 0.25, 1e-12);
  // Mixed differences: the interval holds the mean and lies within the extremes; the same seed
  // gives the same interval.
  const std::vector<double> c = {0.2, 0.4, 1.0, 0.1, 0.9};
  const DifferenceInterval mixed = paired_bootstrap(a, c, 5000, 7);
  EXPECT_NEAR(mixed.mean, 0.02, 1e-12);  // differences 0.1, -0.1, 0.1, -0.2, 0.2
  EXPECT_LE(mixed.low, mixed.mean);
  EXPECT_GE(mixed.high, mixed.mean);
  EXPECT_GE(mixed.low, -0.2);
  EXPECT_LE(mixed.high, 0.2);
  EXPECT_EQ(paired_bootstrap(a, c, 5000, 7).low, mixed.low);
}

TEST(MigrateVerify, PseudoQueriesAndRankCorrelation) {
  EXPECT_EQ(pseudo_query("Vitamin D helps bones. It also does other things."), "Vitamin D helps bones.");
  EXPECT_EQ(pseudo_query("  Too   short. "), "");
  EXPECT_EQ(pseudo_query("Dr. Smith says no. More."), "Dr. Smith says no.");  // a sentence needs 3 words
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += "word ";
  EXPECT_EQ(pseudo_query(long_text).size(), 32u * 5 - 1);

  const std::vector<std::string> a = {"x", "y", "z"};
  EXPECT_DOUBLE_EQ(top_k_rank_correlation(a, a), 1.0);
  EXPECT_NEAR(top_k_rank_correlation(a, {"z", "y", "x"}), -1.0, 1e-12);
  // Disjoint lists: each side's documents ranked last by the other.
  EXPECT_LT(top_k_rank_correlation(a, {"p", "q", "r"}), 0.0);
}

TEST(MigrateRunLock, OneRunPerCollection) {
  TempDir tmp;
  RunLock first(tmp.path(), 7, "kb");
  try {
    RunLock second(tmp.path(), 7, "kb");
    FAIL() << "a second run lock was granted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConflict);
    EXPECT_NE(std::string(e.what()).find("already running"), std::string::npos) << e.what();
  }
  RunLock other(tmp.path(), 8, "other");  // another collection is free
}

}  // namespace
}  // namespace molt::migrate
