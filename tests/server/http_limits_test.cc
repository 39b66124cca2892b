// Every listener limit, made to fire over a real loopback socket: the status
// code the client sees, whether the connection closes, and the LimitKind
// counter that operators watch.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http_test_client.h"
#include "http_test_server.h"
#include "keystorm/server/http_server.h"

namespace keystorm::server::testing {
namespace {

Router EchoLengthRouter() {
  Router router;
  router.Add("POST", "/echo", [](HttpRequest&& request, Responder respond) {
    HttpResponse response;
    response.body = std::to_string(request.body.size());
    respond(std::move(response));
  });
  return router;
}

TEST(HttpLimitsTest, OversizedHeadersAre431AndClose) {
  ListenerOptions options;
  options.max_header_bytes = 1024;
  RunningServer running = StartServer(options, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  std::string big = "X-Big: " + std::string(2000, 'a') + "\r\n";
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/hello", "", big)));
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 431);
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_TRUE(client.WaitClosed(3000));
  EXPECT_EQ(running.LimitHits(LimitKind::kHeaderTooLarge), 1u);
}

TEST(HttpLimitsTest, HeadersJustUnderTheLimitAreServed) {
  ListenerOptions options;
  options.max_header_bytes = 1024;
  RunningServer running = StartServer(options, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  std::string header = "X-Pad: " + std::string(700, 'a') + "\r\n";
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/hello", "", header)));
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

TEST(HttpLimitsTest, AContentLengthOverTheLimitIs413BeforeTheBodyIsSent) {
  ListenerOptions options;
  options.max_body_bytes = 1000;
  RunningServer running = StartServer(options, EchoLengthRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  // Only the head: the answer must come without any of the body.
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_TRUE(client.WaitClosed(3000));
  EXPECT_EQ(running.LimitHits(LimitKind::kBodyTooLarge), 1u);
}

TEST(HttpLimitsTest, ABodyAtTheLimitIsServed) {
  ListenerOptions options;
  options.max_body_bytes = 1000;
  RunningServer running = StartServer(options, EchoLengthRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/echo", std::string(1000, 'b'))));
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "1000");
}

TEST(HttpLimitsTest, AChunkedBodyIs413AsSoonAsItPassesTheLimit) {
  ListenerOptions options;
  options.max_body_bytes = 1000;
  RunningServer running = StartServer(options, EchoLengthRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"));
  ASSERT_TRUE(client.Send("258\r\n" + std::string(600, 'c') + "\r\n"));  // 600 bytes: fine
  ASSERT_TRUE(client.Send("258\r\n" + std::string(600, 'c') + "\r\n"));  // 1200: over
  // No terminating chunk: the answer must not wait for the end of the body.
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(running.LimitHits(LimitKind::kBodyTooLarge), 1u);
}

TEST(HttpLimitsTest, AChunkedBodyUnderTheLimitIsServed) {
  RunningServer running = StartServer({}, EchoLengthRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "3");
}

TEST(HttpLimitsTest, ASlowPartialRequestIs408AndClose) {
  ListenerOptions options;
  options.read_timeout_ms = 200;
  RunningServer running = StartServer(options, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost: t\r\n"));  // never finished
  auto response = client.Read(5000);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 408);
  EXPECT_TRUE(client.WaitClosed(3000));
  EXPECT_EQ(running.LimitHits(LimitKind::kReadTimeout), 1u);
}

TEST(HttpLimitsTest, ABodyThatNeverArrivesIs408) {
  ListenerOptions options;
  options.read_timeout_ms = 200;
  RunningServer running = StartServer(options, EchoLengthRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"));
  auto response = client.Read(5000);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 408);
}

TEST(HttpLimitsTest, AConnectionThatSendsNothingIsClosedWithoutAnAnswer) {
  ListenerOptions options;
  options.read_timeout_ms = 200;
  RunningServer running = StartServer(options, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  EXPECT_TRUE(client.WaitClosed(5000));  // EOF with no bytes at all
  EXPECT_EQ(running.LimitHits(LimitKind::kReadTimeout), 1u);
}

TEST(HttpLimitsTest, AnIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  ListenerOptions options;
  options.idle_timeout_ms = 200;
  options.read_timeout_ms = 5000;
  RunningServer running = StartServer(options, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  auto response = client.Get("/hello");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(client.WaitClosed(5000));
  EXPECT_EQ(running.LimitHits(LimitKind::kIdleTimeout), 1u);
  EXPECT_EQ(running.server->Stats().listeners.at(0).connections_open, 0u);
}

TEST(HttpLimitsTest, ConnectionsBeyondTheCapGet503AndClose) {
  ListenerOptions options;
  options.max_connections = 2;
  options.retry_after_s = 7;
  RunningServer running = StartServer(options, HelloRouter());
  TestClient a;
  TestClient b;
  ASSERT_TRUE(a.Connect(running.port));
  ASSERT_TRUE(b.Connect(running.port));
  // Both admitted (an answered request proves it) before the third arrives.
  ASSERT_EQ(a.Get("/hello")->status, 200);
  ASSERT_EQ(b.Get("/hello")->status, 200);
  TestClient c;
  ASSERT_TRUE(c.Connect(running.port));
  auto refused = c.Read();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->Header("retry-after"), "7");
  EXPECT_EQ(refused->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed(3000));
  EXPECT_EQ(running.LimitHits(LimitKind::kMaxConnections), 1u);
  // A slot freed is a slot reusable.
  a.Close();
  for (int attempt = 0; attempt < 500; ++attempt) {  // up to 5 s on a loaded machine
    if (running.server->Stats().listeners.at(0).connections_open < 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  TestClient d;
  ASSERT_TRUE(d.Connect(running.port));
  auto served = d.Get("/hello");
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->status, 200);
}

TEST(HttpLimitsTest, ConnectionsBeyondThePerAddressCapGet503) {
  ListenerOptions options;
  options.max_connections = 100;
  options.max_connections_per_address = 1;
  RunningServer running = StartServer(options, HelloRouter());
  TestClient a;
  ASSERT_TRUE(a.Connect(running.port));
  ASSERT_EQ(a.Get("/hello")->status, 200);
  TestClient b;
  ASSERT_TRUE(b.Connect(running.port));
  auto refused = b.Read();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503);
  EXPECT_TRUE(b.WaitClosed(3000));
  EXPECT_EQ(running.LimitHits(LimitKind::kMaxConnectionsPerAddress), 1u);
  EXPECT_EQ(running.LimitHits(LimitKind::kMaxConnections), 0u);
}

TEST(HttpLimitsTest, TheLastRequestOfAConnectionIsAnsweredWithConnectionClose) {
  ListenerOptions options;
  options.max_requests_per_connection = 3;
  RunningServer running = StartServer(options, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  for (int i = 1; i <= 2; ++i) {
    auto response = client.Get("/hello");
    ASSERT_TRUE(response.has_value());
    EXPECT_NE(response->Header("connection"), "close") << "request " << i;
  }
  auto last = client.Get("/hello");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->status, 200);
  EXPECT_EQ(last->Header("connection"), "close");
  EXPECT_TRUE(client.WaitClosed(3000));
  EXPECT_EQ(running.LimitHits(LimitKind::kMaxRequestsPerConnection), 1u);
}

TEST(HttpLimitsTest, BeyondMaxInFlightTheAnswerIs503AtOnceAndNotQueued) {
  std::mutex held_mu;
  std::vector<Responder> held;  // the handler answers only when told
  Router router = HelloRouter();
  router.Add("GET", "/hold", [&](HttpRequest&&, Responder respond) {
    std::lock_guard<std::mutex> lock(held_mu);
    held.push_back(std::move(respond));
  });
  ListenerOptions options;
  options.max_in_flight = 2;
  options.retry_after_s = 3;
  RunningServer running = StartServer(options, std::move(router));
  TestClient a;
  TestClient b;
  TestClient c;
  ASSERT_TRUE(a.Connect(running.port));
  ASSERT_TRUE(b.Connect(running.port));
  ASSERT_TRUE(c.Connect(running.port));
  ASSERT_TRUE(a.Send(MakeRequest("GET", "/hold")));
  ASSERT_TRUE(b.Send(MakeRequest("GET", "/hold")));
  for (int attempt = 0; attempt < 500; ++attempt) {  // up to 5 s on a loaded machine
    if (running.server->Stats().listeners.at(0).requests_in_flight == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(running.server->Stats().listeners.at(0).requests_in_flight, 2u);
  // The third is refused while the two are still held (so: not queued).
  auto refused = c.Get("/hello");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->Header("retry-after"), "3");
  EXPECT_EQ(running.LimitHits(LimitKind::kOverloaded), 1u);
  // The refused connection stays usable once there is room again.
  {
    std::lock_guard<std::mutex> lock(held_mu);
    for (Responder& respond : held) respond(HttpResponse{});
  }
  ASSERT_EQ(a.Read()->status, 200);
  ASSERT_EQ(b.Read()->status, 200);
  auto served = c.Get("/hello");
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->status, 200);
}

TEST(HttpLimitsTest, MalformedRequestsAre400AndClose) {
  const char* malformed[] = {
      "GARBAGE\r\n\r\n",
      "GET /hello HTTP/9.9\r\n\r\n",
      "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc",
  };
  RunningServer running = StartServer({}, EchoLengthRouter());
  uint64_t expected_hits = 0;
  for (const char* request : malformed) {
    TestClient client;
    ASSERT_TRUE(client.Connect(running.port));
    ASSERT_TRUE(client.Send(request));
    auto response = client.Read();
    ASSERT_TRUE(response.has_value()) << request;
    EXPECT_EQ(response->status, 400) << request;
    EXPECT_TRUE(client.WaitClosed(3000)) << request;
    EXPECT_EQ(running.LimitHits(LimitKind::kMalformed), ++expected_hits);
  }
}

}  // namespace
}  // namespace keystorm::server::testing
