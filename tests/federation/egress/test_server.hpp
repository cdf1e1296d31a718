#pragma once

// A small HTTP/1.1 test peer on loopback (plain or TLS) that counts connections and requests, with
// per-path handlers written as coroutines. Runs on its own thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace guildhall::federation::egress::testing {

namespace http = boost::beast::http;
using TestRequest = http::request<http::string_body>;
using TestResponse = http::response<http::string_body>;
using TestHandler = std::function<boost::asio::awaitable<TestResponse>(const TestRequest&)>;

// A self-signed certificate (EC P-256) for `dns_name` and 127.0.0.1, generated with OpenSSL.
struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};
TestCertificate make_self_signed(const std::string& dns_name);

class TestServer {
 public:
  // Plain HTTP, or TLS when `certificate` is given.
  explicit TestServer(const TestCertificate* certificate = nullptr);
  ~TestServer();

  void route(std::string path, TestHandler handler);
  // A 200 text response.
  void text(std::string path, std::string body);
  // A redirect with `status` to `location`.
  void redirect(std::string path, std::string location, unsigned status = 302);

  std::uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/") const;

  std::size_t connections() const { return connections_.load(); }
  std::size_t requests() const { return requests_.load(); }
  // Connections this server has closed (counted after the close, so the peer can see it).
  std::size_t closed() const { return closed_.load(); }
  std::size_t hits(const std::string& path) const;
  std::vector<TestRequest> received() const;

  // Handlers that must stall co_await gate(); release() lets them go (stop() does too).
  boost::asio::awaitable<void> gate();
  void release();

  // When set, the n-th request (1-based) on every connection is read and then the connection is
  // closed without a response: a peer that dropped an idle keep-alive connection as we reused it.
  std::atomic<int> drop_request_number{0};
  // When true, the server closes each connection after its response while still advertising
  // keep-alive (a peer whose idle timeout is shorter than ours).
  std::atomic<bool> close_after_response{false};

 private:
  boost::asio::awaitable<void> accept_loop();
  template <typename Stream>
  boost::asio::awaitable<void> serve(Stream& stream);
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer gate_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> requests_{0};
  std::atomic<std::size_t> closed_{0};
  mutable std::mutex mutex_;
  std::map<std::string, TestHandler> routes_;
  std::map<std::string, std::size_t> hits_;
  std::vector<TestRequest> received_;
  std::thread thread_;
};

}  // namespace guildhall::federation::egress::testing
