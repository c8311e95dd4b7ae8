// The store with fake encoders: collections, spaces, upsert/get/scroll/delete, the change
// log, what a migration needs (conditional vector writes with a checkpoint), aliases,
// serving switches, and index files that survive reopening.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <utility>
#include <set>

#include <gtest/gtest.h>

#include "molt/base/error.h"
#include "molt/store/store.h"
#include "tests/support/fake_encoder.h"
#include "tests/support/test_env.h"

namespace molt::store {
namespace {

using test::FakeEncoder;
using test::TempDir;

std::vector<DocumentWrite> docs_named(const std::vector<std::pair<std::string, std::string>>& id_text) {
  std::vector<DocumentWrite> out;
  for (const auto& [id, text] : id_text) {
    DocumentWrite d;
    d.id = id;
    d.text = text;
    out.push_back(std::move(d));
  }
  return out;
}

DocumentWrite doc_with_vector(std::string id, std::string text, std::string space, std::vector<float> v,
                              nlohmann::json metadata = nlohmann::json::object()) {
  DocumentWrite d;
  d.id = std::move(id);
  d.text = std::move(text);
  d.metadata = std::move(metadata);
  d.vectors[std::move(space)] = std::move(v);
  return d;
}

SpaceConfig external_space(std::string name, std::size_t dim, std::string spec = "flat") {
  SpaceConfig c;
  c.name = std::move(name);
  c.model_dim = dim;
  c.dim = dim;
  c.index_spec = index::parse_index_spec(spec);
  return c;
}

TEST(Store, OpensOnlyWhatExistsUnlessCreating) {
  TempDir tmp;
  try {
    Store s(tmp / "none");
    FAIL() << "opened a store that does not exist";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  }
  { Store s(tmp / "db", {.create = true}); }
  EXPECT_TRUE(std::filesystem::exists(tmp / "db" / "molt.db"));
  Store again(tmp / "db");
  EXPECT_TRUE(again.list_collections().empty());
}

TEST(Store, UpsertGetScrollDeleteAndTheChangeLog) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  s.create_collection("notes");
  s.create_space("notes", external_space("v", 3));
  const std::int64_t before = s.last_seq();

  std::vector<DocumentWrite> batch;
  batch.push_back(doc_with_vector("b", "second note", "v", {0, 1, 0}, {{"tag", "x"}, {"n", 2}}));
  batch.push_back(doc_with_vector("a", "first note", "v", {1, 0, 0}));
  batch.push_back(doc_with_vector("c", "", "v", {0, 0, 1}));
  const WriteResult w = s.upsert("notes", batch);
  EXPECT_EQ(w.inserted, 3u);
  EXPECT_EQ(w.updated, 0u);
  ASSERT_EQ(w.seqs.size(), 3u);
  EXPECT_EQ(w.first_seq, before + 1);
  EXPECT_EQ(w.last_seq, before + 3);
  EXPECT_TRUE(std::is_sorted(w.seqs.begin(), w.seqs.end()));
  EXPECT_EQ(s.count("notes"), 3);

