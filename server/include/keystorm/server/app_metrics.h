// The application's Prometheus metrics (text exposition format 0.0.4):
//
//   keystorm_requests_total{route,outcome}           counter
//   keystorm_request_duration_seconds{route}         histogram (verify routes:
//                                                    the verification latency)
//   plus whatever the registered collectors append (pipeline, store and
//   listener gauges; see server_app.cc).
//
// Thread safety: Record and Render from any thread.
#ifndef KEYSTORM_SERVER_APP_METRICS_H_
#define KEYSTORM_SERVER_APP_METRICS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keystorm/server/webauthn_service.h"

namespace keystorm::server {

// Writes one metric family in the text format.
class MetricsText {
 public:
  // "# HELP" and "# TYPE" lines; type is counter, gauge or histogram.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  // One sample: name{labels} value.  labels: {{"route","/v1/x"}}.
  void Sample(std::string_view name, const std::vector<std::pair<std::string, std::string>>& labels,
              double value);
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

class AppMetrics {
 public:
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

  void Record(const RequestEvent& event);

  // Adds families to every Render (pipeline, store, listener statistics).
  void AddCollector(std::function<void(MetricsText*)> collector);

  std::string Render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::vector<std::function<void(MetricsText*)>> collectors_;
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_APP_METRICS_H_
