// Starts an HttpServer with one listener on an ephemeral loopback port, for
// the server tests.  Test-only.
#ifndef KEYSTORM_TESTS_SERVER_HTTP_TEST_SERVER_H_
#define KEYSTORM_TESTS_SERVER_HTTP_TEST_SERVER_H_

#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "keystorm/server/http_server.h"

namespace keystorm::server::testing {

struct RunningServer {
  std::unique_ptr<HttpServer> server;
  uint16_t port = 0;

  const ListenerStats& Listener(const HttpServerStats& stats) const { return stats.listeners.at(0); }
  uint64_t LimitHits(LimitKind kind) const {
    return server->Stats().listeners.at(0).limit_hits[static_cast<size_t>(kind)];
  }
};

inline RunningServer StartServer(ListenerOptions options, Router router, int io_threads = 2) {
  RunningServer running;
  running.server = std::make_unique<HttpServer>(io_threads);
  if (options.name.empty()) options.name = "test";
  Result<uint16_t> port = running.server->AddListener(std::move(options), std::move(router));
  EXPECT_TRUE(port.has_value()) << port.error().ToString();
  if (port.has_value()) running.port = *port;
  running.server->Start();
  return running;
}

// A router with GET /hello -> 200 "hello".
inline Router HelloRouter() {
  Router router;
  router.Add("GET", "/hello", [](HttpRequest&&, Responder respond) {
    HttpResponse response;
    response.content_type = "text/plain";
    response.body = "hello";
    respond(std::move(response));
  });
  return router;
}

}  // namespace keystorm::server::testing

#endif  // KEYSTORM_TESTS_SERVER_HTTP_TEST_SERVER_H_