  const std::vector<std::string> ids = {"b", "zzz", "a"};
  const auto got = s.get("notes", ids, {.space = "v"});
  ASSERT_TRUE(got[0].has_value());
  EXPECT_FALSE(got[1].has_value());
  EXPECT_EQ(got[0]->text, "second note");
  EXPECT_EQ(got[0]->metadata, nlohmann::json({{"tag", "x"}, {"n", 2}}));
  EXPECT_EQ(got[0]->vector, (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(got[0]->seq, w.seqs[0]);
  EXPECT_EQ(got[0]->vector_seq, w.seqs[0]);
  EXPECT_EQ(got[2]->metadata, nlohmann::json::object());

  // Scroll in id order, two at a time.
  ScrollPage p1 = s.scroll("notes", {.limit = 2});
  ASSERT_EQ(p1.documents.size(), 2u);
  EXPECT_EQ(p1.documents[0].id, "a");
  EXPECT_EQ(p1.documents[1].id, "b");
  EXPECT_EQ(p1.next, "b");
  ScrollPage p2 = s.scroll("notes", {.after = p1.next, .limit = 2});
  ASSERT_EQ(p2.documents.size(), 1u);
  EXPECT_EQ(p2.documents[0].id, "c");
  EXPECT_EQ(p2.next, "");

  // Update one, delete two (one absent).
  std::vector<DocumentWrite> update;
  update.push_back(doc_with_vector("a", "first note, edited", "v", {1, 1, 0}));
  const WriteResult u = s.upsert("notes", update);
  EXPECT_EQ(u.updated, 1u);
  const std::vector<std::string> gone = {"b", "nope"};
  const WriteResult d = s.remove("notes", gone);
  EXPECT_EQ(d.deleted, 1u);
  EXPECT_EQ(d.missing, 1u);
  EXPECT_EQ(s.count("notes"), 2);

  const std::vector<Change> log = s.changes_after("notes", before, 100);
  ASSERT_EQ(log.size(), 5u);
  std::vector<std::string> summary;
  for (const Change& c : log) summary.push_back(std::string(change_op_name(c.op)) + ":" + c.doc_id);
  EXPECT_EQ(summary, (std::vector<std::string>{"upsert:b", "upsert:a", "upsert:c", "upsert:a", "delete:b"}));
  for (std::size_t i = 1; i < log.size(); ++i) EXPECT_EQ(log[i].seq, log[i - 1].seq + 1);
  EXPECT_EQ(s.changes_after("notes", log[2].seq, 100).size(), 2u);
}

TEST(Store, EveryWriteEmbedsWithEverySpaceItsOwnWay) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  FakeEncoder old_model("old", 16, 1), new_model("new", 32, 2);
  s.create_collection("kb");
  SpaceConfig old_cfg = old_model.space_config("old");
  old_cfg.document_prompt.prefix = "passage: ";
  old_cfg.query_prompt.prefix = "query: ";
  s.create_space("kb", old_cfg);
  SpaceConfig new_cfg = new_model.space_config("new", "flat", 8);  // Matryoshka 32 -> 8
  new_cfg.document_prompt.name = "document";
  s.create_space("kb", new_cfg);
  const CollectionInfo c = s.collection("kb");
  EXPECT_EQ(c.serving_space()->name(), "old");
  EXPECT_EQ(c.find_space("new")->state, SpaceState::kBackfilling);

  const auto provider = test::provider_of({&old_model, &new_model});
  const auto batch = docs_named({{"1", "apples and pears"}, {"2", "pears and plums"}});
  s.upsert("kb", batch, provider);
  ASSERT_EQ(old_model.calls().size(), 1u);
  EXPECT_EQ(old_model.calls()[0].prefix, "passage: ");
  EXPECT_EQ(old_model.calls()[0].role, EmbedRole::kDocument);
  ASSERT_EQ(new_model.calls().size(), 1u);
  EXPECT_EQ(new_model.calls()[0].prompt_name, "document");
  EXPECT_EQ(new_model.calls()[0].dim, 8u);

  const std::vector<std::string> ids = {"2"};
  const auto in_new = s.get("kb", ids, {.space = "new"});
  EXPECT_EQ(in_new[0]->vector, new_model.vector("pears and plums", embed_request(*c.find_space("new"), EmbedRole::kDocument)));
  EXPECT_EQ(in_new[0]->vector.size(), 8u);

  // A supplied vector for one space is used as is; the other space is still embedded.
  std::vector<DocumentWrite> mixed = docs_named({{"3", "plums"}});
  mixed[0].vectors["old"] = std::vector<float>(16, 0.25f);
  s.upsert("kb", mixed, provider);
  EXPECT_EQ(old_model.n_texts_embedded(), 2u);
  EXPECT_EQ(new_model.n_texts_embedded(), 3u);

  // A search by text embeds the query with the searched space's query prompt.
  SearchRequest q;
  q.collection = "kb";
  q.text = "pears";
  q.k = 2;
  const SearchResult r = s.search(q, provider);
  EXPECT_EQ(r.space, "old");
  EXPECT_EQ(old_model.calls().back().role, EmbedRole::kQuery);
  EXPECT_EQ(old_model.calls().back().prefix, "query: ");
  ASSERT_EQ(r.hits.size(), 2u);
}

TEST(Store, RefusesAnEncoderOfAnotherModelOrNone) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  FakeEncoder model("m", 8, 1), impostor("m", 8, 9);
  s.create_collection("c");
  s.create_space("c", model.space_config("s"));
  const auto batch = docs_named({{"1", "text"}});
  try {
    s.upsert("c", batch);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("row 1"), std::string::npos) << e.what();
  }
  try {
    s.upsert("c", batch, [&](const SpaceInfo&) -> SpaceEncoder* { return &impostor; });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConflict);
  }
  EXPECT_EQ(s.count("c"), 0);
}

