// The end-to-end migration on real data: BEIR SciFact ingested with static-a
// (384-d), migrated to static-b (768-d) with `molt migrate run`; `migrate verify --beir`
// reports each space's nDCG@10 (and MRR@10, recall@10/100) equal to what `molt eval` gives
// for each model, and the difference with its interval; cutover makes `molt search` serve
// the new space; rollback gives back exactly the old results.
#include <iostream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "molt/eval/beir_dataset.h"
#include "molt/eval/mteb_text.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

nlohmann::json json_of(const ProcessResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(MigrateScifact, VerifyMatchesEvalCutoverServesRollbackRestores) {
  MOLT_REQUIRE_MODEL("static-a/model.safetensors");
  MOLT_REQUIRE_MODEL("static-b/model.safetensors");
  MOLT_REQUIRE_DATA("beir/scifact/corpus.jsonl");
  const std::string a = (models_dir() / "static-a").string();
  const std::string b = (models_dir() / "static-b").string();
  const std::string scifact = (data_dir() / "beir" / "scifact").string();
  TempDir tmp;
  const std::string db = (tmp / "db").string();

  // The documents as MTEB embeds them (title and text joined), so the spaces hold exactly
  // the vectors `molt eval` computes.
  const eval::BeirDataset ds = eval::load_beir(scifact);
  std::string input;
  for (const eval::BeirDocument& d : ds.corpus) {
    input += nlohmann::json({{"id", d.id}, {"text", eval::document_text(d)}}).dump() + "\n";
  }
  ProcessOptions in;
  in.stdin_data = input;
  ASSERT_EQ(run_molt({"ingest", "--db", db, "--collection", "scifact", "--create", "--model", a, "--summary"}, in)
                .exit_code,
            0);
  const auto run = json_of(run_molt({"migrate", "run", "--db", db, "--collection", "scifact", "--to", b, "--json"}));
  EXPECT_EQ(run["state"], "ready");
  EXPECT_EQ(run["embedded"], ds.corpus.size());

  const auto verify = json_of(run_molt({"migrate", "verify", "--db", db, "--collection", "scifact", "--beir", scifact,
                                        "--json", "--resamples", "2000"}));
  EXPECT_EQ(verify["integrity"]["ok"], true);
  EXPECT_EQ(verify["quality"]["queries"], ds.queries.size());
  const auto eval_a = json_of(run_molt({"eval", "--beir", scifact, "--model", a}));
  const auto eval_b = json_of(run_molt({"eval", "--beir", scifact, "--model", b}));
  for (const auto& m : verify["quality"]["metrics"]) {
    const std::string name = m["name"];
    EXPECT_NEAR(m["old"].get<double>(), eval_a[name].get<double>(), 1e-4) << name;
    EXPECT_NEAR(m["new"].get<double>(), eval_b[name].get<double>(), 1e-4) << name;
    std::cerr << "[ verify   ] " << name << ": static-a " << m["old"] << " (molt eval " << eval_a[name]
              << "), static-b " << m["new"] << " (molt eval " << eval_b[name] << "), difference " << m["difference"]
              << " CI95 " << m["ci95"] << "\n";
  }
  std::cerr << "[ verify   ] wins/losses/ties " << verify["quality"]["wins"] << "/" << verify["quality"]["losses"]
            << "/" << verify["quality"]["ties"] << ", top-10 overlap " << verify["quality"]["top10_overlap"] << "\n";

  // Cutover serves the new space; rollback restores exactly the old answers.
  auto search = [&](const std::string& q, const std::string& space = "") {
    std::vector<std::string> args = {"search", "--db", db, "--collection", "scifact", "--k", "10", q};
    if (!space.empty()) args.insert(args.end(), {"--space", space});
    const ProcessResult r = run_molt(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  std::vector<std::string> queries;
  for (std::size_t i = 0; i < ds.queries.size(); i += 60) queries.push_back(ds.queries[i].text);
  std::vector<std::string> before;
  for (const std::string& q : queries) before.push_back(search(q));
  ASSERT_EQ(run_molt({"migrate", "cutover", "--db", db, "--collection", "scifact"}).exit_code, 0);
  int changed = 0;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const std::string served = search(queries[i]);
    EXPECT_EQ(served, search(queries[i], "static-b"));
    changed += served != before[i];
  }
  EXPECT_GT(changed, 0);
  ASSERT_EQ(run_molt({"migrate", "rollback", "--db", db, "--collection", "scifact"}).exit_code, 0);
  for (std::size_t i = 0; i < queries.size(); ++i) EXPECT_EQ(search(queries[i]), before[i]);
}

}  // namespace
}  // namespace molt::test
