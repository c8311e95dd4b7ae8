// The bodies of the server's migration routes: what each accepts, and each refusal an
// input_error naming the field; the migration gauges of /metrics follow the migrations
// that exist at each scrape.
#include <gtest/gtest.h>

#include "molt/server/migration_wire.h"
#include "molt/server/server_metrics.h"
#include "tests/support/error_of.h"

namespace molt::server {
namespace {

using test::error_of;

TEST(MigrationWire, PlanAndStartName) {
  const MigrationTargetRequest plan = parse_migration_plan(R"({"model": "b", "dimensions": 256, "sample": 8})");
  EXPECT_EQ(plan.space.model, "b");
  EXPECT_EQ(plan.space.dimensions, 256u);
  EXPECT_EQ(plan.sample, 8u);
  const MigrationTargetRequest start =
      parse_migration_start(R"({"model": "b", "space": "b-small", "batch_size": 4, "document_prefix": "doc: "})");
  EXPECT_EQ(start.space.name, "b-small");
  EXPECT_EQ(start.batch_size, 4u);
  EXPECT_EQ(start.space.document_prompt.prefix, "doc: ");
  EXPECT_EQ(parse_migration_start(R"({"model": "b"})").batch_size, 64u);

  EXPECT_EQ(error_of([] { parse_migration_start(R"({"space": "x"})"); }).where().field, "model");
  EXPECT_EQ(error_of([] { parse_migration_start(R"({"model": "b", "sample": 3})"); }).where().field, "sample");
  EXPECT_EQ(error_of([] { parse_migration_plan(R"({"model": "b", "batch_size": 3})"); }).where().field, "batch_size");
  EXPECT_EQ(error_of([] { parse_migration_start(R"({"model": "b", "batch_size": 0})"); }).where().field,
            "batch_size");
  EXPECT_EQ(error_of([] { parse_migration_start(R"({"model": 3})"); }).where().field, "model");
  EXPECT_EQ(error_of([] { parse_migration_start("[1]"); }).kind(), ErrorKind::kInput);
  EXPECT_EQ(error_of([] { parse_migration_start(""); }).kind(), ErrorKind::kInput);
}

TEST(MigrationWire, CanaryPercent) {
  EXPECT_DOUBLE_EQ(parse_canary_percent(R"({"percent": 12.5})"), 12.5);
  EXPECT_DOUBLE_EQ(parse_canary_percent(R"({"percent": 0})"), 0.0);
  for (const char* bad : {R"({})", R"({"percent": -1})", R"({"percent": 100.5})", R"({"percent": "5"})",
                          R"({"percent": 5, "share": 5})"}) {
    const Error e = error_of([bad] { parse_canary_percent(bad); });
    EXPECT_EQ(e.kind(), ErrorKind::kInput) << bad;
    EXPECT_FALSE(e.where().field.empty()) << bad;
  }
}

TEST(MigrationWire, VerifyLabels) {
  const VerifyRequest none = parse_verify("");
  EXPECT_TRUE(none.options.quality.queries.empty());
  EXPECT_EQ(none.options.queries_source, "pseudo-queries");

  const VerifyRequest beir = parse_verify(R"({"beir": "/data/scifact", "split": "dev", "seed": 7})");
  EXPECT_EQ(beir.beir, "/data/scifact");
  EXPECT_EQ(beir.split, "dev");
  EXPECT_EQ(beir.options.seed, 7u);
  EXPECT_EQ(beir.options.quality.seed, 7u);

  const VerifyRequest files = parse_verify(R"({"queries": "q.jsonl", "qrels": "qrels.tsv"})");
  EXPECT_EQ(files.queries_file, "q.jsonl");
  EXPECT_EQ(files.qrels_file, "qrels.tsv");

  const VerifyRequest inline_labels = parse_verify(
      R"({"queries": [{"_id": "q2", "text": "heart"}, {"_id": "q1", "text": "bone"}, {"_id": "q3", "text": "x"}],
          "qrels": {"q2": {"d9": 1, "d1": 2}, "q1": {"d4": 0}}})");
  const auto& q = inline_labels.options.quality;
  ASSERT_EQ(q.queries.size(), 2u);  // the judged ones, in id order
  EXPECT_EQ(q.queries[0].id, "q1");
  EXPECT_EQ(q.queries[1].text, "heart");
  ASSERT_EQ(q.qrels.by_query.at("q2").size(), 2u);
  EXPECT_EQ(q.qrels.by_query.at("q2")[0].doc_id, "d1");  // sorted by doc id
  EXPECT_EQ(q.qrels.by_query.at("q2")[0].relevance, 2);