// Every bad input names the row and writes nothing of its batch.
TEST(Store, BadInputNamesTheRowAndWritesNothing) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  s.create_collection("c");
  s.create_space("c", external_space("v", 2));
  std::vector<DocumentWrite> seed;
  seed.push_back(doc_with_vector("keep", "kept", "v", {1, 0}));
  s.upsert("c", seed);
  const std::int64_t seq = s.last_seq();

  struct Case {
    const char* name;
    std::vector<DocumentWrite> batch;
    ErrorKind kind;
    const char* row;
  };
  std::vector<Case> cases;
  auto good = [](std::string id) { return doc_with_vector(std::move(id), "t", "v", {0, 1}); };
  cases.push_back({"wrong dimension", {good("ok1"), doc_with_vector("bad", "t", "v", {1, 2, 3})}, ErrorKind::kInput, "row bad"});
  cases.push_back({"duplicate id", {good("dup"), good("x"), good("dup")}, ErrorKind::kInput, "row dup"});
  cases.push_back({"not finite", {good("ok1"), doc_with_vector("nan", "t", "v", {NAN, 0})}, ErrorKind::kInput, "row nan"});
  cases.push_back({"metadata not an object", {good("ok1"), doc_with_vector("m", "t", "v", {0, 1}, nlohmann::json::array({1}))},
                   ErrorKind::kInput, "row m"});
  cases.push_back({"empty id", {good("ok1"), good("")}, ErrorKind::kInput, "field id"});
  cases.push_back({"id not UTF-8", {good("ok1"), good("\xff\xfe")}, ErrorKind::kInput, "row"});
  cases.push_back({"id too long", {good("ok1"), good(std::string(2000, 'x'))}, ErrorKind::kInput, "row xxx"});
  cases.push_back({"missing vector", {good("ok1"), docs_named({{"novec", "t"}})[0]}, ErrorKind::kInput, "row novec"});
  {
    DocumentWrite unknown = good("sp");
    unknown.vectors["other"] = {1, 0};
    cases.push_back({"unknown space", {good("ok1"), unknown}, ErrorKind::kInput, "row sp"});
  }
  for (Case& c : cases) {
    try {
      s.upsert("c", c.batch);
      ADD_FAILURE() << c.name << ": accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), c.kind) << c.name << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(c.row), std::string::npos) << c.name << ": " << e.what();
    }
    EXPECT_EQ(s.count("c"), 1) << c.name;
    EXPECT_EQ(s.last_seq(), seq) << c.name;
  }
  try {
    s.upsert("nope", seed);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("unknown collection 'nope'"), std::string::npos);
  }
  for (const char* bad : {"", "../x", "a/b", ".hidden", "-rf", "x.", "a b", "ü", "a\\b"}) {
    try {
      s.create_collection(bad);
      ADD_FAILURE() << "accepted collection name '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << bad;
    }
  }
  EXPECT_THROW(s.set_alias("../up", "c"), Error);
  EXPECT_THROW(s.create_space("c", external_space("a/b", 2)), Error);
  EXPECT_EQ(s.last_seq(), seq);
}

