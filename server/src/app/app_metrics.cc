#include "keystorm/server/app_metrics.h"

#include <cmath>
#include <cstdio>

namespace keystorm::server {
namespace {

std::string FormatValue(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char text[64];
  std::snprintf(text, sizeof(text), "%.15g", value);
  return text;
}

void AppendEscapedLabel(std::string* out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out->push_back('\\');
      out->push_back(c);
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      out->push_back(c);
    }
  }
}

}  // namespace

void MetricsText::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += help;
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void MetricsText::Sample(std::string_view name,
                         const std::vector<std::pair<std::string, std::string>>& labels,
                         double value) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) out_ += ',';
      out_ += labels[i].first;
      out_ += "=\"";
      AppendEscapedLabel(&out_, labels[i].second);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
  out_ += FormatValue(value);
  out_ += '\n';
}

void AppMetrics::Record(const RequestEvent& event) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{std::string(event.route), std::string(event.outcome)}];
  Histogram& histogram = latency_[std::string(event.route)];
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (event.seconds <= kLatencyBuckets[i]) ++histogram.buckets[i];
  }
  ++histogram.count;
  histogram.sum += event.seconds;
}

void AppMetrics::AddCollector(std::function<void(MetricsText*)> collector) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string AppMetrics::Render() const {
  MetricsText text;
  std::vector<std::function<void(MetricsText*)>> collectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    text.Family("keystorm_requests_total", "counter",
                "API requests answered, by route and outcome (ok or an error code).");
    for (const auto& [key, count] : requests_) {
      text.Sample("keystorm_requests_total", {{"route", key.first}, {"outcome", key.second}},
                  static_cast<double>(count));
    }
    text.Family("keystorm_request_duration_seconds", "histogram",
                "Time from request to answer; for the verify routes, the verification latency.");
    for (const auto& [route, histogram] : latency_) {
      for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        text.Sample("keystorm_request_duration_seconds_bucket",
                    {{"route", route}, {"le", FormatValue(kLatencyBuckets[i])}},
                    static_cast<double>(histogram.buckets[i]));
      }
      text.Sample("keystorm_request_duration_seconds_bucket", {{"route", route}, {"le", "+Inf"}},
                  static_cast<double>(histogram.count));
      text.Sample("keystorm_request_duration_seconds_sum", {{"route", route}}, histogram.sum);
      text.Sample("keystorm_request_duration_seconds_count", {{"route", route}},
                  static_cast<double>(histogram.count));
    }
    collectors = collectors_;
  }
  for (const auto& collector : collectors) collector(&text);
  return text.str();
}

}  // namespace keystorm::server
