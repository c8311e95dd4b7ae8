#include "molt/server/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "molt/base/check.h"

namespace molt::server {
namespace {

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
  }
}

// Label values escape backslash, double quote and line feed (the format's only escapes).
void append_label_value(std::string& out, const std::string& v) {
  for (const char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

void append_labels(std::string& out, const std::vector<std::string>& names, const LabelValues& values,
                   const char* extra_name = nullptr, const std::string& extra_value = {}) {
  if (names.empty() && extra_name == nullptr) return;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    append_label_value(out, values[i]);
    out += '"';
  }
  if (extra_name != nullptr) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void append_header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

template <typename Child>
void render_simple(std::string& out, const Family<Child>& family, const char* type) {
  append_header(out, family.name(), family.help(), type);
  family.for_each([&](const LabelValues& values, const Child& child) {
    out += family.name();
    append_labels(out, family.label_names(), values);
    out += ' ';
    append_number(out, child.value());
    out += '\n';
  });
}

void render_histogram(std::string& out, const HistogramFamily& family) {
  const std::vector<double>& bounds = family.bounds();
  append_header(out, family.name(), family.help(), "histogram");
  family.for_each([&](const LabelValues& values, const Histogram& h) {
    const Histogram::Snapshot s = h.snapshot();
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
      std::string le;
      if (i == bounds.size()) {
        le = "+Inf";
      } else {
        append_number(le, bounds[i]);
      }
      out += family.name();
      out += "_bucket";
      append_labels(out, family.label_names(), values, "le", le);
      out += ' ';
      out += std::to_string(s.cumulative[i]);
      out += '\n';
    }
    out += family.name();
    out += "_sum";
    append_labels(out, family.label_names(), values);
    out += ' ';
    append_number(out, s.sum);
    out += '\n';
    out += family.name();
    out += "_count";
    append_labels(out, family.label_names(), values);
    out += ' ';
    out += std::to_string(s.count);
    out += '\n';
  });
}

}  // namespace

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size() + 1)) {
  MOLT_CHECK(std::is_sorted(bounds_.begin(), bounds_.end()));
}

void Histogram::observe(double v) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);  // first bound >= v
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.resize(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = total;
  }
  s.count = total;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

template <typename Child>
Child& Family<Child>::with(const LabelValues& values) {
  MOLT_CHECK(values.size() == label_names_.size());
  std::lock_guard lock(mutex_);
  auto& slot = children_[values];
  if (!slot) {
    if constexpr (std::is_same_v<Child, Histogram>) {
      slot = std::make_unique<Histogram>(bounds_);
    } else {
      slot = std::make_unique<Child>();
    }
  }
  return *slot;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

CounterFamily& MetricsRegistry::counter(std::string name, std::string help, std::vector<std::string> labels) {
  counters_.push_back(std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(labels)));
  order_.push_back({MetricType::kCounter, counters_.size() - 1});
  return *counters_.back();
}

GaugeFamily& MetricsRegistry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
  gauges_.push_back(std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(labels)));
  order_.push_back({MetricType::kGauge, gauges_.size() - 1});
  return *gauges_.back();
}

HistogramFamily& MetricsRegistry::histogram(std::string name, std::string help, std::vector<double> bounds,
                                            std::vector<std::string> labels) {
  histograms_.push_back(std::make_unique<HistogramFamily>(std::move(name), std::move(help), std::move(labels),
                                                          std::move(bounds)));
  order_.push_back({MetricType::kHistogram, histograms_.size() - 1});
  return *histograms_.back();
}

std::string MetricsRegistry::render() const {
  std::string out;
  for (const Slot& slot : order_) {
    switch (slot.type) {
      case MetricType::kCounter:
        render_simple(out, *counters_[slot.index], "counter");
        break;
      case MetricType::kGauge:
        render_simple(out, *gauges_[slot.index], "gauge");
        break;
      case MetricType::kHistogram:
        render_histogram(out, *histograms_[slot.index]);
        break;
    }
  }
  return out;
}

std::vector<double> exponential_buckets(double start, double factor, std::size_t count) {
  std::vector<double> b;
  b.reserve(count);
  double v = start;
  for (std::size_t i = 0; i < count; ++i, v *= factor) b.push_back(v);
  return b;
}

}  // namespace molt::server