TEST(Store, BackfillWritesOnlyUnchangedDocumentsWithItsCheckpoint) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  FakeEncoder a("a", 8, 1), b("b", 8, 2);
  const auto provider = test::provider_of({&a, &b});
  s.create_collection("c");
  s.create_space("c", a.space_config("a"));
  s.upsert("c", docs_named({{"d1", "one"}, {"d2", "two"}, {"d3", "three"}}), provider);
  s.create_space("c", b.space_config("b"));

  // A backfill reads a page, then a live write changes d2 and deletes d3 meanwhile.
  const ScrollPage page = s.scroll("c", {.limit = 10});
  const std::int64_t backfill_start = s.last_seq();
  s.upsert("c", docs_named({{"d2", "two, edited"}}), provider);  // reaches both spaces
  const std::vector<std::string> d3 = {"d3"};
  s.remove("c", d3);
  const SpaceInfo space_b = *s.collection("c").find_space("b");
  std::vector<VectorWrite> writes;
  for (const Document& d : page.documents) {
    writes.push_back({d.id, d.seq, b.vector(d.text, embed_request(space_b, EmbedRole::kDocument))});
  }
  const VectorWriteResult r = s.write_vectors("c", "b", writes, std::string_view(R"({"after":"d3"})"));
  EXPECT_EQ(r.written, 1u);          // d1
  EXPECT_EQ(r.skipped_changed, 1u);  // d2: the live write already put its new vector
  EXPECT_EQ(r.skipped_missing, 1u);  // d3
  EXPECT_EQ(s.collection("c").find_space("b")->checkpoint, R"({"after":"d3"})");

  const std::vector<std::string> ids = {"d1", "d2"};
  const auto got = s.get("c", ids, {.space = "b"});
  EXPECT_EQ(got[1]->vector, b.vector("two, edited", embed_request(space_b, EmbedRole::kDocument)));
  EXPECT_EQ(got[1]->vector_seq, got[1]->seq);

  // The change log after the backfill started: the live writes, then the vector write.
  const auto log = s.changes_after("c", backfill_start, 10);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].op, ChangeOp::kUpsert);
  EXPECT_EQ(log[1].op, ChangeOp::kDelete);
  EXPECT_EQ(log[2].op, ChangeOp::kVector);
  EXPECT_EQ(log[2].space_id, space_b.id);

  // Wrong width in a backfill batch: nothing written, checkpoint unchanged.
  std::vector<VectorWrite> bad = {{"d1", got[0]->seq, std::vector<float>(3, 1.0f)}};
  EXPECT_THROW(s.write_vectors("c", "b", bad, std::string_view("x")), Error);
  EXPECT_EQ(s.collection("c").find_space("b")->checkpoint, R"({"after":"d3"})");

  const StoreCheck check = s.check("c");
  EXPECT_TRUE(check.ok());
}

TEST(Store, ServingSwitchesAtomicallyAndRollsBack) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  s.create_collection("c");
  s.create_space("c", external_space("v1", 2));
  s.create_space("c", external_space("v2", 3));
  std::vector<DocumentWrite> batch;
  DocumentWrite d;
  d.id = "x";
  d.text = "x";
  d.vectors = {{"v1", {1, 0}}, {"v2", {0, 0, 1}}};
  batch.push_back(d);
  s.upsert("c", batch);

  EXPECT_THROW(s.switch_serving("c", "v2"), Error);  // still backfilling
  s.set_space_state("c", "v2", SpaceState::kReady);
  EXPECT_THROW(s.set_space_state("c", "v1", SpaceState::kReady), Error);  // serving
  EXPECT_THROW(s.drop_space("c", "v1"), Error);                           // serving
  s.switch_serving("c", "v2");
  CollectionInfo c = s.collection("c");
  EXPECT_EQ(c.serving_space()->name(), "v2");
  EXPECT_EQ(c.find_space("v1")->state, SpaceState::kRetired);

  SearchRequest q;
  q.collection = "c";
  q.vector = {0, 0, 1};
  EXPECT_EQ(s.search(q).space, "v2");

  s.switch_serving("c", "v1", SpaceState::kReady);  // rollback
  c = s.collection("c");
  EXPECT_EQ(c.serving_space()->name(), "v1");
  EXPECT_EQ(c.find_space("v2")->state, SpaceState::kReady);
  q.vector = {1, 0};
  EXPECT_EQ(s.search(q).space, "v1");

  s.drop_space("c", "v2");
  EXPECT_EQ(s.collection("c").spaces.size(), 1u);
  const auto log = s.changes_after("c", 0, 100);
  EXPECT_GE(std::count_if(log.begin(), log.end(), [](const Change& ch) { return ch.op == ChangeOp::kServing; }), 2);
}

