// A Prometheus metrics registry: counters, gauges and fixed-bucket
// histograms, each a family with label names whose children are made per
// label-value set; Render() writes the text exposition format (version 0.0.4)
// that /metrics serves.
//
// Hot path.  Counter::Inc and Histogram::Observe touch only one of a few
// cache-line-sized shards (picked per thread) with relaxed atomics: no lock,
// no allocation, little contention.  Looking up a child by label values
// (WithLabels) takes a mutex and may allocate: do it once at set-up and keep
// the pointer, which stays valid as long as the registry.
//
//   MetricsRegistry registry;
//   auto logins = registry.AddCounter("keystorm_logins_total", "Logins by outcome.", {"outcome"});
//   Counter* ok = (*logins)->WithLabels({"ok"}).value();
//   ok->Inc();
//   std::string text = registry.Render();
//
// Naming: counters should end in `_total`, durations be in seconds with a
// `_seconds` suffix (promtool's lint checks both).
#ifndef KEYSTORM_SERVER_METRICS_H_
#define KEYSTORM_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keystorm/status.h"

namespace keystorm::server {

namespace metrics_internal {
inline constexpr size_t kShards = 8;
// The shard of the calling thread (threads are spread round-robin).
size_t ThisThreadShard();
struct alignas(64) PaddedCount {
  std::atomic<uint64_t> value{0};
};
}  // namespace metrics_internal

class Counter {
 public:
  void Inc(uint64_t n = 1) {
    shards_[metrics_internal::ThisThreadShard()].value.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t Value() const;

 private:
  std::array<metrics_internal::PaddedCount, metrics_internal::kShards> shards_{};
};

// A value that goes up and down (connections open, queue depth).
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Observations counted into fixed buckets (upper bounds, ascending; +Inf is
// implicit), with their sum and count.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // per bound, then +Inf last
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
  struct alignas(64) Shard {
    std::unique_ptr<std::atomic<uint64_t>[]> buckets;  // not cumulative; +Inf last
    std::atomic<double> sum{0.0};
  };
  std::vector<double> upper_bounds_;
  std::array<Shard, metrics_internal::kShards> shards_;
};

enum class MetricType { kCounter, kGauge, kHistogram };

// Writes families and samples in the text format, escaping as it goes.  Used
// by Render() and by collectors (values computed at scrape time).
class MetricsWriter {
 public:
  using Label = std::pair<std::string_view, std::string_view>;
  // The HELP and TYPE lines that start a family.
  void Family(std::string_view name, std::string_view help, MetricType type);
  // One sample line: name{labels} value.
  void Sample(std::string_view name, const std::vector<Label>& labels, double value);
  // All the lines of one histogram child (_bucket with `le`, _sum, _count).
  void HistogramSample(std::string_view name, const std::vector<Label>& labels,
                       const std::vector<double>& upper_bounds, const Histogram::Snapshot& data);
  std::string& text() { return out_; }

 private:
  std::string out_;
};

// A family: one metric name, its label names, its children.
template <typename Metric>
class MetricFamily {
 public:
  // The child for these label values (as many as label names), made on first
  // use.  InvalidArgument if the count is wrong.
  Result<Metric*> WithLabels(const std::vector<std::string>& values);
  // The child with no labels (a family without label names).
  Metric* Plain() { return WithLabels({}).value(); }

 private:
  friend class MetricsRegistry;
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names,
               std::function<std::unique_ptr<Metric>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        make_(std::move(make)) {}
  void Write(MetricsWriter& writer, MetricType type) const;

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;  // sorted: stable output
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // InvalidArgument for a name or label name that Prometheus would reject, a
  // reserved label name (`le` in histograms, `__...`), or a name already
  // registered.  The returned family lives as long as the registry.
  Result<CounterFamily*> AddCounter(std::string name, std::string help,
                                    std::vector<std::string> label_names = {});
  Result<GaugeFamily*> AddGauge(std::string name, std::string help,
                                std::vector<std::string> label_names = {});
  // upper_bounds: strictly ascending and finite; InvalidArgument otherwise.
  Result<HistogramFamily*> AddHistogram(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> upper_bounds);

  // A function that writes families of its own at every Render (values that
  // live elsewhere, such as HttpServer::Stats).  It must write names that are
  // not registered here.
  void AddCollector(std::function<void(MetricsWriter&)> collect);

  // The text exposition format, families in registration order, collectors
  // after them.  Serve it as "text/plain; version=0.0.4; charset=utf-8".
  std::string Render() const;

 private:
  struct Entry;
  Status CheckNew(std::string_view name, const std::vector<std::string>& label_names,
                  bool histogram) const;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::vector<std::function<void(MetricsWriter&)>> collectors_;
};

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Default latency buckets in seconds, from 0.5 ms to 10 s.
std::vector<double> DefaultLatencyBuckets();

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_METRICS_H_
