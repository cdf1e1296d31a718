#pragma once

// A small keep-alive HTTP/1.1 load generator on one Asio thread: N connections to 127.0.0.1, each
// sending the next request as soon as the previous response is in (closed loop, like wrk), for a
// fixed duration or until a list of single-use requests runs out. Counts responses by status and
// keeps every latency for percentiles.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "bench_util.hpp"

namespace guildhall::bench {

struct LoadSpec {
  std::uint16_t port = 0;
  // Raw HTTP/1.1 requests (keep-alive). Cycled through when !single_use; each sent at most once
  // when single_use (the run ends early when they run out).
  std::vector<std::string> requests;
  bool single_use = false;
  int connections = 64;
  std::chrono::milliseconds duration{5000};
  std::chrono::milliseconds warmup{1000};  // responses before this are not counted
  // Requests per second in total, open loop: request k is due at start + k / rate and its latency
  // counts from then, so queueing behind a slow server is included (wrk2's correction for
  // coordinated omission). 0: closed loop, each connection sends as soon as it has its answer.
  double rate = 0;
};

struct LoadResult {
  std::uint64_t responses = 0;  // counted (after warm-up, before the end)
  std::uint64_t errors = 0;     // connection errors (each reconnects)
  std::map<int, std::uint64_t> statuses;
  double seconds = 0;                 // measured window
  std::vector<std::uint32_t> lat_us;  // per counted response
  std::uint64_t ok() const {
    std::uint64_t n = 0;
    for (const auto& [status, count] : statuses)
      if (status >= 200 && status < 300)
        n += count;
    return n;
  }
  double rate() const { return seconds > 0 ? static_cast<double>(responses) / seconds : 0; }
  double ok_rate() const { return seconds > 0 ? static_cast<double>(ok()) / seconds : 0; }
  std::string status_summary() const {
    std::string out;
    for (const auto& [status, count] : statuses) {
      if (!out.empty())
        out.push_back(' ');
      out.append(std::to_string(status)).push_back('x');
      out.append(std::to_string(count));
    }
    if (errors != 0)
      out.append(" errors=").append(std::to_string(errors));
    return out;
  }
};

namespace detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct LoadState {
  const LoadSpec& spec;
  LoadResult result;
  Clock::time_point start;
  Clock::time_point count_from;
  Clock::time_point count_until;
  Clock::time_point last_counted;
  std::size_t next = 0;
  bool stopping = false;
  tcp::endpoint endpoint;
  asio::steady_timer* end_timer = nullptr;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, LoadState& state) : io_(io), socket_(io), state_(state) {}

  void connect() {
    if (state_.stopping)
      return;
    socket_ = tcp::socket(io_);
    buffer_.clear();
    socket_.async_connect(state_.endpoint, [self = shared_from_this()](beast::error_code ec) {
      self->on_connect(ec);
    });
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) {
      ++state_.result.errors;
      return retry();
    }
    socket_.set_option(tcp::no_delay(true));
    send();
  }

  void retry() {
    if (state_.stopping)
      return;
    timer_.emplace(io_, std::chrono::milliseconds(10));
    timer_->async_wait([self = shared_from_this()](beast::error_code) { self->connect(); });
  }

  void send() {
    if (state_.stopping)
      return;
    const auto& requests = state_.spec.requests;
    const std::size_t sequence = state_.next++;
    std::size_t index = sequence;
    if (state_.spec.single_use) {
      if (index >= requests.size()) {
        state_.stopping = true;
        if (state_.end_timer != nullptr)
          state_.end_timer->cancel();
        return;
      }
    } else {
      index %= requests.size();
    }
    request_ = &requests[index];
    sent_at_ = Clock::now();
    if (state_.spec.rate > 0) {
      const auto due =
          state_.start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                             static_cast<double>(sequence) / state_.spec.rate));
      sent_at_ = due;
      if (due > Clock::now()) {
        timer_.emplace(io_, due);
        timer_->async_wait([self = shared_from_this()](beast::error_code) { self->write(); });
        return;
      }
    }
    write();
  }

  void write() {
    asio::async_write(
        socket_, asio::buffer(*request_),
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    if (ec) {
      ++state_.result.errors;
      return connect();
    }
    parser_.emplace();
    parser_->body_limit(64 * 1024 * 1024);
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code read_ec, std::size_t) {
                       self->on_read(read_ec);
                     });
  }

  void on_read(beast::error_code ec) {
    auto now = Clock::now();
    if (ec) {
      ++state_.result.errors;
      return connect();
    }
    if (now >= state_.count_from && now <= state_.count_until) {
      auto& r = state_.result;
      ++r.responses;
      ++r.statuses[static_cast<int>(parser_->get().result_int())];
      r.lat_us.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(now - sent_at_).count()));
      state_.last_counted = now;
    }
    if (now > state_.count_until)
      state_.stopping = true;
    if (!parser_->get().keep_alive())
      return connect();
    send();
  }

  asio::io_context& io_;
  tcp::socket socket_;
  LoadState& state_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::optional<asio::steady_timer> timer_;
  const std::string* request_ = nullptr;
  Clock::time_point sent_at_;
};

}  // namespace detail

// Runs the load and returns when every connection has finished (bounded by spec.duration plus
// the slowest in-flight response; a hard stop at duration + 30 s).
inline LoadResult run_load(const LoadSpec& spec) {
  namespace asio = boost::asio;
  asio::io_context io(1);
  detail::LoadState state{spec, {}, {}, {}, {}, {}, 0, false, {}, nullptr};
  state.endpoint = detail::tcp::endpoint(asio::ip::make_address("127.0.0.1"), spec.port);
  if (spec.requests.empty())
    return {};
  auto start = Clock::now();
  state.start = start;
  state.count_from = start + spec.warmup;
  state.count_until = state.count_from + spec.duration;
  state.last_counted = state.count_from;
  std::vector<std::shared_ptr<detail::Connection>> connections;
  for (int i = 0; i < spec.connections; ++i) {
    connections.push_back(std::make_shared<detail::Connection>(io, state));
    connections.back()->connect();
  }
  // Stops new requests at the end of the window. After that only in-flight requests keep the loop
  // running; run_for bounds the wait on a stuck server.
  asio::steady_timer end(io, state.count_until - Clock::now());
  state.end_timer = &end;
  end.async_wait([&](boost::system::error_code) { state.stopping = true; });
  io.run_for(spec.warmup + spec.duration + std::chrono::seconds(30));
  connections.clear();
  auto window_end = spec.single_use ? state.last_counted : state.count_until;
  state.result.seconds = std::chrono::duration<double>(window_end - state.count_from).count();
  return std::move(state.result);
}

// A GET request for the load generator.
inline std::string get_request(const std::string& target, const std::string& host,
                               const std::string& accept = "") {
  std::string r = "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n";
  if (!accept.empty())
    r += "Accept: " + accept + "\r\n";
  r += "User-Agent: guildhall-bench\r\n\r\n";
  return r;
}

}  // namespace guildhall::bench
