// HttpServer over real loopback sockets: dispatch, keep-alive, asynchronous
// answers from other threads, the request as handlers see it, listener
// errors.  The limits are in http_limits_test.cc, shutdown in
// http_shutdown_test.cc.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http_test_client.h"
#include "http_test_server.h"
#include "keystorm/server/http.h"
#include "keystorm/server/http_server.h"
#include "keystorm/test/thread_names.h"

namespace keystorm::server::testing {
namespace {

TEST(HttpServerTest, AnswersARoutedRequest) {
  RunningServer running = StartServer({}, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  auto response = client.Get("/hello");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello");
  EXPECT_EQ(response->Header("content-type"), "text/plain");
}

// The I/O threads are "ks-io-N" in top -H (keystorm/thread_name.h).
TEST(HttpServerTest, TheIoThreadsAreNamed) {
  RunningServer running = StartServer({}, HelloRouter(), /*io_threads=*/2);
  EXPECT_TRUE(test::ThreadNamedAppears("ks-io-0"));
  EXPECT_TRUE(test::ThreadNamedAppears("ks-io-1"));
}

// Each io thread runs a context of its own, and accepted connections go to
// the contexts in turn: consecutive connections are served by different
// threads, and every request of one connection by the same thread.
TEST(HttpServerTest, ConnectionsAreSpreadOverTheIoThreadsAndStayOnTheirs) {
  std::mutex mu;
  std::map<std::string, std::set<std::thread::id>> threads_of;  // by client tag
  Router router;
  router.Add("GET", "/who", [&](HttpRequest&& request, Responder respond) {
    {
      std::lock_guard<std::mutex> lock(mu);
      threads_of[request.query].insert(std::this_thread::get_id());
    }
    respond(HttpResponse{});
  });
  RunningServer running = StartServer({}, std::move(router), /*io_threads=*/2);
  constexpr int kClients = 4;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(std::make_unique<TestClient>());
    ASSERT_TRUE(clients.back()->Connect(running.port));
    // The first request of each connection before the next connects: the
    // accept order is the connect order.
    ASSERT_TRUE(clients.back()->Get("/who?" + std::to_string(c)).has_value());
  }
  for (int round = 0; round < 20; ++round) {
    for (int c = 0; c < kClients; ++c) {
      ASSERT_TRUE(clients[c]->Get("/who?" + std::to_string(c)).has_value());
    }
  }
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(threads_of.size(), static_cast<size_t>(kClients));
  for (int c = 0; c < kClients; ++c) {
    ASSERT_EQ(threads_of[std::to_string(c)].size(), 1u) << "connection " << c << " moved threads";
  }
  for (int c = 0; c + 1 < kClients; ++c) {
    EXPECT_NE(*threads_of[std::to_string(c)].begin(), *threads_of[std::to_string(c + 1)].begin())
        << "connections " << c << " and " << c + 1 << " share a thread";
  }
  EXPECT_EQ(*threads_of["0"].begin(), *threads_of["2"].begin());
}

TEST(HttpServerTest, KeepsTheConnectionAliveAcrossRequests) {
  RunningServer running = StartServer({}, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  for (int i = 0; i < 5; ++i) {
    auto response = client.Get("/hello");
    ASSERT_TRUE(response.has_value()) << "request " << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_NE(response->Header("connection"), "close");
  }
  HttpServerStats stats = running.server->Stats();
  EXPECT_EQ(stats.listeners.at(0).connections_accepted, 1u);
  EXPECT_EQ(stats.listeners.at(0).responses_by_class[1], 5u);
}

TEST(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  Router router;
  router.Add("GET", "/echo", [](HttpRequest&& request, Responder respond) {
    HttpResponse response;
    response.body = request.query;
    respond(std::move(response));
  });
  RunningServer running = StartServer({}, std::move(router));
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo?1") + MakeRequest("GET", "/echo?2")));
  auto first = client.Read();
  auto second = client.Read();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->body, "1");
  EXPECT_EQ(second->body, "2");
}

TEST(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router = HelloRouter();
  router.Add("HEAD", "/hello", [](HttpRequest&&, Responder respond) { respond({}); });
  RunningServer running = StartServer({}, std::move(router));
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  auto missing = client.Get("/nowhere");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/hello", "{}")));
  auto wrong = client.Read();
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->Header("allow"), "GET, HEAD");
}

// RFC 9110 §9.3.2: HEAD gets GET's header fields, Content-Length included,
// and no content; the connection stays in step for the next request.
TEST(HttpServerTest, HeadIsAnsweredByTheGetRouteWithoutContent) {
  RunningServer running = StartServer({}, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send(MakeRequest("HEAD", "/hello")));
  auto head = client.ReadHead();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "5");  // "hello"
  EXPECT_EQ(head->Header("content-type"), "text/plain");
  // Had the body been sent, it would now precede the next answer.
  auto next = client.Get("/hello");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "hello");
  // An error answer to HEAD has no content either.
  ASSERT_TRUE(client.Send(MakeRequest("HEAD", "/nowhere")));
  auto missing = client.ReadHead();
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->Header("content-length"), "0");
  auto after = client.Get("/hello");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->body, "hello");
}

