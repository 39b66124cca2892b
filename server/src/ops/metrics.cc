#include "keystorm/server/metrics.h"

#include <charconv>
#include <cmath>
#include <variant>

namespace keystorm::server {

namespace metrics_internal {

size_t ThisThreadShard() {
  static std::atomic<size_t> next{0};
  thread_local size_t shard = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shard;
}

}  // namespace metrics_internal

namespace {

void AtomicAdd(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

// Go's float formatting as Prometheus expects it: shortest round-trip
// digits, and +Inf / -Inf / NaN spelled so.
void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buffer[64];
  // Plain decimals in the usual range ("0.0005", not "5e-04"): easier to
  // read in a scrape and in `le` labels; exponents only beyond it.
  double magnitude = std::fabs(value);
  bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
  auto [end, ec] = plain ? std::to_chars(buffer, buffer + sizeof(buffer), value,
                                         std::chars_format::fixed)
                         : std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) {
    out += "NaN";
    return;
  }
  out.append(buffer, end);
}

// HELP text: backslash and line feed escaped.
void AppendHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// Label values: backslash, double quote and line feed escaped.
void AppendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void AppendLabels(std::string& out, const std::vector<MetricsWriter::Label>& labels) {
  if (labels.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out.append(name);
    out += "=\"";
    AppendLabelValue(out, value);
    out += '"';
  }
  out += '}';
}

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

bool IsMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    bool digit = c >= '0' && c <= '9';
    if (!(letter || (digit && i > 0))) return false;
  }
  return true;
}

bool IsLabelName(std::string_view name) {
  return IsMetricName(name) && name.find(':') == std::string_view::npos &&
         name.substr(0, 2) != "__";
}

}  // namespace

uint64_t Counter::Value() const {
  uint64_t total = 0;
  for (const auto& shard : shards_) total += shard.value.load(std::memory_order_relaxed);
  return total;
}

void Gauge::Add(double delta) { AtomicAdd(value_, delta); }

Histogram::Histogram(std::vector<double> upper_bounds) : upper_bounds_(std::move(upper_bounds)) {
  for (Shard& shard : shards_) {
    shard.buckets = std::make_unique<std::atomic<uint64_t>[]>(upper_bounds_.size() + 1);
  }
}

void Histogram::Observe(double value) {
  // The first bucket whose bound is >= value (Prometheus buckets are `le`).
  size_t bucket = 0;
  while (bucket < upper_bounds_.size() && value > upper_bounds_[bucket]) ++bucket;
  Shard& shard = shards_[metrics_internal::ThisThreadShard()];
  shard.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(shard.sum, value);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.cumulative.assign(upper_bounds_.size() + 1, 0);
  for (const Shard& shard : shards_) {
    for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
      snapshot.cumulative[i] += shard.buckets[i].load(std::memory_order_relaxed);
    }
    snapshot.sum += shard.sum.load(std::memory_order_relaxed);
  }
  for (size_t i = 1; i < snapshot.cumulative.size(); ++i) {
    snapshot.cumulative[i] += snapshot.cumulative[i - 1];
  }
  snapshot.count = snapshot.cumulative.back();
  return snapshot;
}

void MetricsWriter::Family(std::string_view name, std::string_view help, MetricType type) {
  out_ += "# HELP ";
  out_.append(name);
  out_ += ' ';
  AppendHelp(out_, help);
  out_ += "\n# TYPE ";
  out_.append(name);
  out_ += ' ';
  out_.append(TypeName(type));
  out_ += '\n';
}

void MetricsWriter::Sample(std::string_view name, const std::vector<Label>& labels,
                           double value) {
  out_.append(name);
  AppendLabels(out_, labels);
  out_ += ' ';
  AppendNumber(out_, value);
  out_ += '\n';
}

void MetricsWriter::HistogramSample(std::string_view name, const std::vector<Label>& labels,
                                    const std::vector<double>& upper_bounds,
                                    const Histogram::Snapshot& data) {
  std::string bucket_name = std::string(name) + "_bucket";
  std::vector<Label> with_le = labels;
  with_le.emplace_back("le", "");
  for (size_t i = 0; i <= upper_bounds.size(); ++i) {
    std::string bound;
    AppendNumber(bound, i < upper_bounds.size() ? upper_bounds[i] : INFINITY);
    with_le.back().second = bound;
    Sample(bucket_name, with_le, static_cast<double>(data.cumulative[i]));
  }
  Sample(std::string(name) + "_sum", labels, data.sum);
  Sample(std::string(name) + "_count", labels, static_cast<double>(data.count));
}

