#include "keystorm/server/app_metrics.h"

#include <cstdlib>

namespace keystorm::server {

AppMetrics::AppMetrics() {
  // Fixed names and labels: registration cannot fail unless the code is wrong.
  requests_ = registry_
                  .AddCounter("keystorm_requests_total",
                              "API requests answered, by route and outcome.", {"route", "outcome"})
                  .value();
  duration_ = registry_
                  .AddHistogram("keystorm_request_duration_seconds",
                                "Time from request to answer; for the verify routes, the "
                                "verification latency.",
                                {"route"},
                                {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                 2.5})
                  .value();
}

void AppMetrics::Record(const RequestEvent& event) {
  // Routes and outcomes are our own constants (never client text), so the
  // label sets are bounded.
  auto counter = requests_->WithLabels({std::string(event.route), std::string(event.outcome)});
  if (counter) (*counter)->Inc();
  auto histogram = duration_->WithLabels({std::string(event.route)});
  if (histogram) (*histogram)->Observe(event.seconds);
}

}  // namespace keystorm::server
