// The HTTP ceiling: a minimal Boost.Beast keep-alive hello-world server (what
// /work/shared/docs/performance-limits.md row 9 measured). No router, no limits, no logging, no
// metrics: whatever Guildhall's server does on top of this is the overhead http_bench reports.
//
//   beast_hello [--port N] [--threads N] [--seconds N] [--delay-ms N]
//               [--body-file PATH --content-type TYPE]
//
// It also stands in for peers' inboxes in fanout_bench: it answers any method with 200, and with
// --delay-ms it waits that long before each response (a peer 300 ms away, without netem). With
// --body-file it answers every request with that file (inbox_bench's remote actor document).
//
// Binds 127.0.0.1 (port 0 by default), prints "listening on http://127.0.0.1:PORT", serves until
// SIGINT/SIGTERM or until --seconds (default 600) have passed, so it always ends on its own.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Reply {
  std::string body = "Hello, world!";
  std::string content_type = "text/plain";
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::chrono::milliseconds delay, const Reply& reply)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), delay_(delay), reply_(reply) {}

  void start() { read(); }

 private:
  void read() {
    request_ = {};
    http::async_read(
        stream_, buffer_, request_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    if (delay_.count() > 0) {
      timer_.expires_after(delay_);
      timer_.async_wait([self = shared_from_this()](beast::error_code) { self->respond(); });
      return;
    }
    respond();
  }

  void respond() {
    response_ = {};
    response_.result(http::status::ok);
    response_.version(request_.version());
    response_.set(http::field::server, "beast_hello");
    response_.set(http::field::content_type, reply_.content_type);
    response_.keep_alive(request_.keep_alive());
    response_.body() = reply_.body;
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                        self->on_write(write_ec);
                      });
  }

  void on_write(beast::error_code ec) {
    if (ec || !response_.keep_alive()) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    read();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  asio::steady_timer timer_;
  std::chrono::milliseconds delay_;
  const Reply& reply_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, tcp::endpoint endpoint, std::chrono::milliseconds delay,
           const Reply& reply)
      : io_(io), acceptor_(io), delay_(delay), reply_(reply) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void accept() {
    acceptor_.async_accept(asio::make_strand(io_),
                           [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                             self->on_accept(ec, std::move(socket));
                           });
  }
  void close() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted)
      return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<Session>(std::move(socket), delay_, reply_)->start();
    }
    accept();
  }
  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::chrono::milliseconds delay_;
  const Reply& reply_;
};

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  int threads = 1;
  int seconds = 600;
  int delay_ms = 0;
  Reply reply;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--port")
      port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
    else if (flag == "--threads")
      threads = std::max(1, std::atoi(argv[i + 1]));
    else if (flag == "--seconds")
      seconds = std::max(1, std::atoi(argv[i + 1]));
    else if (flag == "--delay-ms")
      delay_ms = std::max(0, std::atoi(argv[i + 1]));
    else if (flag == "--content-type")
      reply.content_type = argv[i + 1];
    else if (flag == "--body-file") {
      std::ifstream in(argv[i + 1]);
      if (!in) {
        std::cerr << "cannot read " << argv[i + 1] << "\n";
        return 2;
      }
      reply.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } else {
      std::cerr << "usage: beast_hello [--port N] [--threads N] [--seconds N] [--delay-ms N] "
                   "[--body-file PATH --content-type TYPE]\n";
      return 2;
    }
  }

  asio::io_context io(threads);
  auto listener =
      std::make_shared<Listener>(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                 std::chrono::milliseconds(delay_ms), reply);
  listener->accept();
  std::cout << "beast_hello listening on http://127.0.0.1:" << listener->port() << " (" << threads
            << " threads)" << std::endl;

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { io.stop(); });
  asio::steady_timer deadline(io, std::chrono::seconds(seconds));
  deadline.async_wait([&](beast::error_code ec) {
    if (!ec)
      io.stop();
  });

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i)
    pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool)
    t.join();
  return 0;
}