template <typename Metric>
Result<Metric*> MetricFamily<Metric>::WithLabels(const std::vector<std::string>& values) {
  if (values.size() != label_names_.size()) {
    return Status::InvalidArgument(name_ + ": expected " + std::to_string(label_names_.size()) +
                                   " label values, got " + std::to_string(values.size()));
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto& child = children_[values];
  if (!child) child = make_();
  return child.get();
}

namespace {

std::vector<MetricsWriter::Label> Labels(const std::vector<std::string>& names,
                                         const std::vector<std::string>& values) {
  std::vector<MetricsWriter::Label> labels;
  labels.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) labels.emplace_back(names[i], values[i]);
  return labels;
}

}  // namespace

template <typename Metric>
void MetricFamily<Metric>::Write(MetricsWriter& writer, MetricType type) const {
  writer.Family(name_, help_, type);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, metric] : children_) {
    auto labels = Labels(label_names_, values);
    if constexpr (std::is_same_v<Metric, Histogram>) {
      writer.HistogramSample(name_, labels, metric->upper_bounds(), metric->Read());
    } else {
      writer.Sample(name_, labels, static_cast<double>(metric->Value()));
    }
  }
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

struct MetricsRegistry::Entry {
  MetricType type;
  std::string name;
  std::unique_ptr<CounterFamily> counter;
  std::unique_ptr<GaugeFamily> gauge;
  std::unique_ptr<HistogramFamily> histogram;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Status MetricsRegistry::CheckNew(std::string_view name,
                                 const std::vector<std::string>& label_names,
                                 bool histogram) const {
  if (!IsMetricName(name)) {
    return Status::InvalidArgument("metric name '" + std::string(name) + "' is not valid");
  }
  for (const auto& entry : entries_) {
    if (entry->name == name) {
      return Status::InvalidArgument("metric '" + std::string(name) + "' is already registered");
    }
  }
  for (size_t i = 0; i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    if (!IsLabelName(label) || (histogram && label == "le")) {
      return Status::InvalidArgument("metric '" + std::string(name) + "': label name '" + label +
                                     "' is not valid");
    }
    for (size_t j = 0; j < i; ++j) {
      if (label_names[j] == label) {
        return Status::InvalidArgument("metric '" + std::string(name) + "': label '" + label +
                                       "' twice");
      }
    }
  }
  return Status::Ok();
}

Result<CounterFamily*> MetricsRegistry::AddCounter(std::string name, std::string help,
                                                   std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status status = CheckNew(name, label_names, false); !status.ok()) return status;
  auto entry = std::make_unique<Entry>();
  entry->type = MetricType::kCounter;
  entry->name = name;
  entry->counter.reset(new CounterFamily(std::move(name), std::move(help), std::move(label_names),
                                         [] { return std::make_unique<Counter>(); }));
  CounterFamily* family = entry->counter.get();
  entries_.push_back(std::move(entry));
  return family;
}

Result<GaugeFamily*> MetricsRegistry::AddGauge(std::string name, std::string help,
                                               std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status status = CheckNew(name, label_names, false); !status.ok()) return status;
  auto entry = std::make_unique<Entry>();
  entry->type = MetricType::kGauge;
  entry->name = name;
  entry->gauge.reset(new GaugeFamily(std::move(name), std::move(help), std::move(label_names),
                                     [] { return std::make_unique<Gauge>(); }));
  GaugeFamily* family = entry->gauge.get();
  entries_.push_back(std::move(entry));
  return family;
}

Result<HistogramFamily*> MetricsRegistry::AddHistogram(std::string name, std::string help,
                                                       std::vector<std::string> label_names,
                                                       std::vector<double> upper_bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Status status = CheckNew(name, label_names, true); !status.ok()) return status;
  for (size_t i = 0; i < upper_bounds.size(); ++i) {
    if (!std::isfinite(upper_bounds[i]) || (i > 0 && upper_bounds[i] <= upper_bounds[i - 1])) {
      return Status::InvalidArgument("histogram '" + name +
                                     "': bucket bounds must be finite and strictly ascending");
    }
  }
  auto entry = std::make_unique<Entry>();
  entry->type = MetricType::kHistogram;
  entry->name = name;
  entry->histogram.reset(new HistogramFamily(
      std::move(name), std::move(help), std::move(label_names),
      [bounds = std::move(upper_bounds)] { return std::make_unique<Histogram>(bounds); }));
  HistogramFamily* family = entry->histogram.get();
  entries_.push_back(std::move(entry));
  return family;
}

void MetricsRegistry::AddCollector(std::function<void(MetricsWriter&)> collect) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collect));
}

std::string MetricsRegistry::Render() const {
  MetricsWriter writer;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& entry : entries_) {
    switch (entry->type) {
      case MetricType::kCounter: entry->counter->Write(writer, entry->type); break;
      case MetricType::kGauge: entry->gauge->Write(writer, entry->type); break;
      case MetricType::kHistogram: entry->histogram->Write(writer, entry->type); break;
    }
  }
  for (const auto& collect : collectors_) collect(writer);
  return std::move(writer.text());
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace keystorm::server