  const std::pair<const char*, const char*> bad[] = {
      {R"({"queries": "q.jsonl"})", "qrels"},
      {R"({"qrels": {"q1": {"d1": 1}}})", "queries"},
      {R"({"beir": "x", "queries": "q", "qrels": "r"})", "queries"},
      {R"({"split": "test"})", "split"},
      {R"({"beir": "x", "split": "../test"})", "split"},
      {R"({"queries": "q.jsonl", "qrels": {"q1": {"d1": 1}}})", "qrels"},
      {R"({"queries": [{"_id": "q1", "text": "a"}], "qrels": {"q1": {"d1": 1.5}}})", "qrels.q1"},
      {R"({"queries": [{"_id": "q1", "text": "a"}], "qrels": {"q2": {"d1": 1}}})", "queries"},
      {R"({"queries": [{"_id": "q1", "text": "a"}, {"_id": "q1", "text": "b"}], "qrels": {"q1": {"d1": 1}}})",
       "queries[1]._id"},
      {R"({"queries": [{"_id": "q1"}], "qrels": {"q1": {"d1": 1}}})", "queries[0].text"},
      {R"({"queries": [], "qrels": {}})", "qrels"},
      {R"({"resamples": -1})", "resamples"},
      {R"({"report": "x"})", "report"},
  };
  for (const auto& [body, field] : bad) {
    const Error e = error_of([body] { parse_verify(body); });
    EXPECT_EQ(e.kind(), ErrorKind::kInput) << body;
    EXPECT_EQ(e.where().field, field) << body << ": " << e.message();
  }
}

TEST(MigrationMetrics, GaugesFollowTheMigrationsOfEachScrape) {
  ServerMetrics metrics;
  ServerMetrics::MigrationState m;
  m.collection = "kb";
  m.space = "b";
  m.state = "backfilling";
  m.done = 40;
  m.total = 100;
  m.log_lag = 3;
  m.docs_per_second = 12.5;
  m.running = true;
  metrics.set_migrations({m});
  metrics.migration_transition("kb", "start");
  metrics.migration_transition("kb", "cutover");
  metrics.migration_transition("kb", "cutover");
  const std::string text = metrics.render({}, {});
  for (const char* line : {"molt_migration_done_documents{collection=\"kb\",space=\"b\"} 40\n",
                           "molt_migration_total_documents{collection=\"kb\",space=\"b\"} 100\n",
                           "molt_migration_state{collection=\"kb\",space=\"b\",state=\"backfilling\"} 1\n",
                           "molt_migration_state{collection=\"kb\",space=\"b\",state=\"ready\"} 0\n",
                           "molt_migration_change_log_lag{collection=\"kb\",space=\"b\"} 3\n",
                           "molt_migration_docs_per_second{collection=\"kb\",space=\"b\"} 12.5\n",
                           "molt_migration_running{collection=\"kb\",space=\"b\"} 1\n",
                           "molt_migration_transitions_total{collection=\"kb\",transition=\"cutover\"} 2\n",
                           "molt_migration_transitions_total{collection=\"kb\",transition=\"start\"} 1\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
  // The collection dropped: its gauges go; the transitions counted stay.
  metrics.set_migrations({});
  const std::string after = metrics.render({}, {});
  EXPECT_EQ(after.find("molt_migration_done_documents{"), std::string::npos);
  EXPECT_EQ(after.find("molt_migration_state{"), std::string::npos);
  EXPECT_NE(after.find("molt_migration_transitions_total{collection=\"kb\",transition=\"cutover\"} 2\n"),
            std::string::npos);
}

}  // namespace
}  // namespace molt::server
