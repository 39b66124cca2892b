#include "keystorm/server/http_metrics.h"

#include <string>

namespace keystorm::server {

void WriteHttpServerMetrics(const HttpServerStats& stats, MetricsWriter& writer) {
  static constexpr std::string_view kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  writer.Family("keystorm_http_connections_open", "Client connections open now.",
                MetricType::kGauge);
  for (const auto& listener : stats.listeners) {
    writer.Sample("keystorm_http_connections_open", {{"listener", listener.name}},
                  static_cast<double>(listener.connections_open));
  }
  writer.Family("keystorm_http_connections_accepted_total",
                "Client connections accepted, those refused by a connection limit included.",
                MetricType::kCounter);
  for (const auto& listener : stats.listeners) {
    writer.Sample("keystorm_http_connections_accepted_total", {{"listener", listener.name}},
                  static_cast<double>(listener.connections_accepted));
  }
  writer.Family("keystorm_http_requests_in_flight",
                "Requests handed to handlers and not answered yet.", MetricType::kGauge);
  for (const auto& listener : stats.listeners) {
    writer.Sample("keystorm_http_requests_in_flight", {{"listener", listener.name}},
                  static_cast<double>(listener.requests_in_flight));
  }
  writer.Family("keystorm_http_responses_total", "HTTP answers written, by status class.",
                MetricType::kCounter);
  for (const auto& listener : stats.listeners) {
    for (size_t i = 0; i < listener.responses_by_class.size(); ++i) {
      writer.Sample("keystorm_http_responses_total",
                    {{"listener", listener.name}, {"class", kClasses[i]}},
                    static_cast<double>(listener.responses_by_class[i]));
    }
  }
  writer.Family("keystorm_http_limit_hits_total",
                "Requests or connections stopped by an HTTP limit, by limit.",
                MetricType::kCounter);
  for (const auto& listener : stats.listeners) {
    for (size_t i = 0; i < kLimitKindCount; ++i) {
      writer.Sample("keystorm_http_limit_hits_total",
                    {{"listener", listener.name},
                     {"limit", LimitKindName(static_cast<LimitKind>(i))}},
                    static_cast<double>(listener.limit_hits[i]));
    }
  }
}

void AddHttpServerMetrics(MetricsRegistry& registry, const HttpServer& server) {
  registry.AddCollector(
      [&server](MetricsWriter& writer) { WriteHttpServerMetrics(server.Stats(), writer); });
}

}  // namespace keystorm::server
