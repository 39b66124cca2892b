// The HTTP server's own metrics, computed from HttpServer::Stats() at every
// scrape (so the request path pays nothing for them):
//   keystorm_http_connections_open{listener}            gauge
//   keystorm_http_connections_accepted_total{listener}  counter
//   keystorm_http_requests_in_flight{listener}          gauge
//   keystorm_http_responses_total{listener,class}       counter (class "1xx".."5xx")
//   keystorm_http_limit_hits_total{listener,limit}      counter (limit: LimitKindName)
#ifndef KEYSTORM_SERVER_HTTP_METRICS_H_
#define KEYSTORM_SERVER_HTTP_METRICS_H_

#include "keystorm/server/http_server.h"
#include "keystorm/server/metrics.h"

namespace keystorm::server {

// Adds a collector for `server` to `registry`.  The server must outlive
// every later registry.Render().
void AddHttpServerMetrics(MetricsRegistry& registry, const HttpServer& server);

// The same families for one snapshot (what the collector writes).
void WriteHttpServerMetrics(const HttpServerStats& stats, MetricsWriter& writer);

}  // namespace keystorm::server

#endif  // KEYSTORM_SERVER_HTTP_METRICS_H_
