// The Prometheus registry: values, the text format (HELP/TYPE, label
// escaping, histogram buckets), name checks, and the server's own metrics.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "http_test_client.h"
#include "http_test_server.h"
#include "keystorm/server/http_metrics.h"
#include "keystorm/server/metrics.h"

namespace keystorm::server::testing {
namespace {

bool Contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(MetricsTest, CountersRenderWithHelpTypeAndLabels) {
  MetricsRegistry registry;
  auto family = registry.AddCounter("keystorm_logins_total", "Logins by outcome.", {"outcome"});
  ASSERT_TRUE(family.has_value());
  (*family)->WithLabels({"ok"}).value()->Inc(3);
  (*family)->WithLabels({"bad_signature"}).value()->Inc();
  std::string text = registry.Render();
  EXPECT_EQ(text,
            "# HELP keystorm_logins_total Logins by outcome.\n"
            "# TYPE keystorm_logins_total counter\n"
            "keystorm_logins_total{outcome=\"bad_signature\"} 1\n"
            "keystorm_logins_total{outcome=\"ok\"} 3\n");
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry registry;
  auto family = registry.AddGauge("g", "a \\ back\nslash", {"v"});
  ASSERT_TRUE(family.has_value());
  (*family)->WithLabels({"q\"b\\n\nx"}).value()->Set(1.5);
  std::string text = registry.Render();
  EXPECT_TRUE(Contains(text, "# HELP g a \\\\ back\\nslash\n")) << text;
  EXPECT_TRUE(Contains(text, "g{v=\"q\\\"b\\\\n\\nx\"} 1.5\n")) << text;
}

TEST(MetricsTest, HistogramsRenderCumulativeBucketsSumAndCount) {
  MetricsRegistry registry;
  auto family = registry.AddHistogram("keystorm_verify_seconds", "Verify time.", {"ceremony"},
                                      {0.01, 0.1, 1});
  ASSERT_TRUE(family.has_value());
  Histogram* h = (*family)->WithLabels({"login"}).value();
  h->Observe(0.005);
  h->Observe(0.01);  // on the bound: counted in le="0.01"
  h->Observe(0.5);
  h->Observe(7);
  std::string text = registry.Render();
  EXPECT_TRUE(Contains(text, "# TYPE keystorm_verify_seconds histogram\n"));
  EXPECT_TRUE(Contains(text, "keystorm_verify_seconds_bucket{ceremony=\"login\",le=\"0.01\"} 2\n"))
      << text;
  EXPECT_TRUE(Contains(text, "keystorm_verify_seconds_bucket{ceremony=\"login\",le=\"0.1\"} 2\n"));
  EXPECT_TRUE(Contains(text, "keystorm_verify_seconds_bucket{ceremony=\"login\",le=\"1\"} 3\n"));
  EXPECT_TRUE(Contains(text, "keystorm_verify_seconds_bucket{ceremony=\"login\",le=\"+Inf\"} 4\n"));
  EXPECT_TRUE(Contains(text, "keystorm_verify_seconds_sum{ceremony=\"login\"} 7.515\n")) << text;
  EXPECT_TRUE(Contains(text, "keystorm_verify_seconds_count{ceremony=\"login\"} 4\n"));
}

TEST(MetricsTest, BadNamesLabelsAndBoundsAreRefused) {
  MetricsRegistry registry;
  EXPECT_FALSE(registry.AddCounter("1abc", "h").has_value());
  EXPECT_FALSE(registry.AddCounter("a-b", "h").has_value());
  EXPECT_FALSE(registry.AddCounter("ok_total", "h", {"__reserved"}).has_value());
  EXPECT_FALSE(registry.AddCounter("ok_total", "h", {"a", "a"}).has_value());
  EXPECT_FALSE(registry.AddHistogram("h_seconds", "h", {"le"}, {1}).has_value());
  EXPECT_FALSE(registry.AddHistogram("h_seconds", "h", {}, {1, 1}).has_value());
  ASSERT_TRUE(registry.AddCounter("ok_total", "h").has_value());
  auto again = registry.AddGauge("ok_total", "h");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), Status::Code::kInvalidArgument);
  auto labelled = registry.AddCounter("l_total", "h", {"a", "b"});
  ASSERT_TRUE(labelled.has_value());
  EXPECT_FALSE((*labelled)->WithLabels({"only-one"}).has_value());
}

TEST(MetricsTest, CountsFromManyThreadsAddUp) {
  MetricsRegistry registry;
  Counter* counter = (*registry.AddCounter("c_total", "h"))->Plain();
  Histogram* histogram = (*registry.AddHistogram("h_seconds", "h", {}, {1}))->Plain();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter->Inc();
        histogram->Observe(0.5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter->Value(), 80000u);
  EXPECT_EQ(histogram->Read().count, 80000u);
  EXPECT_DOUBLE_EQ(histogram->Read().sum, 40000.0);
}

TEST(MetricsTest, GaugesGoUpAndDown) {
  Gauge gauge;
  gauge.Add(5);
  gauge.Add(-2);
  EXPECT_DOUBLE_EQ(gauge.Value(), 3);
  gauge.Set(-1.25);
  EXPECT_DOUBLE_EQ(gauge.Value(), -1.25);
}

TEST(HttpMetricsTest, TheServerReportsConnectionsResponsesAndLimitHits) {
  ListenerOptions options;
  options.name = "api";
  options.max_header_bytes = 512;
  RunningServer running = StartServer(options, HelloRouter());
  MetricsRegistry registry;
  AddHttpServerMetrics(registry, *running.server);
  TestClient client;
  ASSERT_TRUE(client.Connect(running.port));
  ASSERT_EQ(client.Get("/hello")->status, 200);
  ASSERT_EQ(client.Get("/missing")->status, 404);
  std::string text = registry.Render();
  EXPECT_TRUE(Contains(text, "keystorm_http_connections_open{listener=\"api\"} 1\n")) << text;
  EXPECT_TRUE(Contains(text, "keystorm_http_responses_total{listener=\"api\",class=\"2xx\"} 1\n"));
  EXPECT_TRUE(Contains(text, "keystorm_http_responses_total{listener=\"api\",class=\"4xx\"} 1\n"));
  TestClient big;
  ASSERT_TRUE(big.Connect(running.port));
  ASSERT_TRUE(big.Send(MakeRequest("GET", "/hello", "", "X: " + std::string(1000, 'x') + "\r\n")));
  ASSERT_EQ(big.Read()->status, 431);
  text = registry.Render();
  EXPECT_TRUE(Contains(
      text, "keystorm_http_limit_hits_total{listener=\"api\",limit=\"header_too_large\"} 1\n"))
      << text;
}

}  // namespace
}  // namespace keystorm::server::testing