TEST(Store, AliasesResolveMoveAndGuardTheirCollections) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  s.create_collection("kb_v1");
  s.create_collection("kb_v2");
  s.set_alias("kb", "kb_v1");
  EXPECT_EQ(s.collection("kb").name, "kb_v1");
  EXPECT_THROW(s.create_collection("kb"), Error);     // the name is taken by the alias
  EXPECT_THROW(s.set_alias("kb_v2", "kb_v1"), Error); // a collection's name
  EXPECT_THROW(s.drop_collection("kb_v1"), Error);    // named by an alias
  s.set_alias("kb", "kb_v2");
  EXPECT_EQ(s.collection("kb").name, "kb_v2");
  const auto aliases = s.aliases();
  ASSERT_EQ(aliases.size(), 1u);
  EXPECT_EQ(aliases[0].collection, "kb_v2");
  EXPECT_THROW(s.drop_collection("kb"), Error);  // an alias, not a collection
  s.drop_alias("kb");
  EXPECT_THROW(s.drop_alias("kb"), Error);
  s.drop_collection("kb_v2");
  EXPECT_FALSE(s.find_collection("kb_v2").has_value());
  EXPECT_EQ(s.list_collections().size(), 1u);
}

TEST(Store, IndexFilesSurviveReopeningAndCatchUpWithOtherWriters) {
  TempDir tmp;
  const std::size_t dim = 16;
  FakeEncoder model("m", dim, 3);
  const auto provider = test::provider_of({&model});
  std::vector<DocumentWrite> batch;
  for (int i = 0; i < 300; ++i) {
    batch.push_back(docs_named({{"doc" + std::to_string(i), "word" + std::to_string(i % 17) + " topic" +
                                                                 std::to_string(i % 5) + " item" + std::to_string(i)}})[0]);
  }
  {
    Store s(tmp / "db", {.create = true});
    s.create_collection("c");
    s.create_space("c", model.space_config("m", "hnsw:M=16,exactBelow=0"));
    s.upsert("c", batch, provider);
    s.refresh_indexes("c");
  }
  EXPECT_TRUE(std::filesystem::exists(tmp / "db" / "indexes"));
  Store reader(tmp / "db");
  Store writer(tmp / "db");
  // Another "process" writes after the index file was saved.
  writer.upsert("c", docs_named({{"doc1", "brand new words entirely"}, {"late", "topic3 word4"}}), provider);
  const std::vector<std::string> gone = {"doc2"};
  writer.remove("c", gone);

  SearchRequest q;
  q.collection = "c";
  q.text = "topic3 word4";
  q.k = 20;
  const SearchResult approx = reader.search(q, provider);
  q.exact = true;
  const SearchResult exact = reader.search(q, provider);
  std::set<std::string> a, b;
  for (const SearchHit& h : approx.hits) a.insert(h.id);
  for (const SearchHit& h : exact.hits) b.insert(h.id);
  EXPECT_TRUE(b.count("late"));
  EXPECT_FALSE(b.count("doc2"));
  std::size_t common = 0;
  for (const std::string& id : a) common += b.count(id);
  EXPECT_GE(common, 18u);
  const auto checks = reader.check_indexes("c");
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_TRUE(checks[0].ok()) << checks[0].missing << " missing, " << checks[0].extra << " extra, "
                              << checks[0].mismatched << " mismatched";
  EXPECT_EQ(checks[0].stored, 300u);  // 300 + late - doc2
}

TEST(Store, CheckFindsVectorsMissingFromAServingSpace) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  s.create_collection("c");
  s.create_space("c", external_space("v", 2));
  std::vector<DocumentWrite> batch = {doc_with_vector("a", "alpha", "v", {1, 0}), doc_with_vector("b", "beta", "v", {0, 1})};
  s.upsert("c", batch);
  EXPECT_TRUE(s.check().ok());
  // A space added later is missing every vector: fine while backfilling, not once ready.
  s.create_space("c", external_space("w", 2));
  StoreCheck check = s.check();
  EXPECT_TRUE(check.ok());
  ASSERT_EQ(check.collections[0].spaces.size(), 2u);
  EXPECT_EQ(check.collections[0].spaces[1].missing_vectors, 2);
  s.set_space_state("c", "w", SpaceState::kReady);
  EXPECT_FALSE(s.check().ok());
}

