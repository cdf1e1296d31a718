// The server on a real loopback socket, driven by a blocking Beast client. Synchronisation is by
// promises and futures only; the socket receive timeout is a guard against hangs, not a clock.
#include "guildhall/server/http/server.hpp"

#include <atomic>
#include <future>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "guildhall/core/result.hpp"
#include "guildhall/server/http/blocking_pool.hpp"
#include "guildhall/server/http/metrics.hpp"
#include "guildhall/server/http/native.hpp"
#include "guildhall/server/http/router.hpp"

using namespace guildhall::server::http;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using HttpResponse = bhttp::response<bhttp::string_body>;

namespace {

class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval tv{10, 0};  // a hung server fails the test instead of hanging it
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  HttpResponse request(bhttp::verb method, std::string target, std::string body = {},
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    send(method, std::move(target), std::move(body), std::move(headers));
    return read(method == bhttp::verb::head);
  }

  void send(bhttp::verb method, std::string target, std::string body = {},
            std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (auto& [k, v] : headers)
      req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    bhttp::write(socket_, req);
  }

  void send_raw(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }

  HttpResponse read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    parser.body_limit(boost::none);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
  }

  // True when the server closed the connection (EOF before any byte).
  bool closed_by_peer() {
    char c;
    boost::system::error_code ec;
    socket_.read_some(asio::buffer(&c, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

nlohmann::json json_of(const HttpResponse& res) {
  return nlohmann::json::parse(res.body());
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { spdlog::set_level(spdlog::level::warn); }

  void SetUp() override {
    router.get(
        "/hello",
        [](Request&) -> asio::awaitable<Response> { co_return Response::text(200, "hello"); },
        "hello");
    router.get(
        "/whoami",
        [](Request& req) -> asio::awaitable<Response> {
          co_return Response::json(
              200, {{"remote", req.remote_address()}, {"request_id", req.request_id()}});
        },
        "whoami");
    router.post(
        "/echo",
        [this](Request& req) -> asio::awaitable<Response> {
          ++echo_calls;
          co_return Response::text(200, req.body());
        },
        "echo");
    router.post("/tiny",
                [this](Request& req) -> asio::awaitable<Response> {
                  ++echo_calls;
                  co_return Response::text(200, req.body());
                },
                "tiny", {.body_limit = 16});
    router.get(
        "/throw",
        [](Request&) -> asio::awaitable<Response> {
          throw std::runtime_error("boom");
          co_return Response::text(200, "unreachable");
        },
        "throw");
    router.get(
        "/missing",
        [](Request&) -> asio::awaitable<Response> {
          guildhall::core::Result<int> r = guildhall::core::Error::not_found("No such account");
          co_return Response::text(200, std::to_string(r.value()));
        },
        "missing");
    router.get(
        "/pool",
        [this](Request&) -> asio::awaitable<Response> {
          const auto io_thread = std::this_thread::get_id();
          std::thread::id pool_thread;
          int v = co_await pool.run([&] {
            pool_thread = std::this_thread::get_id();
            return 42;
          });
          std::string rethrown;
          try {
            co_await pool.run([]() -> int { throw std::runtime_error("db down"); });
          } catch (const std::exception& e) {
            rethrown = e.what();
          }
          co_return Response::json(200,
                                   {{"value", v},
                                    {"pool_differs", pool_thread != io_thread},
                                    {"resumed_off_pool", std::this_thread::get_id() != pool_thread},
                                    {"rethrown", rethrown}});
        },
        "pool");
    router.get(
        "/slow",
        [this](Request&) -> asio::awaitable<Response> {
          entered.set_value();
          // Blocks a pool thread, not an I/O thread, until the test releases it.
          co_await pool.run([this] { release.get_future().wait(); });
          co_return Response::text(200, "finally");
        },
        "slow");
  }

  void start(ServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.access_log = false;
    server = std::make_unique<Server>(options, router, metrics);
    server->start();
    ASSERT_NE(server->port(), 0);
  }

  void TearDown() override {
    if (server) {
      server->stop();
      server->wait();
    }
  }

  Router router;
  Metrics metrics;
  BlockingPool pool{2};
  std::atomic<int> echo_calls{0};
  std::promise<void> entered;
  std::promise<void> release;
  std::unique_ptr<Server> server;  // last: destroyed first
};

TEST_F(ServerTest, ServesAndAnswersJsonErrors) {
  start();
  Client client(server->port());
  auto hello = client.request(bhttp::verb::get, "/hello");
  EXPECT_EQ(hello.result_int(), 200);
  EXPECT_EQ(hello.body(), "hello");
  EXPECT_TRUE(std::string(hello[bhttp::field::server]).starts_with("Guildhall/"));
  EXPECT_FALSE(hello[bhttp::field::date].empty());

  auto missing = client.request(bhttp::verb::get, "/no/such/route");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(missing[bhttp::field::content_type], "application/json; charset=utf-8");
  EXPECT_TRUE(json_of(missing)["error"].is_string());

  auto wrong = client.request(bhttp::verb::delete_, "/hello");
  EXPECT_EQ(wrong.result_int(), 405);
  EXPECT_EQ(wrong[bhttp::field::allow], "GET, HEAD");

  auto head = client.request(bhttp::verb::head, "/hello");
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[bhttp::field::content_length], "5");
  EXPECT_TRUE(head.body().empty());

  auto again = client.request(bhttp::verb::get, "/hello");  // the HEAD left the stream in sync
  EXPECT_EQ(again.body(), "hello");

  // Metrics are recorded after the response is written: read them once the server has drained.
  server->stop();
  server->wait();
  const auto text = metrics.render();
  EXPECT_NE(
      text.find("guildhall_http_requests_total{route=\"hello\",method=\"GET\",status=\"200\"} 2"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("{route=\"unmatched\",method=\"GET\",status=\"404\"} 1"), std::string::npos);
  EXPECT_NE(text.find("{route=\"hello\",method=\"HEAD\",status=\"200\"} 1"), std::string::npos);
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start();
  Client client(server->port());
  auto first = client.request(bhttp::verb::get, "/whoami");
  auto second = client.request(bhttp::verb::get, "/whoami");
  ASSERT_EQ(first.result_int(), 200);
  ASSERT_EQ(second.result_int(), 200);
  EXPECT_TRUE(first.keep_alive());
  EXPECT_EQ(json_of(first)["remote"], json_of(second)["remote"]);  // same client port
  EXPECT_EQ(metrics.open_connections(), 1);
}

TEST_F(ServerTest, DeclaredOversizedBodyIsRefusedUnread) {
  ServerOptions options;
  options.body_limit = 1024;
  start(options);
  Client client(server->port());
  // Only the header: the server must answer from the declared length alone.
  client.send_raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n"
      "Content-Type: text/plain\r\n\r\n");
  auto res = client.read();
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_TRUE(json_of(res)["error"].is_string());
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(echo_calls.load(), 0);
}

TEST_F(ServerTest, ChunkedOversizedBodyAndRouteLimits) {
  ServerOptions options;
  options.body_limit = 1024;
  start(options);
  {
    Client client(server->port());
    std::string chunk(4000, 'x');
    std::string raw = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    raw += "fa0\r\n" + chunk + "\r\n0\r\n\r\n";
    client.send_raw(raw);
    auto res = client.read();
    EXPECT_EQ(res.result_int(), 413);
  }
  {
    Client client(server->port());
    auto ok = client.request(bhttp::verb::post, "/echo", std::string(1000, 'y'));
    EXPECT_EQ(ok.result_int(), 200);
    EXPECT_EQ(ok.body().size(), 1000u);
    auto small = client.request(bhttp::verb::post, "/tiny", std::string(16, 'z'));
    EXPECT_EQ(small.result_int(), 200);
    auto big = client.request(bhttp::verb::post, "/tiny", std::string(17, 'z'));
    EXPECT_EQ(big.result_int(), 413);
  }
  EXPECT_EQ(echo_calls.load(), 2);
}

TEST_F(ServerTest, OversizedHeadersAndGarbage) {
  start();
  {
    Client client(server->port());
    auto res = client.request(bhttp::verb::get, "/hello", "", {{"X-Big", std::string(16384, 'a')}});
    EXPECT_EQ(res.result_int(), 431);
    EXPECT_TRUE(json_of(res)["error"].is_string());
  }
  {
    Client client(server->port());
    client.send_raw("THIS IS NOT HTTP\r\n\r\n");
    auto res = client.read();
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_TRUE(client.closed_by_peer());
  }
  Client client(server->port());
  EXPECT_EQ(client.request(bhttp::verb::get, "/hello").result_int(), 200);
}

TEST_F(ServerTest, SlowHeadersAndIdleConnectionsAreClosed) {
  ServerOptions options;
  options.header_timeout = std::chrono::milliseconds(100);
  options.idle_timeout = std::chrono::milliseconds(100);
  start(options);
  Client slow(server->port());
  slow.send_raw("GET /hello HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
  EXPECT_TRUE(slow.closed_by_peer());

  Client idle(server->port());
  EXPECT_EQ(idle.request(bhttp::verb::get, "/hello").result_int(), 200);
  EXPECT_TRUE(idle.closed_by_peer());  // keep-alive idle timeout
}

TEST_F(ServerTest, ThrowingHandlerBecomes500AndServerKeepsServing) {
  start();
  Client client(server->port());
  auto res = client.request(bhttp::verb::get, "/throw");
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(json_of(res)["error"], "Internal server error");
  EXPECT_EQ(res[bhttp::field::content_type], "application/json; charset=utf-8");
  // Same connection still usable.
  EXPECT_EQ(client.request(bhttp::verb::get, "/hello").result_int(), 200);
  auto missing = client.request(bhttp::verb::get, "/missing");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(json_of(missing)["error"], "No such account");
  EXPECT_EQ(metrics.requests_in_flight(), 0);
}

TEST_F(ServerTest, RequestIdIsEchoedOrGenerated) {
  start();
  Client client(server->port());
  auto echoed = client.request(bhttp::verb::get, "/whoami", "", {{"X-Request-Id", "abc-123_X"}});
  EXPECT_EQ(echoed["X-Request-Id"], "abc-123_X");
  EXPECT_EQ(json_of(echoed)["request_id"], "abc-123_X");

  auto replaced = client.request(bhttp::verb::get, "/whoami", "", {{"X-Request-Id", "bad id!"}});
  const std::string id(replaced["X-Request-Id"]);
  EXPECT_EQ(id.size(), 16u);
  EXPECT_NE(id, "bad id!");
  EXPECT_EQ(json_of(replaced)["request_id"], id);

  auto generated = client.request(bhttp::verb::get, "/whoami");
  EXPECT_EQ(generated["X-Request-Id"].size(), 16u);
  EXPECT_NE(std::string(generated["X-Request-Id"]), id);
}

TEST_F(ServerTest, BlockingPoolRunsOffTheIoThreads) {
  start();
  Client client(server->port());
  auto res = client.request(bhttp::verb::get, "/pool");
  ASSERT_EQ(res.result_int(), 200) << res.body();
  auto j = json_of(res);
  EXPECT_EQ(j["value"], 42);
  EXPECT_EQ(j["pool_differs"], true);
  EXPECT_EQ(j["resumed_off_pool"], true);
  EXPECT_EQ(j["rethrown"], "db down");
}

TEST_F(ServerTest, GracefulStopFinishesInFlightAndClosesIdle) {
  start();
  Client idle(server->port());
  ASSERT_EQ(idle.request(bhttp::verb::get, "/hello").result_int(), 200);

  auto slow = std::async(std::launch::async, [port = server->port()] {
    Client client(port);
    return client.request(bhttp::verb::get, "/slow");
  });
  entered.get_future().wait();

  server->stop();
  EXPECT_TRUE(idle.closed_by_peer());  // the idle keep-alive connection goes first

  release.set_value();
  auto res = slow.get();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "finally");
  EXPECT_FALSE(res.keep_alive());
  server->wait();
  EXPECT_EQ(metrics.open_connections(), 0);
  EXPECT_THROW(Client{server->port()}, boost::system::system_error);
}

}  // namespace
