// molt serve: the HTTP server. OpenAI's /v1/embeddings, TEI's /embed and /tokenize, /health
// and /metrics, over the models given with --model, and with --db the collections of a
// store (create, documents, search, aliases, migrations). Prints one JSON line on stdout once it
// listens; SIGTERM or SIGINT drains the requests in flight, then it exits 0.
//   molt serve [--db DIR] --model [NAME=]M... [--host 127.0.0.1] [--port 8080] [--api-key KEY] ...
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <utility>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/signal_watcher.h"
#include "molt/base/error.h"
#include "molt/runtime/encoder.h"
#include "molt/server/encoder_backend.h"
#include "molt/server/server.h"
#include "molt/store/store.h"

namespace molt::cli {
namespace {

struct ServeFlags {
  std::string db;
  std::vector<std::string> models;  // [NAME=]MODEL
  std::string precision = "fp32";
  int threads = 0;
  bool progress = false;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string api_key;
  std::size_t max_batch_tokens = 16384;
  std::size_t max_batch_size = 256;
  double batch_wait_ms = 2.0;
  bool no_batching = false;
  std::size_t max_queue_tokens = 0;  // 0: 16 batches' worth
  std::size_t cache_mb = 128;
  std::size_t http_threads = 128;
  std::size_t max_body_mb = 16;
  std::size_t max_inputs = 2048;
  bool no_truncate = false;
  double request_timeout_s = 60;
  int drain_timeout_s = 30;
};

server::ServerOptions server_options(const ServeFlags& f) {
  server::ServerOptions o;
  o.version = MOLT_VERSION;
  o.http.host = f.host;
  o.http.port = f.port;
  o.http.api_key = f.api_key;
  o.http.max_body_bytes = f.max_body_mb << 20;
  o.http.http_threads = f.http_threads;
  o.http.max_pending_connections = 2 * f.http_threads;
  o.batcher.max_batch_tokens = f.max_batch_tokens;
  o.batcher.max_batch_inputs = f.max_batch_size;
  o.batcher.max_wait = std::chrono::microseconds(static_cast<std::int64_t>(f.batch_wait_ms * 1000));
  o.batcher.batching = !f.no_batching;
  o.batcher.max_queue_tokens = f.max_queue_tokens > 0 ? f.max_queue_tokens : 16 * f.max_batch_tokens;
  o.cache_bytes = f.cache_mb << 20;
  o.limits.max_inputs = f.max_inputs;
  o.limits.truncate = !f.no_truncate;
  o.limits.request_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(f.request_timeout_s * 1000));
  return o;
}

void check_flags(const ServeFlags& f) {
  if (f.port < 0 || f.port > 65535) throw usage_error("--port must be in [0, 65535]");
  if (f.max_batch_tokens == 0) throw usage_error("--max-batch-tokens must be at least 1");
  if (f.max_batch_size == 0) throw usage_error("--max-batch-size must be at least 1");
  if (f.http_threads == 0) throw usage_error("--http-threads must be at least 1");
  if (f.max_inputs == 0) throw usage_error("--max-inputs must be at least 1");
  if (f.max_body_mb == 0) throw usage_error("--max-body-mb must be at least 1");
  if (f.batch_wait_ms < 0) throw usage_error("--batch-wait-ms must not be negative");
  if (f.request_timeout_s <= 0) throw usage_error("--request-timeout must be positive");
}

// "NAME=MODEL" names a model for clients; a bare MODEL is named by its Hugging Face id, or
// for a path by its folder (or file) name.
std::pair<std::string, std::string> split_model_spec(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq != std::string::npos && eq > 0 && !std::filesystem::exists(spec)) {
    return {spec.substr(0, eq), spec.substr(eq + 1)};
  }
  if (std::filesystem::exists(spec)) {
    std::filesystem::path p = std::filesystem::path(spec).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return {p.filename().string(), spec};
  }
  return {spec, spec};
}

int run_serve(const ServeFlags& flags) {
  check_flags(flags);
  // First, before anything else: SIGINT and SIGTERM are caught from here on.
  SignalWatcher signals;
  server::Server server(server_options(flags));
  nlohmann::ordered_json models = nlohmann::ordered_json::array();
  for (const std::string& spec : flags.models) {
    const auto [name, model] = split_model_spec(spec);
    EncoderFlags encoder_flags;
    encoder_flags.model = model;
    encoder_flags.precision = flags.precision;
    runtime::Encoder encoder = load_encoder(encoder_flags, flags.threads, flags.progress);
    // What spaces created with this model record, so that other processes find it again.
    const ModelLocation location = resolve_model_argument(model, flags.progress);
    const std::string reference =
        !location.id.empty() ? location.id : std::filesystem::absolute(location.path).string();
    models.push_back({{"name", name}, {"identity", encoder.info().identity.to_string()}, {"dim", encoder.dim()},
                      {"max_seq_length", encoder.info().max_seq_length}});
    server.add_model(name, std::make_unique<server::EncoderBackend>(std::move(encoder), reference));
  }
  if (!flags.db.empty()) {
    store::StoreOptions store_options;
    store_options.create = true;
    store_options.threads = flags.threads;
    server.set_store(std::make_unique<store::Store>(flags.db, store_options));
  }
  const int port = server.start();

  nlohmann::ordered_json ready;
  const std::string host = flags.host.find(':') != std::string::npos ? "[" + flags.host + "]" : flags.host;
  ready["listening"] = "http://" + host + ":" + std::to_string(port);
  ready["host"] = flags.host;
  ready["port"] = port;
  ready["auth"] = !flags.api_key.empty();
  ready["models"] = models;
  if (!flags.db.empty()) ready["db"] = std::filesystem::absolute(flags.db).string();
  std::printf("%s\n", ready.dump().c_str());
  std::fflush(stdout);

  signals.start([&server] { server.shutdown(); }, std::chrono::seconds(flags.drain_timeout_s));
  if (!signals.stop_requested()) server.serve();
  return 0;
}

}  // namespace

