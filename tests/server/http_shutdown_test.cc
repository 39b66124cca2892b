// Graceful stop: new connections are refused at once, idle ones closed, a
// request in flight still gets its answer within the drain deadline; after
// the deadline whatever is left is closed and Stop returns.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <future>
#include <thread>

#include "http_test_client.h"
#include "http_test_server.h"
#include "keystorm/server/http_server.h"

namespace keystorm::server::testing {
namespace {

// GET /slow answers 200 after `delay`, from a thread of its own.
struct SlowRouter {
  explicit SlowRouter(std::chrono::milliseconds delay_ms) : delay(delay_ms) {}
  ~SlowRouter() {
    for (auto& worker : workers) worker.join();
  }
  Router Make() {
    Router router = HelloRouter();
    router.Add("GET", "/slow", [this](HttpRequest&&, Responder respond) {
      started.set_value();
      workers.emplace_back([respond, wait = delay] {
        std::this_thread::sleep_for(wait);
        HttpResponse response;
        response.body = "done";
        respond(std::move(response));
      });
    });
    return router;
  }
  std::chrono::milliseconds delay;
  std::promise<void> started;  // one /slow request per test
  std::vector<std::thread> workers;
};

bool WaitUntilRefused(uint16_t port) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    TestClient probe;
    if (!probe.Connect(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

TEST(HttpShutdownTest, AnInFlightRequestCompletesWhileNewConnectionsAreRefused) {
  SlowRouter slow(std::chrono::milliseconds(400));
  RunningServer running = StartServer({}, slow.Make());
  TestClient busy;
  TestClient idle;
  ASSERT_TRUE(busy.Connect(running.port));
  ASSERT_TRUE(idle.Connect(running.port));
  ASSERT_EQ(idle.Get("/hello")->status, 200);  // now an idle keep-alive connection
  ASSERT_TRUE(busy.Send(MakeRequest("GET", "/slow")));
  slow.started.get_future().wait();

  auto stopped = std::async(std::launch::async, [&] {
    running.server->Stop(std::chrono::milliseconds(5000));
  });
  EXPECT_TRUE(WaitUntilRefused(running.port));
  EXPECT_TRUE(idle.WaitClosed(3000));  // idle connections go at once

  auto response = busy.Read(5000);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done");
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_TRUE(busy.WaitClosed(3000));
  EXPECT_EQ(stopped.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

TEST(HttpShutdownTest, AfterTheDeadlineUnansweredRequestsAreClosedAndStopReturns) {
  std::promise<Responder> held;
  Router router;
  router.Add("GET", "/never", [&held](HttpRequest&&, Responder respond) {
    held.set_value(std::move(respond));
  });
  RunningServer running = StartServer({}, std::move(router));
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/never")));
  Responder late = held.get_future().get();

  running.server->Stop(std::chrono::milliseconds(100));
  EXPECT_TRUE(client.WaitClosed(3000));
  late(HttpResponse{});  // after Stop: harmless
  running.server.reset();
}

// Whether a handler for `signo` was installed within a minute: raising the
// signal before then would end the test process by its default action.
bool WaitForHandler(int signo) {
  for (int attempt = 0; attempt < 6000; ++attempt) {
    struct sigaction current {};
    sigaction(signo, nullptr, &current);
    if (current.sa_handler != SIG_DFL) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(HttpShutdownTest, SigtermDrainsAndStops) {
  SlowRouter slow(std::chrono::milliseconds(300));
  RunningServer running = StartServer({}, slow.Make());
  auto run = std::async(std::launch::async, [&] {
    running.server->RunUntilSignal(std::chrono::milliseconds(5000));
  });
  // RunUntilSignal installs its handler on its own thread: wait for it
  // before raising, or the default action would end the test process.
  ASSERT_TRUE(WaitForHandler(SIGTERM));
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/slow")));
  slow.started.get_future().wait();
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);

  auto response = client.Read(5000);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_EQ(run.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(WaitUntilRefused(running.port));
}

TEST(HttpShutdownTest, BeforeStopRunsOnceTheSignalArrivesAndBeforeTheDrain) {
  RunningServer running = StartServer({}, HelloRouter());
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_EQ(client.Get("/hello")->status, 200);
  bool connection_open_when_called = false;
  auto run = std::async(std::launch::async, [&] {
    running.server->RunUntilSignal(std::chrono::milliseconds(1000), [&] {
      connection_open_when_called = running.server->Stats().listeners.at(0).connections_open == 1;
    });
  });
  ASSERT_TRUE(WaitForHandler(SIGINT));
  ASSERT_EQ(::kill(::getpid(), SIGINT), 0);
  ASSERT_EQ(run.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(connection_open_when_called);  // called before the idle connection was closed
  EXPECT_TRUE(client.WaitClosed(1000));
}

TEST(HttpShutdownTest, StopCalledElsewhereEndsRunUntilSignal) {
  RunningServer running = StartServer({}, HelloRouter());
  auto run = std::async(std::launch::async, [&] {
    running.server->RunUntilSignal(std::chrono::milliseconds(1000));
  });
  running.server->Stop(std::chrono::milliseconds(1000));
  EXPECT_EQ(run.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

}  // namespace
}  // namespace keystorm::server::testing