TEST(HttpServerTest, AllowListsHeadWhereverGetIsRouted) {
  RunningServer running = StartServer({}, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/hello", "{}")));
  auto wrong = client.Read();
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->Header("allow"), "GET, HEAD");
}

TEST(HttpServerTest, HandlersSeeTheParsedRequest) {
  std::promise<HttpRequest> seen;
  Router router;
  router.Add("POST", "/login", [&seen](HttpRequest&& request, Responder respond) {
    seen.set_value(request);
    respond({});
  });
  RunningServer running = StartServer({}, std::move(router));
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send(
      MakeRequest("POST", "/login?user=a%20b", R"({"x":1})", "X-Trace-ID: Abc\r\n")));
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  HttpRequest request = seen.get_future().get();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/login");
  EXPECT_EQ(request.query, "user=a%20b");
  EXPECT_EQ(request.Header("x-trace-id"), "Abc");
  EXPECT_EQ(request.body, R"({"x":1})");
  EXPECT_EQ(request.client_address, "127.0.0.1");
}

TEST(HttpServerTest, AHandlerMayAnswerLaterFromAnotherThread) {
  std::vector<std::thread> workers;
  std::mutex workers_mu;
  Router router;
  router.Add("GET", "/slow", [&](HttpRequest&&, Responder respond) {
    std::lock_guard<std::mutex> lock(workers_mu);
    workers.emplace_back([respond] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      HttpResponse response;
      response.status = 201;
      response.body = "later";
      respond(std::move(response));
    });
  });
  RunningServer running = StartServer({}, std::move(router), /*io_threads=*/1);
  // Two connections at once on one I/O thread: neither blocks the other.
  TestClient a;
  TestClient b;
  ASSERT_TRUE(a.Connect(running.port));
  ASSERT_TRUE(b.Connect(running.port));
  ASSERT_TRUE(a.Send(MakeRequest("GET", "/slow")));
  ASSERT_TRUE(b.Send(MakeRequest("GET", "/slow")));
  auto first = a.Read();
  auto second = b.Read();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->status, 201);
  EXPECT_EQ(second->body, "later");
  for (auto& worker : workers) worker.join();
}

TEST(HttpServerTest, AHandlerThatThrowsIsAnswered500AndTheConnectionLives) {
  Router router = HelloRouter();
  router.Add("GET", "/throw", [](HttpRequest&&, Responder) { throw std::runtime_error("bug"); });
  RunningServer running = StartServer({}, std::move(router));
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  auto failed = client.Get("/throw");
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->status, 500);
  auto next = client.Get("/hello");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 200);
}

TEST(HttpServerTest, AnImpossibleStatusFromAHandlerIsAnswered500) {
  Router router = HelloRouter();
  router.Add("GET", "/odd", [](HttpRequest&&, Responder respond) {
    HttpResponse response;
    response.status = 42;
    respond(std::move(response));
  });
  router.Add("GET", "/huge", [](HttpRequest&&, Responder respond) {
    HttpResponse response;
    response.status = 1200;
    respond(std::move(response));
  });
  RunningServer running = StartServer({}, std::move(router));
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  EXPECT_EQ(client.Get("/odd")->status, 500);
  EXPECT_EQ(client.Get("/huge")->status, 500);
  EXPECT_EQ(client.Get("/hello")->status, 200);  // the connection and server live on
}

