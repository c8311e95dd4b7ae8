// Speed of the server's own work around the model: reading an embeddings request body,
// writing the response as float text and as base64, and cache lookups -- the per-request
// overhead that HTTP adds to the encoder's compute.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "molt/server/embedding_cache.h"
#include "molt/server/openai_wire.h"

namespace {

using molt::server::EmbeddingCache;
using molt::server::EncodingFormat;

// A body with n texts of ~40 words, as a RAG ingestion client sends them.
std::string request_body(std::size_t n) {
  std::string body = R"({"model":"bge-small-en-v1.5","encoding_format":"float","input":[)";
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) body += ',';
    body += "\"passage " + std::to_string(i);
    for (int w = 0; w < 40; ++w) body += " retrieval augmented generation";
    body += '"';
  }
  body += "]}";
  return body;
}

std::vector<float> vectors(std::size_t n, std::size_t dim) {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  std::vector<float> v(n * dim);
  for (float& x : v) x = normal(rng);
  return v;
}

void BM_ParseEmbeddingsRequest(benchmark::State& state) {
  const std::string body = request_body(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto req = molt::server::parse_embeddings_request(body, 4096);
    benchmark::DoNotOptimize(req.inputs.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ParseEmbeddingsRequest)->Arg(1)->Arg(64)->Arg(2048);

void BM_WriteResponse(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const std::size_t dim = 384;
  const auto format = state.range(1) == 0 ? EncodingFormat::kFloat : EncodingFormat::kBase64;
  const std::vector<float> v = vectors(n, dim);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string body = molt::server::embeddings_response_body("m", v, dim, format, 100);
    bytes = body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_WriteResponse)->Args({1, 0})->Args({1, 1})->Args({64, 0})->Args({64, 1})->Args({2048, 0})->Args({2048, 1});

void BM_CacheLookup(benchmark::State& state) {
  const std::size_t dim = 384;
  EmbeddingCache cache(256u << 20);
  const auto space = EmbeddingCache::space("identity", "", {dim, std::nullopt}, true);
  const std::vector<float> v(dim, 0.5f);
  std::vector<std::string> texts;
  for (int i = 0; i < 10000; ++i) texts.push_back("passage " + std::to_string(i) + " about retrieval and caching");
  for (const auto& t : texts) cache.insert(EmbeddingCache::key(space, molt::server::EmbedInput{t}), v, 12);
  std::vector<float> out(dim);
  std::size_t i = 0;
  for (auto _ : state) {
    std::size_t n_tokens = 0;
    const auto key = EmbeddingCache::key(space, molt::server::EmbedInput{texts[i++ % texts.size()]});
    benchmark::DoNotOptimize(cache.lookup(key, out, &n_tokens));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheLookup);

}  // namespace

BENCHMARK_MAIN();
