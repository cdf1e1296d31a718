#include "guildhall/server/http/metrics.hpp"

#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

using namespace guildhall::server::http;
using namespace std::chrono_literals;

namespace {

std::string buckets(std::string_view route, const std::vector<int>& cumulative) {
  static const char* kLe[] = {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
                              "0.1",    "0.25",  "0.5",    "1",     "2.5",  "+Inf"};
  std::string out;
  for (std::size_t i = 0; i < cumulative.size(); ++i)
    out += "guildhall_http_request_duration_seconds_bucket{route=\"" + std::string(route) +
           "\",le=\"" + kLe[i] + "\"} " + std::to_string(cumulative[i]) + "\n";
  return out;
}

}  // namespace

TEST(Metrics, RendersKnownSequenceExactly) {
  Metrics metrics;
  metrics.record_request("health", "GET", 200, 300us);
  metrics.record_request("health", "GET", 200, 2ms);
  metrics.record_request("health", "HEAD", 200, 1ms);  // exactly on a bound: le is inclusive
  metrics.record_request("inbox", "POST", 202, 30ms);
  metrics.record_request("inbox", "POST", 401, 3s);
  metrics.request_started();
  metrics.connection_opened();
  metrics.connection_opened();
  metrics.add_gauge("guildhall_db_pool_connections", "Open database connections.",
                    [] { return 3.0; });
  metrics.add_counter("guildhall_deliveries_total", "Deliveries attempted.", [] { return 12.0; });

  const std::string expected =
      "# HELP guildhall_db_pool_connections Open database connections.\n"
      "# TYPE guildhall_db_pool_connections gauge\n"
      "guildhall_db_pool_connections 3\n"
      "# HELP guildhall_deliveries_total Deliveries attempted.\n"
      "# TYPE guildhall_deliveries_total counter\n"
      "guildhall_deliveries_total 12\n"
      "# HELP guildhall_http_open_connections Open HTTP connections.\n"
      "# TYPE guildhall_http_open_connections gauge\n"
      "guildhall_http_open_connections 2\n"
      "# HELP guildhall_http_open_streams Open live streams (WebSocket and server-sent events).\n"
      "# TYPE guildhall_http_open_streams gauge\n"
      "guildhall_http_open_streams 0\n"
      "# HELP guildhall_http_request_duration_seconds HTTP request latency by route, from headers "
      "read to response written.\n"
      "# TYPE guildhall_http_request_duration_seconds histogram\n" +
      buckets("health", {1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}) +
      "guildhall_http_request_duration_seconds_sum{route=\"health\"} 0.0033\n"
      "guildhall_http_request_duration_seconds_count{route=\"health\"} 3\n" +
      buckets("inbox", {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2}) +
      "guildhall_http_request_duration_seconds_sum{route=\"inbox\"} 3.03\n"
      "guildhall_http_request_duration_seconds_count{route=\"inbox\"} 2\n"
      "# HELP guildhall_http_requests_in_flight HTTP requests being handled.\n"
      "# TYPE guildhall_http_requests_in_flight gauge\n"
      "guildhall_http_requests_in_flight 1\n"
      "# HELP guildhall_http_requests_total HTTP requests by route, method and status.\n"
      "# TYPE guildhall_http_requests_total counter\n"
      "guildhall_http_requests_total{route=\"health\",method=\"GET\",status=\"200\"} 2\n"
      "guildhall_http_requests_total{route=\"health\",method=\"HEAD\",status=\"200\"} 1\n"
      "guildhall_http_requests_total{route=\"inbox\",method=\"POST\",status=\"202\"} 1\n"
      "guildhall_http_requests_total{route=\"inbox\",method=\"POST\",status=\"401\"} 1\n";
  EXPECT_EQ(metrics.render(), expected);
}

TEST(Metrics, EscapesLabelsAndHelp) {
  Metrics metrics;
  metrics.record_request("we\"ird\\route\n", "GET", 200, 1ms);
  metrics.add_gauge("guildhall_x", "line one\nback\\slash", [] { return 0.5; });
  const auto text = metrics.render();
  EXPECT_NE(
      text.find("guildhall_http_requests_total{route=\"we\\\"ird\\\\route\\n\",method=\"GET\","
                "status=\"200\"} 1\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("# HELP guildhall_x line one\\nback\\\\slash\n"), std::string::npos) << text;
  EXPECT_NE(text.find("guildhall_x 0.5\n"), std::string::npos) << text;
}

TEST(Metrics, RejectsBadAndDuplicateNames) {
  Metrics metrics;
  EXPECT_THROW(metrics.add_gauge("1bad", "", [] { return 0.0; }), std::invalid_argument);
  EXPECT_THROW(metrics.add_gauge("bad-name", "", [] { return 0.0; }), std::invalid_argument);
  EXPECT_THROW(metrics.add_gauge("guildhall_http_requests_total", "", [] { return 0.0; }),
               std::invalid_argument);
  metrics.add_gauge("guildhall_queue_depth", "", [] { return 0.0; });
  EXPECT_THROW(metrics.add_counter("guildhall_queue_depth", "", [] { return 0.0; }),
               std::invalid_argument);
}

TEST(Metrics, BrokenCallbackRendersNaN) {
  Metrics metrics;
  metrics.add_gauge("guildhall_broken", "", []() -> double { throw std::runtime_error("x"); });
  EXPECT_NE(metrics.render().find("guildhall_broken NaN\n"), std::string::npos);
}

TEST(Metrics, ConcurrentRecordingLosesNothing) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 5000; ++i)
        metrics.record_request(t % 2 ? "a" : "b", "GET", 200, 1ms);
    });
  for (auto& t : threads)
    t.join();
  const auto text = metrics.render();
  EXPECT_NE(text.find("{route=\"a\",method=\"GET\",status=\"200\"} 10000\n"), std::string::npos);
  EXPECT_NE(text.find("{route=\"b\",method=\"GET\",status=\"200\"} 10000\n"), std::string::npos);
}
