// Streamed responses (stream.hpp) on a real loopback server: WebSocket (Beast's client) and
// server-sent events. Synchronisation is by futures on the events themselves; socket timeouts only
// guard against hangs.
#include "guildhall/server/http/stream.hpp"

#include <future>
#include <memory>
#include <mutex>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "guildhall/server/http/metrics.hpp"
#include "guildhall/server/http/router.hpp"
#include "guildhall/server/http/server.hpp"

using namespace guildhall::server::http;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

void guard_against_hangs(tcp::socket& socket) {
  timeval tv{10, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

class StreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { spdlog::set_level(spdlog::level::warn); }

  void SetUp() override {
    router.get("/live",
               [this](Request& req) -> asio::awaitable<Response> {
                 if (req.query().get("refuse"))
                   co_return Response::error(401, "no");
                 StreamSetup setup;
                 setup.subprotocol = std::string(req.header("Sec-WebSocket-Protocol").value_or(""));
                 setup.prelude = ":)\n";
                 setup.heartbeat = ":thump\n";
                 setup.heartbeat_interval = heartbeat;
                 setup.limits = limits;
                 setup.on_open = [this](const std::shared_ptr<StreamChannel>& channel) {
                   opened.set_value(channel);
                 };
                 setup.on_message = [](StreamChannel& channel, std::string_view text) {
                   channel.send("echo:" + std::string(text));
                 };
                 setup.on_close = [this](StreamChannel&) { closed.set_value(); };
                 co_return Response::stream(std::move(setup));
               },
               "live", {.websocket = true});
  }

  void start(ServerOptions options = {}) {
    options.threads = 2;
    options.access_log = false;
    server = std::make_unique<Server>(options, router, metrics);
    server->start();
  }

  std::shared_ptr<StreamChannel> wait_open() {
    auto f = opened.get_future();
    EXPECT_EQ(f.wait_for(10s), std::future_status::ready);
    return f.get();
  }
  bool wait_closed() { return closed.get_future().wait_for(10s) == std::future_status::ready; }

  Router router;
  Metrics metrics;
  std::unique_ptr<Server> server;
  std::promise<std::shared_ptr<StreamChannel>> opened;
  std::promise<void> closed;
  std::chrono::milliseconds heartbeat{15'000};
  StreamLimits limits{};
};

struct WsClient {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  websocket::response_type handshake;

  boost::system::error_code connect(std::uint16_t port, const std::string& target,
                                    const std::string& protocol) {
    ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    guard_against_hangs(ws.next_layer());
    if (!protocol.empty())
      ws.set_option(websocket::stream_base::decorator([protocol](websocket::request_type& req) {
        req.set(bhttp::field::sec_websocket_protocol, protocol);
      }));
    boost::system::error_code ec;
    ws.handshake(handshake, "127.0.0.1", target, ec);
    return ec;
  }
  std::string read(boost::system::error_code& ec) {
    beast::flat_buffer buffer;
    ws.read(buffer, ec);
    return beast::buffers_to_string(buffer.data());
  }
};

TEST_F(StreamTest, WebSocketEchoesTheSubprotocolAndCarriesMessagesBothWays) {
  start();
  WsClient client;
  ASSERT_FALSE(client.connect(server->port(), "/live", "secret-token"));
  EXPECT_EQ(client.handshake[bhttp::field::sec_websocket_protocol], "secret-token");
  auto channel = wait_open();
  EXPECT_EQ(channel->transport(), StreamChannel::Transport::websocket);
  EXPECT_EQ(metrics.open_streams(), 1);

  client.ws.write(asio::buffer(std::string("hello")));
  boost::system::error_code ec;
  EXPECT_EQ(client.read(ec), "echo:hello");
  EXPECT_TRUE(channel->send("pushed"));
  EXPECT_EQ(client.read(ec), "pushed");

  channel->close("token revoked");
  client.read(ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(client.ws.reason().reason, "token revoked");
  EXPECT_TRUE(wait_closed());
  EXPECT_FALSE(channel->send("late"));
}

TEST_F(StreamTest, RefusedUpgradeIsAPlainHttpAnswer) {
  start();
  WsClient client;
  EXPECT_EQ(client.connect(server->port(), "/live?refuse=1", ""),
            websocket::error::upgrade_declined);
  EXPECT_EQ(client.handshake.result_int(), 401);
}

TEST_F(StreamTest, ClientGoingAwayEndsTheStream) {
  start();
  {
    WsClient client;
    ASSERT_FALSE(client.connect(server->port(), "/live", ""));
    EXPECT_TRUE(client.handshake[bhttp::field::sec_websocket_protocol].empty());
    wait_open();
  }  // dropped without a close frame
  EXPECT_TRUE(wait_closed());
}

// Reads an event stream's raw bytes (after the headers) until `needle` appears.
struct SseClient {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  std::string received;

  void open(std::uint16_t port, const std::string& target) {
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    guard_against_hangs(socket);
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(socket, req);
    parser.body_limit(boost::none);
    bhttp::read_header(socket, buffer, parser);
  }
  // false when the stream ended first.
  bool read_until(std::string_view needle) {
    while (received.find(needle) == std::string::npos) {
      boost::system::error_code ec;
      bhttp::read_some(socket, buffer, parser, ec);
      received += parser.get().body();
      parser.get().body().clear();
      if (ec || parser.is_done())
        return received.find(needle) != std::string::npos;
    }
    return true;
  }
  bool ended() {
    boost::system::error_code ec;
    while (!ec && !parser.is_done()) {
      bhttp::read_some(socket, buffer, parser, ec);
      received += parser.get().body();
      parser.get().body().clear();
    }
    return true;
  }
};

TEST_F(StreamTest, EventStreamSendsPreludeEventsAndHeartbeats) {
  heartbeat = 50ms;
  start();
  SseClient client;
  client.open(server->port(), "/live");
  EXPECT_EQ(client.parser.get().result_int(), 200);
  EXPECT_EQ(client.parser.get()[bhttp::field::content_type], "text/event-stream");
  EXPECT_TRUE(client.parser.get().chunked());
  auto channel = wait_open();
  EXPECT_EQ(channel->transport(), StreamChannel::Transport::event_stream);
  EXPECT_TRUE(client.read_until(":)\n"));
  EXPECT_TRUE(channel->send("event: update\ndata: {}\n\n"));
  EXPECT_TRUE(client.read_until("event: update\ndata: {}\n\n"));
  EXPECT_TRUE(client.read_until(":thump\n"));  // nothing sent for a heartbeat interval
  channel->close();
  EXPECT_TRUE(client.ended());
  EXPECT_TRUE(wait_closed());
}

TEST_F(StreamTest, SlowConsumerIsDisconnected) {
  limits = {.max_queued_messages = 8, .max_queued_bytes = 64 * 1024};
  start();
  SseClient client;
  client.open(server->port(), "/live");
  auto channel = wait_open();
  // The client reads nothing: the socket buffers fill, then the queue, then the channel closes.
  const std::string chunk(16 * 1024, 'x');
  bool refused = false;
  for (int i = 0; i < 100'000 && !refused; ++i)
    refused = !channel->send("data: " + chunk + "\n\n");
  EXPECT_TRUE(refused);
  EXPECT_FALSE(channel->is_open());
  EXPECT_TRUE(wait_closed());
}

TEST_F(StreamTest, OpenStreamsAreLimited) {
  ServerOptions options;
  options.max_streams = 1;
  start(options);
  WsClient first;
  ASSERT_FALSE(first.connect(server->port(), "/live", ""));
  wait_open();
  WsClient second;
  EXPECT_EQ(second.connect(server->port(), "/live", ""), websocket::error::upgrade_declined);
  EXPECT_EQ(second.handshake.result_int(), 503);
}

}  // namespace
