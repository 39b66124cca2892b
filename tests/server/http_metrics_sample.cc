// Prints a rendered metrics sample (every metric type, escaped labels, the
// HTTP server's own families) for `promtool check metrics` to lint in ctest.
#include <cstdio>

#include "keystorm/server/http_metrics.h"
#include "keystorm/server/http_server.h"
#include "keystorm/server/metrics.h"

int main() {
  using namespace keystorm::server;
  MetricsRegistry registry;
  auto logins = registry.AddCounter("keystorm_logins_total", "Logins by outcome.", {"outcome"});
  (*logins)->WithLabels({"ok"}).value()->Inc(42);
  (*logins)->WithLabels({"odd \"value\" \\ here\nnext"}).value()->Inc();
  (*registry.AddGauge("keystorm_store_credentials", "Credentials stored."))->Plain()->Set(12345);
  auto latency = registry.AddHistogram("keystorm_verify_duration_seconds", "Verification time.",
                                       {"ceremony"}, DefaultLatencyBuckets());
  Histogram* login = (*latency)->WithLabels({"login"}).value();
  for (double v : {0.0003, 0.002, 0.002, 0.04, 3.0}) login->Observe(v);
  HttpServer server(1);
  if (!server.AddListener({.name = "api"}, Router()).has_value()) return 1;
  AddHttpServerMetrics(registry, server);
  std::fputs(registry.Render().c_str(), stdout);
  return 0;
}
