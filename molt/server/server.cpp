#include "molt/server/server.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "molt/base/check.h"
#include "molt/server/api_error.h"
#include "molt/server/collection_routes.h"
#include "molt/server/migration_routes.h"
#include "molt/server/openai_routes.h"
#include "molt/server/tei_routes.h"

namespace molt::server {
namespace {

// Without a store the collection, alias and migration routes still answer, saying why not.
std::vector<Route> no_store_routes() {
  const auto refuse = [](const HttpRequest&) {
    ApiError e = route_not_found_error("", "");
    e.code = "no_store";
    e.message =
        "this server serves no store: the collection, alias and migration routes need molt serve --db DIR "
        "(the embedding routes work without it)";
    HttpResponse r = json_response(error_body(e), e.status);
    return r;
  };
  std::vector<Route> routes;
  for (const char* method : {"GET", "POST", "PUT", "DELETE"}) {
    for (const char* pattern : {"/v1/collections", "/v1/collections/{rest*}", "/v1/aliases", "/v1/aliases/{rest*}"}) {
      routes.push_back(Route{method, pattern, pattern, false, refuse});
    }
  }
  return routes;
}

}  // namespace

Server::Server(ServerOptions options)
    : options_(std::move(options)),
      cache_(options_.cache_bytes),
      service_(models_, cache_, metrics_, options_.limits) {}

Server::~Server() {
  shutdown();
  if (migrations_) migrations_->stop_and_join();
  models_.stop();
}

void Server::add_model(std::string name, std::unique_ptr<EmbeddingBackend> backend) {
  MOLT_CHECK(http_ == nullptr);
  auto batcher = std::make_unique<DynamicBatcher>(*backend, options_.batcher, metrics_.batcher_observer(name));
  models_.add(std::move(name), std::move(backend), std::move(batcher));
}

void Server::set_store(std::unique_ptr<store::Store> store) {
  MOLT_CHECK(http_ == nullptr);
  store_ = std::move(store);
}

std::vector<Route> Server::routes() {
  std::vector<Route> all = openai_routes(service_);
  const TeiRouteSettings tei{options_.batcher.max_batch_tokens, options_.http.http_threads, options_.version};
  for (Route& r : tei_routes(service_, tei)) all.push_back(std::move(r));
  if (store_) {
    space_encoders_ = std::make_unique<ServedSpaceEncoders>(service_);
    migrations_ = std::make_unique<MigrationRunner>(*store_, metrics_);
    for (Route& r : collection_routes(*store_, service_, *space_encoders_)) all.push_back(std::move(r));
    for (Route& r : migration_routes(*store_, service_, *space_encoders_, *migrations_, metrics_)) {
      all.push_back(std::move(r));
    }
  } else {
    for (Route& r : no_store_routes()) all.push_back(std::move(r));
  }
  all.push_back(Route{"GET", "/health", "/health", true, [this](const HttpRequest&) { return health(); }});
  all.push_back(Route{"GET", "/metrics", "/metrics", false, [this](const HttpRequest&) { return render_metrics(); }});
  return all;
}

int Server::start() {
  if (!http_) {
    http_ = std::make_unique<HttpServer>(options_.http, routes(), metrics_, [this] { return retry_after(); });
  }
  return http_->bind();
}

void Server::serve() {
  MOLT_CHECK(http_ != nullptr);
  http_->serve();
  // The HTTP side has drained: no request can submit any more. Background migrations stop
  // at a batch boundary (they embed through the models), then what is queued finishes.
  if (migrations_) migrations_->stop_and_join();
  models_.stop();
}

void Server::shutdown() {
  if (migrations_) migrations_->request_stop();
  if (http_) http_->stop();
}

HttpResponse Server::handle(const std::string& method, const std::string& path, const std::string& body,
                            const std::string& authorization) {
  if (!http_) http_ = std::make_unique<HttpServer>(options_.http, routes(), metrics_, [this] { return retry_after(); });
  return http_->handle(method, path, body, authorization);
}

int Server::retry_after() const {
  int seconds = 1;
  for (const auto& m : models_.all()) seconds = std::max(seconds, m->batcher->retry_after_seconds());
  return seconds;
}

HttpResponse Server::health() const {
  const bool draining = http_ && http_->stopping();
  nlohmann::ordered_json j;
  j["status"] = draining ? "draining" : "ok";
  j["version"] = options_.version;
  j["models"] = nlohmann::json::array();
  for (const auto& m : models_.all()) j["models"].push_back(m->name);
  return json_response(j.dump(), draining ? 503 : 200);
}

HttpResponse Server::render_metrics() {
  std::vector<ServerMetrics::ModelState> states;
  for (const auto& m : models_.all()) {
    states.push_back({m->name, m->backend->card().identity, m->backend->card().dim, m->batcher->queued_inputs(),
                      m->batcher->queued_tokens()});
  }
  std::lock_guard lock(metrics_mutex_);
  if (store_) metrics_.set_migrations(migration_metrics(*store_));
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_.render(states, cache_.stats());
  return r;
}

}  // namespace molt::server