TEST(HttpServerTest, AResponderDroppedWithoutAnAnswerIsAnswered500) {
  Router router;
  router.Add("GET", "/forgets", [](HttpRequest&&, Responder) {});
  RunningServer running = StartServer({}, std::move(router));
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  auto response = client.Get("/forgets");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(running.server->Stats().listeners.at(0).requests_in_flight, 0u);
}

TEST(HttpServerTest, ExpectContinueGetsAnInterimAnswer) {
  Router router;
  router.Add("POST", "/upload", [](HttpRequest&& request, Responder respond) {
    HttpResponse response;
    response.body = std::to_string(request.body.size());
    respond(std::move(response));
  });
  RunningServer running = StartServer({}, std::move(router));
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send(
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client.Read();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.Send("12345"));
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "5");
}

TEST(HttpServerTest, Http10ClosesUnlessKeepAliveIsAsked) {
  RunningServer running = StartServer({}, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.0\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(client.WaitClosed(2000));
}

TEST(HttpServerTest, ExtraResponseHeadersAreSent) {
  Router router;
  router.Add("GET", "/h", [](HttpRequest&&, Responder respond) {
    HttpResponse response;
    response.status = 204;
    response.headers.emplace_back("Cache-Control", "no-store");
    respond(std::move(response));
  });
  RunningServer running = StartServer({}, std::move(router));
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  auto response = client.Get("/h");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(response->Header("cache-control"), "no-store");
}

TEST(HttpServerTest, AddListenerRejectsABadAddressAndAPortInUse) {
  HttpServer server(1);
  ListenerOptions bad;
  bad.address = "not-an-address";
  auto result = server.AddListener(bad, Router());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), Status::Code::kInvalidArgument);

  auto first = server.AddListener({}, Router());
  ASSERT_TRUE(first.has_value());
  ListenerOptions same;
  same.port = *first;
  auto second = server.AddListener(same, Router());
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), Status::Code::kIOError);

  ListenerOptions zero_limit;
  zero_limit.max_in_flight = 0;
  auto third = server.AddListener(zero_limit, Router());
  ASSERT_FALSE(third.has_value());
  EXPECT_EQ(third.error().code(), Status::Code::kInvalidArgument);
}

TEST(HttpServerTest, TwoListenersRouteIndependently) {
  HttpServer server(2);
  Router admin;
  admin.Add("GET", "/admin", [](HttpRequest&&, Responder respond) { respond({}); });
  auto api_port = server.AddListener({.name = "api"}, HelloRouter());
  auto admin_port = server.AddListener({.name = "admin"}, std::move(admin));
  ASSERT_TRUE(api_port.has_value());
  ASSERT_TRUE(admin_port.has_value());
  server.Start();
  TestClient api;
  TestClient adm;
  ASSERT_TRUE(api.Connect(*api_port));
  ASSERT_TRUE(adm.Connect(*admin_port));
  EXPECT_EQ(api.Get("/admin")->status, 404);
  EXPECT_EQ(adm.Get("/admin")->status, 200);
  HttpServerStats stats = server.Stats();
  ASSERT_EQ(stats.listeners.size(), 2u);
  EXPECT_EQ(stats.listeners[0].name, "api");
  EXPECT_EQ(stats.listeners[1].name, "admin");
  EXPECT_EQ(stats.listeners[0].responses_by_class[3], 1u);
  EXPECT_EQ(stats.listeners[1].responses_by_class[1], 1u);
}

TEST(RaiseOpenFileLimitTest, SoftLimitReachesTheHardLimit) {
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  uint64_t now = RaiseOpenFileLimit();
  EXPECT_EQ(now, static_cast<uint64_t>(before.rlim_max));
}

}  // namespace
}  // namespace keystorm::server::testing
