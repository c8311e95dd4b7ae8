#include "molt/migrate/migration_plan.h"

#include <chrono>

#include "molt/base/error.h"
#include "molt/index/vector_codec.h"

namespace molt::migrate {
namespace {

std::uint64_t folder_bytes(const std::filesystem::path& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::end(it);
       it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const auto size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

// A space's bytes for `n` documents: the vector rows (blob + key, seq and SQLite's row
// overhead, about 24 bytes) and, for a graph, the saved index (the vectors again plus M*2
// level-0 links of 4 bytes, and ids).
std::uint64_t space_bytes(const store::SpaceConfig& config, std::int64_t n) {
  const auto docs = static_cast<std::uint64_t>(std::max<std::int64_t>(n, 0));
  std::uint64_t per_doc = index::encoded_size(config.storage, config.dim) + 24;
  if (config.index_spec.kind == index::IndexKind::kHnsw) {
    per_doc += config.dim * sizeof(float) + 2 * static_cast<std::uint64_t>(config.index_spec.m) * 4 + 8;
  } else if (config.index_spec.kind == index::IndexKind::kIvf) {
    per_doc += config.dim * sizeof(float) + 8;
  }
  return docs * per_doc;
}

}  // namespace

MigrationPlan plan_migration(store::Store& store, std::string_view collection, const store::SpaceConfig& target,
                             store::SpaceEncoder& encoder, const TokenCounter& count_tokens,
                             const PlanOptions& options) {
  MigrationPlan plan;
  const store::CollectionInfo c = store.collection(collection);
  plan.collection = c.name;
  plan.to = target;
  if (std::optional<Migration> m = find_migration(c); m && unfinished(*m)) plan.existing = std::move(m);
  const store::SpaceInfo* serving = c.serving_space();
  if (serving == nullptr) {
    throw input_error("collection '" + c.name + "' has no space to migrate from (ingest documents first)",
                      {.field = "collection"});
  }
  plan.from = *serving;
  if (!plan.existing && serving->config.model_hash == target.model_hash && serving->config.dim == target.dim &&
      serving->config.query_prompt == target.query_prompt && serving->config.document_prompt == target.document_prompt) {
    throw usage_error("collection '" + c.name + "' is already served by this model in space '" + serving->name() + "'",
                      {.field = "to"});
  }

  // Tokens of every document, in one snapshot; the first `sample` texts are kept to time.
  std::vector<std::string> sample;
  std::uint64_t total = 0;
  std::uint64_t seen = 0;
  store::ScrollRequest request;
  request.metadata = false;
  store.for_each_document(
      c.name, request, [&](std::size_t n) { total = n; },
      [&](store::Document& d) {
        const auto t = static_cast<std::int64_t>(count_tokens(d.text));
        plan.tokens += t;
        plan.max_tokens = std::max(plan.max_tokens, t);
        if (sample.size() < options.sample) {
          plan.sample_tokens += t;
          sample.push_back(std::move(d.text));
        }
        ++seen;
        if (options.progress && (seen % 1024 == 0 || seen == total)) options.progress({"tokenize", seen, total, "docs"});
      });
  plan.documents = static_cast<std::int64_t>(seen);
  plan.bytes_now = folder_bytes(store.dir());
  plan.bytes_new_space = space_bytes(target, plan.documents);
  plan.bytes_old_space = space_bytes(serving->config, plan.documents);

  if (!sample.empty()) {
    store::SpaceInfo space;
    space.config = target;
    const store::EmbedRequest req = store::embed_request(space, store::EmbedRole::kDocument);
    // One warm-up call keeps first-use costs (page faults, thread start) out of the timing.
    (void)encoder.embed(std::span<const std::string>(sample).first(1), req);
    const auto start = std::chrono::steady_clock::now();
    (void)encoder.embed(sample, req);
    plan.sample_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    plan.sample_documents = static_cast<std::int64_t>(sample.size());
    if (plan.sample_tokens > 0) {
      plan.estimated_seconds =
          plan.sample_seconds * static_cast<double>(plan.tokens) / static_cast<double>(plan.sample_tokens);
    }
  }
  return plan;
}

}  // namespace molt::migrate
