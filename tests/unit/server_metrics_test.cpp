// Prometheus text exposition: exact lines for counters, gauges and histograms, label
// escaping, cumulative buckets; the tokens-per-second window.
#include <gtest/gtest.h>

#include "molt/server/metrics.h"
#include "molt/server/server_metrics.h"

namespace molt::server {
namespace {

TEST(Metrics, ExpositionFormat) {
  MetricsRegistry registry;
  CounterFamily& requests = registry.counter("x_requests_total", "Requests", {"route", "status"});
  GaugeFamily& depth = registry.gauge("x_depth", "Depth now");
  HistogramFamily& latency = registry.histogram("x_seconds", "Latency", {0.1, 1.0}, {"route"});
  requests.with({"/a", "200"}).add();
  requests.with({"/a", "200"}).add(2);
  requests.with({"/b\"\\\n", "429"}).add();
  depth.with({}).set(7.5);
  latency.with({"/a"}).observe(0.05);
  latency.with({"/a"}).observe(0.1);   // le is inclusive
  latency.with({"/a"}).observe(0.5);
  latency.with({"/a"}).observe(3.0);
  const std::string want =
      "# HELP x_requests_total Requests\n"
      "# TYPE x_requests_total counter\n"
      "x_requests_total{route=\"/a\",status=\"200\"} 3\n"
      "x_requests_total{route=\"/b\\\"\\\\\\n\",status=\"429\"} 1\n"
      "# HELP x_depth Depth now\n"
      "# TYPE x_depth gauge\n"
      "x_depth 7.5\n"
      "# HELP x_seconds Latency\n"
      "# TYPE x_seconds histogram\n"
      "x_seconds_bucket{route=\"/a\",le=\"0.1\"} 2\n"
      "x_seconds_bucket{route=\"/a\",le=\"1\"} 3\n"
      "x_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n"
      "x_seconds_sum{route=\"/a\"} 3.65\n"
      "x_seconds_count{route=\"/a\"} 4\n";
  EXPECT_EQ(registry.render(), want);
}

TEST(Metrics, ExponentialBuckets) {
  EXPECT_EQ(exponential_buckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
}

TEST(Metrics, RateWindowAveragesCompleteSeconds) {
  RateWindow window(10);
  const auto t0 = RateWindow::Clock::time_point(std::chrono::seconds(1000));
  window.add(100, t0);
  window.add(50, t0 + std::chrono::milliseconds(500));
  window.add(30, t0 + std::chrono::seconds(3));
  EXPECT_DOUBLE_EQ(window.rate(t0 + std::chrono::seconds(4)), 18.0);   // (150 + 30) / 10
  EXPECT_DOUBLE_EQ(window.rate(t0 + std::chrono::seconds(3)), 15.0);   // the current second is not complete
  EXPECT_DOUBLE_EQ(window.rate(t0 + std::chrono::seconds(30)), 0.0);
}

TEST(ServerMetrics, RendersEveryFamilyTheReadmeLists) {
  ServerMetrics metrics;
  metrics.observe_request("/v1/embeddings", "POST", 200, 0.01);
  const BatcherObserver observer = metrics.batcher_observer("m");
  observer.on_submit(3, 30);
  observer.on_batch(BatchEvent{4, 40, 2, 0.02, 0.001, false});
  metrics.cache_lookups("m", 2, 1);
  const std::string text = metrics.render({{"m", "id", 384, 1, 10}}, CacheStats{2, 1, 0, 3, 1000, 4000});
  for (const char* line :
       {"molt_http_requests_total{route=\"/v1/embeddings\",method=\"POST\",status=\"200\"} 1",
        "molt_http_request_duration_seconds_count{route=\"/v1/embeddings\"} 1",
        "molt_batch_size_count{model=\"m\"} 1", "molt_batch_tokens_sum{model=\"m\"} 40",
        "molt_batch_requests_sum{model=\"m\"} 2", "molt_queue_depth_count{model=\"m\"} 1",
        "molt_embedded_tokens_total{model=\"m\"} 40", "molt_cache_hits_total{model=\"m\"} 2",
        "molt_cache_misses_total{model=\"m\"} 1", "molt_cache_bytes 1000", "molt_cache_capacity_bytes 4000",
        "molt_queue_tokens{model=\"m\"} 10", "molt_model_info{model=\"m\",identity=\"id\",dim=\"384\"} 1",
        "# TYPE molt_tokens_per_second gauge", "# TYPE process_resident_memory_bytes gauge"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

}  // namespace
}  // namespace molt::server
