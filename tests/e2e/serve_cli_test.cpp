// molt serve as a process: it prints where it listens, answers /health and /metrics,
// refuses what it cannot serve with OpenAI-shaped errors, exits 0 on SIGTERM, and reports
// bad flags and a taken port the CLI's way.
#include <csignal>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/serve_process.h"
#include "tests/support/test_env.h"

namespace molt::test {
namespace {

using nlohmann::json;

TEST(ServeCli, HelpDocumentsTheFlags) {
  const auto r = run_molt({"serve", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--host", "--port", "--api-key", "--max-batch-tokens", "--cache-mb", "--no-batching",
                           "--max-queue-tokens", "--http-threads", "--max-body-mb", "--max-inputs", "--no-truncate",
                           "--request-timeout", "--drain-timeout", "--db"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST(ServeCli, ListensOnLoopbackAnswersAndStopsOnSigterm) {
  TempDir dir;
  ServeProcess server({}, dir.path());
  const json ready = json::parse(server.process().stdout_text().substr(0, server.process().stdout_text().find('\n')));
  EXPECT_EQ(ready["host"], "127.0.0.1");
  EXPECT_EQ(ready["listening"], server.url());
  httplib::Client c = server.client();
  const auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body)["status"], "ok");
  const auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("molt_http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos);
  const auto embed = c.Post("/v1/embeddings", R"({"input":"x"})", "application/json");
  ASSERT_TRUE(embed);
  EXPECT_EQ(embed->status, 404);
  EXPECT_EQ(json::parse(embed->body)["error"]["code"], "model_not_found");
  const ProcessResult r = server.terminate();
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(ServeCli, ApiKeyFromTheEnvironment) {
  TempDir dir;
  ServeProcess server({}, dir.path(), {{"MOLT_API_KEY", "k1"}});
  const auto denied = server.client().Get("/v1/models");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  const auto allowed = server.client("k1").Get("/v1/models");
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(server.terminate().exit_code, 0);
}

TEST(ServeCli, TakenPortIsAnError) {
  TempDir dir;
  ServeProcess first({}, dir.path());
  ProcessOptions options;
  options.timeout = std::chrono::seconds(30);  // a server that did bind would run until killed
  const auto r = run_molt({"serve", "--port", std::to_string(first.port())}, options);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("molt: error: cannot listen on 127.0.0.1:", 0), 0u) << r.err;
}

TEST(ServeCli, BadFlagsAreUsageErrors) {
  EXPECT_EQ(run_molt({"serve", "--port", "70000"}).exit_code, 2);
  EXPECT_EQ(run_molt({"serve", "--max-batch-tokens", "0"}).exit_code, 2);
  EXPECT_EQ(run_molt({"serve", "--no-such-flag"}).exit_code, 2);
}

}  // namespace
}  // namespace molt::test
