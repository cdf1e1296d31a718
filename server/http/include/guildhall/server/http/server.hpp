#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

namespace guildhall::server::http {

class Router;
class Metrics;

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;                // 0: an ephemeral port, see Server::port()
  unsigned threads = 0;                  // I/O threads; 0: std::thread::hardware_concurrency()
  std::size_t header_limit = 8 * 1024;   // beyond: 431
  std::size_t body_limit = 1024 * 1024;  // beyond: 413 (RouteOptions::body_limit overrides)
  std::chrono::milliseconds header_timeout{10'000};  // first byte to end of headers; beyond: 408
  std::chrono::milliseconds body_timeout{30'000};    // reading the body, writing the response
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for the next request
  std::chrono::milliseconds drain_timeout{10'000};   // stop(): how long in-flight requests get
  unsigned max_requests_per_connection = 0;          // 0: unlimited
  std::size_t max_streams = 0;  // open WebSockets and event streams (stream.hpp); 0: unlimited
  bool access_log = true;       // one spdlog info line per request
};

// The HTTP/1.1 server: one acceptor, one coroutine per connection on its own strand, keep-alive,
// limits and timeouts, request ids, access log and metrics. Router and Metrics must outlive it.
//
//   Server server(options, router, metrics);
//   server.start();                        // binds; throws boost::system::system_error
//   std::cout << "listening on " << server.url() << std::endl;
//   server.run_until_signal();             // SIGINT/SIGTERM -> stop() -> drained
class Server {
 public:
  Server(ServerOptions options, const Router& router, Metrics& metrics);
  ~Server();  // stops and joins if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the I/O threads; returns at once. Throws
  // boost::system::system_error when the address is bad or taken.
  void start();
  // The bound port (after start()), resolves port 0.
  std::uint16_t port() const;
  // "http://address:port"
  std::string url() const;
  // For timers and other work the application wants on the I/O threads.
  boost::asio::any_io_executor executor();

  // Graceful shutdown: stop accepting, close idle keep-alive connections, let in-flight requests
  // finish (their responses carry `Connection: close`), force-close what remains after
  // drain_timeout. Returns at once; thread-safe; idempotent; callable from a handler.
  void stop();
  // Blocks until stopped and drained, then joins the I/O threads. Not from an I/O thread.
  void wait();
  // start() if needed, stop() on SIGINT or SIGTERM, wait().
  void run_until_signal();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace guildhall::server::http
