// molt_loadgen: a closed-loop HTTP load generator for `molt serve` (or any OpenAI-compatible
// embeddings server), bounded in time and requests. Each client is a thread with one
// kept-alive connection that sends POST /v1/embeddings with fresh texts (so no cache
// answers them) and waits for the answer before sending the next. It samples the server's
// /metrics while running, and prints one JSON object: requests by status, transport errors,
// throughput, latency percentiles of the accepted (200) requests, and the server's peak
// resident memory.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string api_key;
  std::string model;
  int clients = 64;
  double duration_s = 10;
  long max_requests = 0;  // 0: no limit besides the duration
  int inputs_per_request = 1;
  int min_words = 8;
  int max_words = 24;
  int retry_wait_ms = 50;
  int timeout_s = 60;
  unsigned seed = 1;
};

// A small English vocabulary: texts look like sentences to a WordPiece tokenizer (mostly
// whole-word tokens), and a per-request counter keeps every text distinct.
const std::vector<std::string>& words() {
  static const std::vector<std::string> w = {
      "the", "model", "embedding", "search", "vector", "query", "document", "retrieval", "index", "token",
      "server", "batch", "latency", "cache", "memory", "cluster", "answer", "question", "language", "network",
      "protein", "cell", "gene", "study", "result", "method", "data", "analysis", "patient", "treatment",
      "effect", "increase", "decrease", "level", "risk", "group", "trial", "evidence", "cancer", "virus",
      "quickly", "slowly", "often", "rarely", "because", "although", "while", "after", "before", "during",
      "small", "large", "new", "old", "high", "low", "early", "late", "strong", "weak",
      "find", "show", "use", "make", "take", "give", "know", "think", "see", "report"};
  return w;
}

std::string sentence(std::mt19937& rng, int min_words, int max_words, long serial) {
  std::uniform_int_distribution<int> n_words(min_words, max_words);
  std::uniform_int_distribution<std::size_t> pick(0, words().size() - 1);
  std::string s = "item " + std::to_string(serial);
  const int n = n_words(rng);
  for (int i = 0; i < n; ++i) s += " " + words()[pick(rng)];
  return s;
}

// process_resident_memory_bytes from a /metrics text, or -1.
double metric_value(const std::string& text, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const auto at = text.find(key);
  if (at == std::string::npos) return -1;
  return std::strtod(text.c_str() + at + key.size(), nullptr);
}

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

struct Results {
  std::mutex mutex;
  std::map<int, long> by_status;
  std::map<std::string, long> transport_errors;
  std::vector<double> ok_latency_ms;
  long inputs_ok = 0;
  long tokens_ok = 0;
};

