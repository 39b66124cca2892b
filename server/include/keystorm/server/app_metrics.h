// The application's Prometheus metrics, in the HTTP layer's registry
// (metrics.h), which /metrics renders:
//
//   keystorm_requests_total{route,outcome}     counter: API answers by route and
//                                              outcome ("ok", an action of
//                                              /v1/login/start, or an error code)
//   keystorm_request_duration_seconds{route}   histogram: request to answer; for
//                                              the verify routes, the verification
//                                              latency (pipeline queue included)
//
// Pipeline, store and listener families are collectors added by ServerApp
// and `keystorm serve` (values read at scrape time).
//
// Thread safety: Record from any thread.
#ifndef KEYSTORM_SERVER_APP_METRICS_H_
#define KEYSTORM_SERVER_APP_METRICS_H_

#include <string>

#include "keystorm/server/metrics.h"
#include "keystorm/server/webauthn_service.h"

namespace keystorm::server {

class AppMetrics {
 public:
  AppMetrics();
  void Record(const RequestEvent& event);
  MetricsRegistry& registry() { return registry_; }
  std::string Render() const { return registry_.Render(); }

 private:
  MetricsRegistry registry_;
  CounterFamily* requests_ = nullptr;
  HistogramFamily* duration_ = nullptr;
};

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_APP_METRICS_H_