TEST(Store, Int8SpacesStoreAQuarterAndSearchAlmostAlike) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  FakeEncoder model("m", 64, 5);
  const auto provider = test::provider_of({&model});
  s.create_collection("c");
  SpaceConfig f32 = model.space_config("f32");
  SpaceConfig int8 = model.space_config("int8");
  int8.storage = index::VectorStorage::kInt8;
  s.create_space("c", f32);
  s.create_space("c", int8, SpaceState::kReady);
  std::vector<DocumentWrite> batch;
  for (int i = 0; i < 200; ++i) {
    batch.push_back(docs_named({{"d" + std::to_string(i), "word" + std::to_string(i % 13) + " topic" +
                                                              std::to_string(i % 7) + " item" + std::to_string(i)}})[0]);
  }
  s.upsert("c", batch, provider);
  const std::vector<std::string> ids = {"d5"};
  const auto a = s.get("c", ids, {.space = "f32"})[0]->vector;
  const auto b = s.get("c", ids, {.space = "int8"})[0]->vector;
  ASSERT_EQ(a.size(), b.size());
  float max_abs = 0;
  for (const float x : a) max_abs = std::max(max_abs, std::fabs(x));
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_LE(std::fabs(a[i] - b[i]), max_abs / 254 + 1e-6f);
  std::size_t same_top = 0;
  for (int qi = 0; qi < 20; ++qi) {
    SearchRequest q;
    q.collection = "c";
    q.text = "topic" + std::to_string(qi % 7) + " word" + std::to_string(qi % 13);
    q.k = 5;
    q.exact = true;
    q.space = "f32";
    const auto ra = s.search(q, provider);
    q.space = "int8";
    const auto rb = s.search(q, provider);
    ASSERT_EQ(ra.hits.size(), rb.hits.size());
    same_top += ra.hits[0].id == rb.hits[0].id;
    for (std::size_t i = 0; i < ra.hits.size(); ++i) {
      EXPECT_NEAR(ra.hits[i].score, rb.hits[i].score, 0.01);  // cosine within 0.01
    }
  }
  EXPECT_GE(same_top, 18u);
  EXPECT_TRUE(s.check().ok());
}

TEST(Store, DroppingASpaceGivesItsPagesBack) {
  TempDir tmp;
  const std::size_t dim = 256;
  auto file_size = [&] { return std::filesystem::file_size(tmp / "db" / "molt.db"); };
  {
    Store s(tmp / "db", {.create = true});
    s.create_collection("c");
    s.create_space("c", external_space("keep", 4, "flat"));
    s.create_space("c", external_space("big", dim, "flat"));
    std::vector<DocumentWrite> batch;
    for (int i = 0; i < 2000; ++i) {
      DocumentWrite d;
      d.id = "d" + std::to_string(i);
      d.vectors = {{"keep", std::vector<float>(4, 1.0f)}, {"big", std::vector<float>(dim, 0.5f)}};
      batch.push_back(std::move(d));
    }
    s.upsert("c", batch);
  }
  const auto before = file_size();  // the last connection closed: the WAL is checkpointed
  {
    Store s(tmp / "db");
    s.drop_space("c", "big");
  }
  const auto after = file_size();
  EXPECT_LT(after + 2000 * dim * sizeof(float) * 9 / 10, before) << before << " -> " << after;
  Store s(tmp / "db");
  EXPECT_EQ(s.count("c"), 2000);
  EXPECT_TRUE(s.check().ok());
}