void client_loop(const Flags& f, int id, Clock::time_point end, std::atomic<long>& issued, Results& results) {
  httplib::Client client(f.host, f.port);
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);
  client.set_read_timeout(f.timeout_s, 0);
  client.set_write_timeout(f.timeout_s, 0);
  client.set_connection_timeout(f.timeout_s, 0);
  httplib::Headers headers;
  if (!f.api_key.empty()) headers.emplace("Authorization", "Bearer " + f.api_key);
  std::mt19937 rng(f.seed * 7919u + static_cast<unsigned>(id));
  while (Clock::now() < end) {
    const long serial = issued.fetch_add(1);
    if (f.max_requests > 0 && serial >= f.max_requests) break;
    nlohmann::json body;
    if (!f.model.empty()) body["model"] = f.model;
    body["input"] = nlohmann::json::array();
    for (int i = 0; i < f.inputs_per_request; ++i) {
      body["input"].push_back(sentence(rng, f.min_words, f.max_words, serial * f.inputs_per_request + i));
    }
    const Clock::time_point start = Clock::now();
    const httplib::Result r = client.Post("/v1/embeddings", headers, body.dump(), "application/json");
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::lock_guard lock(results.mutex);
    if (!r) {
      ++results.transport_errors[httplib::to_string(r.error())];
      continue;
    }
    ++results.by_status[r->status];
    if (r->status == 200) {
      results.ok_latency_ms.push_back(ms);
      results.inputs_ok += f.inputs_per_request;
      const auto j = nlohmann::json::parse(r->body, nullptr, false);
      if (!j.is_discarded() && j.contains("usage")) results.tokens_ok += j["usage"].value("prompt_tokens", 0L);
    } else if (r->status == 429 && f.retry_wait_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(f.retry_wait_ms));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Flags f;
  CLI::App app{"molt_loadgen: closed-loop load on POST /v1/embeddings; prints one JSON object"};
  app.add_option("--host", f.host, "Server address (loopback by default)")->capture_default_str();
  app.add_option("--port", f.port, "Server port")->required();
  app.add_option("--api-key", f.api_key, "Bearer key, if the server wants one");
  app.add_option("--model", f.model, "\"model\" to send (default: the server's default model)");
  app.add_option("--clients", f.clients, "Concurrent clients, one connection each")->capture_default_str();
  app.add_option("--duration", f.duration_s, "Seconds to run")->capture_default_str();
  app.add_option("--max-requests", f.max_requests, "Stop after this many requests in all (0: no limit)");
  app.add_option("--inputs-per-request", f.inputs_per_request, "Texts per request")->capture_default_str();
  app.add_option("--min-words", f.min_words, "Shortest text, in words")->capture_default_str();
  app.add_option("--max-words", f.max_words, "Longest text, in words")->capture_default_str();
  app.add_option("--retry-wait-ms", f.retry_wait_ms, "Pause of a client after a 429")->capture_default_str();
  app.add_option("--timeout", f.timeout_s, "Seconds before a request counts as a transport error")->capture_default_str();
  app.add_option("--seed", f.seed, "Seed of the text generator")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (f.clients < 1 || f.inputs_per_request < 1 || f.min_words < 1 || f.max_words < f.min_words) {
    std::fprintf(stderr, "molt_loadgen: error: --clients, --inputs-per-request and word counts must be positive\n");
    return 2;
  }

  Results results;
  std::atomic<long> issued{0};
  std::atomic<bool> running{true};
  std::atomic<double> peak_rss{-1};
  httplib::Headers headers;
  if (!f.api_key.empty()) headers.emplace("Authorization", "Bearer " + f.api_key);

  // Samples the server's memory while the load runs.
  std::thread monitor([&] {
    httplib::Client c(f.host, f.port);
    while (running) {
      if (const auto r = c.Get("/metrics", headers); r && r->status == 200) {
        peak_rss = std::max(peak_rss.load(), metric_value(r->body, "process_resident_memory_bytes"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });

  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(f.duration_s));
  std::vector<std::thread> clients;
  clients.reserve(static_cast<std::size_t>(f.clients));
  for (int i = 0; i < f.clients; ++i) clients.emplace_back(client_loop, std::cref(f), i, end, std::ref(issued), std::ref(results));
  for (std::thread& t : clients) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  running = false;
  monitor.join();

  double server_peak = -1;
  {
    httplib::Client c(f.host, f.port);
    if (const auto r = c.Get("/metrics", headers); r && r->status == 200) {
      server_peak = metric_value(r->body, "molt_process_peak_resident_memory_bytes");
      peak_rss = std::max(peak_rss.load(), metric_value(r->body, "process_resident_memory_bytes"));
    }
  }

  std::sort(results.ok_latency_ms.begin(), results.ok_latency_ms.end());
  long total = 0;
  nlohmann::ordered_json by_status = nlohmann::ordered_json::object();
  for (const auto& [status, n] : results.by_status) {
    by_status[std::to_string(status)] = n;
    total += n;
  }
  long transport = 0;
  nlohmann::ordered_json errors = nlohmann::ordered_json::object();
  for (const auto& [what, n] : results.transport_errors) {
    errors[what] = n;
    transport += n;
  }
  const long ok = results.by_status.count(200) ? results.by_status[200] : 0;
  nlohmann::ordered_json out;
  out["clients"] = f.clients;
  out["seconds"] = seconds;
  out["requests"] = total + transport;
  out["by_status"] = by_status;
  out["transport_errors"] = errors;
  out["ok"] = ok;
  out["refused_429"] = results.by_status.count(429) ? results.by_status[429] : 0;
  out["other_failures"] = total - ok - out["refused_429"].get<long>() + transport;
  out["ok_per_s"] = ok / seconds;
  out["inputs_per_s"] = static_cast<double>(results.inputs_ok) / seconds;
  out["tokens_per_s"] = static_cast<double>(results.tokens_ok) / seconds;
  out["latency_ms"] = {{"p50", percentile(results.ok_latency_ms, 50)},
                       {"p90", percentile(results.ok_latency_ms, 90)},
                       {"p99", percentile(results.ok_latency_ms, 99)},
                       {"max", results.ok_latency_ms.empty() ? 0.0 : results.ok_latency_ms.back()}};
  out["server_peak_rss_sampled_bytes"] = peak_rss.load();
  out["server_peak_rss_bytes"] = server_peak;
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
