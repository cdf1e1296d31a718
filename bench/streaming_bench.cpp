// Streaming: N idle WebSocket streams on the server's HTTP layer (server/http/stream.hpp), then
// events fanned out to all of them. Prints the server's memory per open stream (RSS growth while
// the streams open, divided by N) and delivered messages per second. The fan-out here is the
// HTTP layer's part (StreamChannel::send to every stream, framing, writes); rendering an event
// from the database happens once per event in the StreamingHub and is not measured.
//
//   streaming_bench [STREAMS=2000] [EVENTS=200]
#include <atomic>
#include <cstdio>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include "guildhall/server/http/metrics.hpp"
#include "guildhall/server/http/router.hpp"
#include "guildhall/server/http/server.hpp"
#include "guildhall/server/http/stream.hpp"

#include "bench_util.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace guildhall::server::http;
using namespace guildhall::bench;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Channels {
  std::mutex mutex;
  std::vector<std::shared_ptr<StreamChannel>> open;
};

std::atomic<std::size_t> connected{0};
std::atomic<std::size_t> received{0};

asio::awaitable<void> client(tcp::endpoint endpoint) {
  websocket::stream<tcp::socket> ws(co_await asio::this_coro::executor);
  auto [cec] = co_await ws.next_layer().async_connect(endpoint, kTuple);
  if (cec)
    co_return;
  auto [hec] = co_await ws.async_handshake("127.0.0.1", "/stream", kTuple);
  if (hec)
    co_return;
  ++connected;
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, kTuple);
    if (ec)
      co_return;
    buffer.consume(n);
    ++received;
  }
}

long rss_kb() {
  return proc_status_kb(::getpid(), "VmRSS").value_or(0);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t streams = argc > 1 ? std::stoul(argv[1]) : 2000;
  const std::size_t events = argc > 2 ? std::stoul(argv[2]) : 200;
  spdlog::set_level(spdlog::level::warn);

  Channels channels;
  Router router;
  router.get("/stream",
             [&channels](Request&) -> asio::awaitable<Response> {
               StreamSetup setup;
               setup.on_open = [&channels](const std::shared_ptr<StreamChannel>& channel) {
                 std::lock_guard lock(channels.mutex);
                 channels.open.push_back(channel);
               };
               co_return Response::stream(std::move(setup));
             },
             "stream", {.websocket = true});
  Metrics metrics;
  ServerOptions options;
  options.threads = 2;
  options.access_log = false;
  Server server(options, router, metrics);
  server.start();
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), server.port());

  // The clients share this process (one thread): the RSS growth includes their side too, so the
  // server's share is at most that figure.
  asio::io_context clients;
  std::thread client_thread;
  const long before = rss_kb();
  const auto open_start = Clock::now();
  for (std::size_t i = 0; i < streams; ++i)
    asio::co_spawn(clients, client(endpoint), asio::detached);
  client_thread = std::thread([&clients] { clients.run(); });
  const auto opened = [&channels] {
    std::lock_guard lock(channels.mutex);
    return channels.open.size();
  };
  while (opened() < streams && seconds_since(open_start) < 120)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double open_seconds = seconds_since(open_start);
  const long after = rss_kb();
  std::printf("streams open:            %s (in %s s)\n", thousands(metrics.open_streams()).c_str(),
              fixed(open_seconds, 2).c_str());
  std::printf("RSS growth per stream:   %s KiB (server and client sides together)\n",
              fixed(static_cast<double>(after - before) / static_cast<double>(streams), 1).c_str());

  std::vector<std::shared_ptr<StreamChannel>> targets;
  {
    std::lock_guard lock(channels.mutex);
    targets = channels.open;
  }
  const std::string event =
      R"({"stream":["public"],"event":"update","payload":"{\"id\":\"1\",\"content\":\"<p>)" +
      std::string(400, 'x') + R"(</p>\"}"})";
  const std::size_t expected = targets.size() * events;
  const auto fan_start = Clock::now();
  std::size_t refused = 0;
  for (std::size_t e = 0; e < events; ++e)
    for (auto& channel : targets)
      refused += channel->send(event) ? 0 : 1;
  const double enqueue_seconds = seconds_since(fan_start);
  while (received.load() + refused < expected && seconds_since(fan_start) < 120)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double fan_seconds = seconds_since(fan_start);
  std::printf("events:                  %s to each stream (%s B each), %s refused\n",
              thousands(static_cast<double>(events)).c_str(),
              thousands(static_cast<double>(event.size())).c_str(),
              thousands(static_cast<double>(refused)).c_str());
  std::printf("enqueue (send):          %s messages/s\n",
              thousands(static_cast<double>(expected) / enqueue_seconds).c_str());
  std::printf("delivered:               %s of %s messages in %s s = %s messages/s\n",
              thousands(static_cast<double>(received.load())).c_str(),
              thousands(static_cast<double>(expected)).c_str(), fixed(fan_seconds, 2).c_str(),
              thousands(static_cast<double>(received.load()) / fan_seconds).c_str());
  std::printf("                         = %s events/s fanned out to %s streams\n",
              fixed(static_cast<double>(received.load()) / fan_seconds /
                        static_cast<double>(targets.size()),
                    1)
                  .c_str(),
              thousands(static_cast<double>(targets.size())).c_str());
  for (auto& channel : targets)
    channel->close();
  server.stop();
  server.wait();
  clients.stop();
  client_thread.join();
  return 0;
}