Runner add_serve(CLI::App& cmd) {
  auto f = std::make_shared<ServeFlags>();
  cmd.description(
      "Serve embeddings over HTTP: OpenAI's POST /v1/embeddings and GET /v1/models, text-embeddings-inference's "
      "POST /embed and /tokenize, GET /health and Prometheus GET /metrics; with --db, the store's collections "
      "under /v1/collections (create, list, drop; upsert, get and delete documents; dense, bm25 and hybrid "
      "search with k and metadata filters) and /v1/aliases, and migrations to a served model under "
      "/v1/collections/{c}/migration (plan, start in the background, status, verify, canary, cutover, rollback, "
      "finalize, abort). Without --db only the embedding routes, /health and /metrics work; the collection, alias and "
      "migration routes answer 404 (code no_store). Prints one JSON line with the address once listening; "
      "SIGTERM or Ctrl-C finishes the requests in flight, stops background migrations at a batch boundary "
      "(a later start or molt migrate run resumes them), then exits.");
  cmd.add_option("--db", f->db,
                 "Store folder whose collections and migrations to serve (created when missing); text is embedded "
                 "by the served --model of each space, spaces of other models take supplied vectors. Optional: "
                 "without it the server serves embeddings only");
  cmd.add_option("--model", f->models,
                 "A model to serve: folder, .gguf file or Hugging Face id (MOLT_MODELS, HF cache), as NAME=MODEL "
                 "to choose the name clients send as \"model\" (default: the id, or the folder's name). "
                 "Repeat for several; the first is the default")
      ->expected(1)
      ->take_all();
  cmd.add_option("--precision", f->precision, "Weights precision for every model: fp32 (bf16, int8 later)")
      ->capture_default_str();
  cmd.add_option("--threads", f->threads, "Compute threads per model (0 = one per core)")->capture_default_str();
  cmd.add_flag("--progress", f->progress, "Show download progress on stderr even when it is not a terminal");
  cmd.add_option("--host", f->host, "Address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every interface)");
  cmd.add_option("--port", f->port, "Port to listen on; 0 picks a free one (printed on stdout)")->capture_default_str();
  cmd.add_option("--api-key", f->api_key,
                 "Require 'Authorization: Bearer KEY' on every route but /health (also read from MOLT_API_KEY)")
      ->envname("MOLT_API_KEY");
  cmd.add_option("--max-batch-tokens", f->max_batch_tokens, "Most tokens in one computed batch")->capture_default_str();
  cmd.add_option("--max-batch-size", f->max_batch_size, "Most inputs in one computed batch")->capture_default_str();
  cmd.add_option("--batch-wait-ms", f->batch_wait_ms,
                 "How long an idle model waits for more requests to batch with the first")
      ->capture_default_str();
  cmd.add_flag("--no-batching", f->no_batching, "Compute each request on its own (for comparison)");
  cmd.add_option("--max-queue-tokens", f->max_queue_tokens,
                 "Tokens that may wait per model; past it requests get 429 (default 16 x --max-batch-tokens)");
  cmd.add_option("--cache-mb", f->cache_mb, "Memory for the embedding cache, in MiB (0 turns it off)")->capture_default_str();
  cmd.add_option("--http-threads", f->http_threads, "Connections handled at once; more wait, then get 429")
      ->capture_default_str();
  cmd.add_option("--max-body-mb", f->max_body_mb, "Largest request body, in MiB (larger: 413)")->capture_default_str();
  cmd.add_option("--max-inputs", f->max_inputs, "Most inputs in one request")->capture_default_str();
  cmd.add_flag("--no-truncate", f->no_truncate,
               "Refuse (400) inputs longer than the model's maximum instead of truncating them as "
               "sentence-transformers does (TEI's per-request \"truncate\" overrides)");
  cmd.add_option("--request-timeout", f->request_timeout_s, "Seconds a request may wait and compute before 429")
      ->capture_default_str();
  cmd.add_option("--drain-timeout", f->drain_timeout_s, "Seconds SIGTERM waits for requests in flight")
      ->capture_default_str();
  return [f] { return run_serve(*f); };
}

}  // namespace molt::cli