// A space created while an upsert embeds (a migration starting) still gets the upsert's
// vectors: the write notices it inside its transaction, embeds for it, and retries.
TEST(Store, AWriteRacingANewSpaceReachesIt) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  FakeEncoder a("a", 8, 1), b("b", 8, 2);
  s.create_collection("c");
  s.create_space("c", a.space_config("a"));
  bool created = false;
  class CreatingEncoder final : public SpaceEncoder {
   public:
    CreatingEncoder(FakeEncoder& inner, std::function<void()> on_first) : inner_(inner), on_first_(std::move(on_first)) {}
    ModelIdentity identity() const override { return inner_.identity(); }
    std::size_t dim() const override { return inner_.dim(); }
    std::vector<float> embed(std::span<const std::string> texts, const EmbedRequest& r) override {
      if (on_first_) std::exchange(on_first_, nullptr)();
      return inner_.embed(texts, r);
    }

   private:
    FakeEncoder& inner_;
    std::function<void()> on_first_;
  } racing(a, [&] {
    s.create_space("c", b.space_config("b"));
    created = true;
  });
  const EncoderProvider provider = [&](const SpaceInfo& space) -> SpaceEncoder* {
    return space.name() == "a" ? static_cast<SpaceEncoder*>(&racing) : &b;
  };
  s.upsert("c", docs_named({{"1", "one"}, {"2", "two"}}), provider);
  ASSERT_TRUE(created);
  const std::vector<std::string> ids = {"1", "2"};
  const SpaceInfo space_b = *s.collection("c").find_space("b");
  const auto got = s.get("c", ids, {.space = "b"});
  EXPECT_EQ(got[0]->vector, b.vector("one", embed_request(space_b, EmbedRole::kDocument)));
  EXPECT_EQ(got[1]->vector_seq, got[1]->seq);
  const SpaceInfo space_a = *s.collection("c").find_space("a");
  EXPECT_EQ(s.get("c", ids, {.space = "a"})[1]->vector, a.vector("two", embed_request(space_a, EmbedRole::kDocument)));
  EXPECT_EQ(a.n_texts_embedded(), 2u);  // not embedded twice for the old space
  EXPECT_TRUE(s.check().ok());
}

// What a backfill still has to embed: documents of the collection whose vector in the new
// space is missing or older than the document, in id order.
TEST(Store, ScrollsTheDocumentsASpaceStillNeeds) {
  TempDir tmp;
  Store s(tmp / "db", {.create = true});
  FakeEncoder a("a", 8, 1), b("b", 8, 2);
  s.create_collection("c");
  s.create_space("c", a.space_config("a"));
  s.upsert("c", docs_named({{"d1", "one"}, {"d2", "two"}, {"d3", "three"}, {"d4", "four"}}), test::provider_of({&a}));
  s.create_space("c", b.space_config("b"));
  const SpaceInfo space_b = *s.collection("c").find_space("b");
  auto needing = [&] {
    std::vector<std::string> ids;
    std::size_t announced = 0;
    s.for_each_document("c", {.needing_vectors_in = "b"}, [&](std::size_t n) { announced = n; },
                        [&](Document& d) { ids.push_back(d.id); });
    EXPECT_EQ(announced, ids.size());
    return ids;
  };
  EXPECT_EQ(needing(), (std::vector<std::string>{"d1", "d2", "d3", "d4"}));
  // Backfill d1 and d2 as read now; d2 then changes and d3 is rewritten, each live write
  // reaching b too; a backfill vector for d3 computed from its old version is refused.
  // Only d4 remains.
  const auto docs = s.scroll("c", {.limit = 10}).documents;
  std::vector<VectorWrite> writes;
  for (int i = 0; i < 2; ++i) {
    writes.push_back({docs[i].id, docs[i].seq, b.vector(docs[i].text, embed_request(space_b, EmbedRole::kDocument))});
  }
  s.write_vectors("c", "b", writes);
  s.upsert("c", docs_named({{"d2", "two, edited"}}), test::provider_of({&a, &b}));
  std::vector<DocumentWrite> d3 = docs_named({{"d3", "three, edited"}});
  d3[0].vectors["b"] = b.vector("three, edited", embed_request(space_b, EmbedRole::kDocument));
  s.upsert("c", d3, test::provider_of({&a}));
  const std::vector<VectorWrite> late = {{"d3", docs[2].seq, b.vector("three", embed_request(space_b, EmbedRole::kDocument))}};
  EXPECT_EQ(s.write_vectors("c", "b", late).skipped_changed, 1u);
  EXPECT_EQ(needing(), (std::vector<std::string>{"d4"}));
  const ScrollPage page = s.scroll("c", {.limit = 1, .needing_vectors_in = "b"});
  ASSERT_EQ(page.documents.size(), 1u);
  EXPECT_EQ(page.documents[0].id, "d4");
}

}  // namespace
}  // namespace molt::store
