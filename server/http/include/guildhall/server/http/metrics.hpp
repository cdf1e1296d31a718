#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace guildhall::server::http {

// A small Prometheus registry (text exposition format 0.0.4) owning the HTTP series and any
// callback gauges/counters the application adds. Thread-safe; recording a request takes one
// striped lock (no process-wide mutex), the gauges are atomics.
class Metrics {
 public:
  // Upper bounds, in seconds, of guildhall_http_request_duration_seconds.
  static constexpr std::array<double, 12> kDurationBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // guildhall_http_requests_total{route,method,status} and
  // guildhall_http_request_duration_seconds{route}.
  void record_request(std::string_view route, std::string_view method, int status,
                      std::chrono::nanoseconds duration);

  // Sampled at render time. Names must match [a-zA-Z_:][a-zA-Z0-9_:]* and be unique
  // (std::invalid_argument otherwise). The callback runs on the thread that renders.
  void add_gauge(std::string name, std::string help, std::function<double()> sample);
  void add_counter(std::string name, std::string help, std::function<double()> sample);

  void request_started() noexcept { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void request_finished() noexcept { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  void connection_opened() noexcept { connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() noexcept { connections_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t requests_in_flight() const noexcept { return in_flight_.load(); }
  std::int64_t open_connections() const noexcept { return connections_.load(); }
  // Live streams (WebSocket, server-sent events): guildhall_http_open_streams.
  void stream_opened() noexcept { streams_.fetch_add(1, std::memory_order_relaxed); }
  void stream_closed() noexcept { streams_.fetch_sub(1, std::memory_order_relaxed); }
  std::int64_t open_streams() const noexcept { return streams_.load(); }

  // The whole exposition, series sorted by name and labels (stable output for diffs and tests).
  std::string render() const;
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::int64_t> connections_{0};
  std::atomic<std::int64_t> streams_{0};
};

}  // namespace guildhall::server::http
