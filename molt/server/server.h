// Server: `molt serve` as a library object. It owns the served models with their batchers,
// the embedding cache, the metrics and the HTTP face, and wires the routes: OpenAI's
// embeddings and models, TEI's embed/tokenize/info, /health and /metrics, and with a store
// the collection and migration routes (collection_routes.h, migration_routes.h); without
// one, those routes answer 404 naming --db.
//
//   Server server(options);
//   server.add_model("bge-small", std::move(backend));
//   const int port = server.start();   // bound, not yet serving
//   server.serve();                    // until shutdown(); then drains and returns
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "molt/server/dynamic_batcher.h"
#include "molt/server/embedding_backend.h"
#include "molt/server/embedding_cache.h"
#include "molt/server/embedding_service.h"
#include "molt/server/http_server.h"
#include "molt/server/migration_runner.h"
#include "molt/server/server_metrics.h"
#include "molt/server/served_models.h"
#include "molt/server/served_space_encoders.h"
#include "molt/store/store.h"

namespace molt::server {

struct ServerOptions {
  HttpOptions http;
  EmbeddingLimits limits;
  BatcherOptions batcher;
  std::size_t cache_bytes = 128u << 20;  // 0 disables the cache
  std::string version;                   // reported by /info and /health
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves `backend` as `name`, with its own batcher. Before start() only.
  void add_model(std::string name, std::unique_ptr<EmbeddingBackend> backend);
  // Serves the collections of `store` (owned from here on). Before start() only.
  void set_store(std::unique_ptr<store::Store> store);

  // Binds the socket and returns the port (the chosen one when options.http.port is 0).
  // Throws io_error when the address cannot be bound.
  int start();
  // Answers requests until shutdown(); then finishes the requests in flight and the work
  // queued for every model, and returns.
  void serve();
  // Begins the drain; callable from any thread, any number of times.
  void shutdown();

  // For tests: one request through the whole stack without a socket.
  HttpResponse handle(const std::string& method, const std::string& path, const std::string& body,
                      const std::string& authorization = {});

  ServerMetrics& metrics() { return metrics_; }
  const ServerOptions& options() const { return options_; }

 private:
  std::vector<Route> routes();
  HttpResponse health() const;
  HttpResponse render_metrics();
  int retry_after() const;

  ServerOptions options_;
  ServerMetrics metrics_;
  EmbeddingCache cache_;
  ServedModels models_;
  EmbeddingService service_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ServedSpaceEncoders> space_encoders_;  // made with the routes, once models are fixed
  std::unique_ptr<MigrationRunner> migrations_;           // with a store; ended before the models stop
  std::mutex metrics_mutex_;                               // one scrape samples and renders at a time
  std::unique_ptr<HttpServer> http_;
};

}  // namespace molt::server
