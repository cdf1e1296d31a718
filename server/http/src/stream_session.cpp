#include "stream_session.hpp"

#include <deque>
#include <mutex>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace guildhall::server::http::detail {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using namespace boost::asio::experimental::awaitable_operators;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// A write the client does not take within this long (its receive window stays full) ends the
// stream.
constexpr auto kWriteTimeout = std::chrono::seconds(30);
// WebSocket messages from clients are subscribe/unsubscribe commands: small.
constexpr std::size_t kMaxClientMessage = 64 * 1024;
// The WebSocket writer waits this long for work when idle (Beast sends the pings itself).
constexpr auto kIdleWait = std::chrono::hours(1);

// The queue between any thread that sends and the connection's writer (on its strand).
class Channel final : public StreamChannel, public std::enable_shared_from_this<Channel> {
 public:
  Channel(Transport transport, asio::any_io_executor strand, StreamLimits limits)
      : transport_(transport), strand_(std::move(strand)), limits_(limits), wake_(strand_) {}

  Transport transport() const override { return transport_; }

  bool send(std::string text) override {
    bool accepted = false;
    {
      std::lock_guard lock(mutex_);
      if (closing_)
        return false;
      if (queue_.size() >= limits_.max_queued_messages ||
          queued_bytes_ + text.size() > limits_.max_queued_bytes) {
        closing_ = true;  // the consumer is too slow: disconnect rather than buffer without end
        reason_ = "too slow";
      } else {
        queued_bytes_ += text.size();
        queue_.push_back(std::move(text));
        accepted = true;
      }
    }
    wake();
    return accepted;
  }

  void close(std::string_view reason) override {
    {
      std::lock_guard lock(mutex_);
      if (closing_)
        return;
      closing_ = true;
      reason_ = std::string(reason);
    }
    wake();
  }

  bool is_open() const override {
    std::lock_guard lock(mutex_);
    return !closing_;
  }

  struct Batch {
    std::deque<std::string> messages;
    bool closing = false;
    std::string reason;
  };
  // Strand only: what to write next.
  Batch take() {
    std::lock_guard lock(mutex_);
    Batch batch{std::move(queue_), closing_, reason_};
    queue_.clear();
    queued_bytes_ = 0;
    return batch;
  }
  asio::steady_timer& wake_timer() { return wake_; }

 private:
  // The writer waits on the timer; cancelling it on the strand wakes it. The writer looks at the
  // queue on the strand right before waiting, so no wake-up is lost.
  void wake() {
    asio::post(strand_, [self = shared_from_this()] { self->wake_.cancel(); });
  }

  const Transport transport_;
  const asio::any_io_executor strand_;
  const StreamLimits limits_;
  asio::steady_timer wake_;
  mutable std::mutex mutex_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool closing_ = false;
  std::string reason_;
};

// Writes what the channel queues until it closes or a write fails; Sink::write(text) and
// Sink::heartbeat() return whether the client took it. Returns the close reason.
template <typename Sink>
asio::awaitable<std::string> pump(Channel& channel, Sink& sink,
                                  std::chrono::steady_clock::duration idle) {
  for (;;) {
    auto batch = channel.take();
    if (batch.closing)
      co_return batch.reason;
    if (batch.messages.empty()) {
      auto& timer = channel.wake_timer();
      timer.expires_after(idle);
      auto [ec] = co_await timer.async_wait(kTuple);
      if (!ec && !co_await sink.heartbeat()) {
        channel.close({});
        co_return std::string();
      }
      continue;
    }
    for (auto& message : batch.messages) {
      if (!co_await sink.write(message)) {
        channel.close({});
        co_return std::string();
      }
    }
  }
}

struct EventStreamSink {
  beast::tcp_stream& stream;
  bool chunked;
  const std::string& heartbeat_text;

  asio::awaitable<bool> write(const std::string& text) {
    if (text.empty())
      co_return true;  // an empty chunk would end the response
    stream.expires_after(kWriteTimeout);
    boost::system::error_code ec;
    if (chunked) {
      std::tie(ec, std::ignore) =
          co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(text)), kTuple);
    } else {
      std::tie(ec, std::ignore) = co_await asio::async_write(stream, asio::buffer(text), kTuple);
    }
    stream.expires_never();
    co_return !ec;
  }
  asio::awaitable<bool> heartbeat() { co_return co_await write(heartbeat_text); }
};

struct WebSocketSink {
  websocket::stream<beast::tcp_stream>& ws;

  asio::awaitable<bool> write(const std::string& text) {
    ws.text(true);
    auto [ec, n] = co_await ws.async_write(asio::buffer(text), kTuple);
    (void)n;
    co_return !ec;
  }
  asio::awaitable<bool> heartbeat() { co_return true; }  // Beast pings on its own
};

// The client's side: anything it sends on an event stream is ignored; the read ends when it goes.
asio::awaitable<void> watch_event_stream_client(beast::tcp_stream& stream, Channel& channel) {
  beast::flat_buffer discard;
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(discard.prepare(4096), kTuple);
    if (ec)
      break;
    discard.consume(n);
  }
  channel.close({});
}

asio::awaitable<void> write_event_stream(beast::tcp_stream& stream, Channel& channel,
                                         EventStreamSink& sink,
                                         std::chrono::milliseconds interval) {
  co_await pump(channel, sink, interval);
  if (sink.chunked) {
    stream.expires_after(kWriteTimeout);
    co_await asio::async_write(stream, bhttp::make_chunk_last(), kTuple);
  }
  boost::system::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream.socket().close(ec);
}

asio::awaitable<void> read_websocket(websocket::stream<beast::tcp_stream>& ws, Channel& channel,
                                     StreamSetup& setup) {
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, kTuple);
    (void)n;
    if (ec)
      break;
    if (ws.got_text() && setup.on_message)
      setup.on_message(channel, beast::buffers_to_string(buffer.data()));
    buffer.consume(buffer.size());
  }
  channel.close({});
}

asio::awaitable<void> write_websocket(websocket::stream<beast::tcp_stream>& ws, Channel& channel) {
  WebSocketSink sink{ws};
  const std::string reason = co_await pump(channel, sink, kIdleWait);
  if (ws.is_open()) {
    websocket::close_reason why(reason.empty() ? websocket::close_code::normal
                                               : websocket::close_code::policy_error);
    why.reason = reason.substr(0, 120);  // a close frame's payload is at most 125 bytes
    co_await ws.async_close(why, kTuple);
  }
  boost::system::error_code ec;
  beast::get_lowest_layer(ws).socket().close(ec);
}

void notify_closed(StreamSetup& setup, Channel& channel) {
  channel.close({});
  if (setup.on_close)
    setup.on_close(channel);
}

}  // namespace

asio::awaitable<void> serve_event_stream(beast::tcp_stream& stream, Response res, unsigned version,
                                         std::string_view server_header,
                                         std::string_view request_id) {
  StreamSetup& setup = *res.streaming;
  auto channel = std::make_shared<Channel>(StreamChannel::Transport::event_stream,
                                           stream.get_executor(), setup.limits);
  bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), version};
  for (auto& [name, value] : res.headers)
    head.insert(name, value);
  head.set(bhttp::field::server, server_header);
  head.set("X-Request-Id", request_id);
  const bool chunked = version >= 11;
  if (chunked)
    head.chunked(true);
  head.keep_alive(false);
  // Registered before the client can see the stream open, so nothing that happens after it saw
  // the headers (a revocation, a post) is missed; what is sent meanwhile waits in the queue.
  if (setup.on_open)
    setup.on_open(channel);
  bhttp::response_serializer<bhttp::empty_body> serializer{head};
  stream.expires_after(kWriteTimeout);
  auto [ec, n] = co_await bhttp::async_write_header(stream, serializer, kTuple);
  (void)n;
  stream.expires_never();
  if (ec) {
    notify_closed(setup, *channel);
    co_return;
  }
  EventStreamSink sink{stream, chunked, setup.heartbeat};
  if (!setup.prelude.empty() && !co_await sink.write(setup.prelude)) {
    notify_closed(setup, *channel);
    co_return;
  }
  co_await (watch_event_stream_client(stream, *channel) &&
            write_event_stream(stream, *channel, sink, setup.heartbeat_interval));
  notify_closed(setup, *channel);
}

asio::awaitable<void> serve_websocket(beast::tcp_stream stream, const BeastRequest& request,
                                      StreamSetup& setup, std::string server_header,
                                      beast::tcp_stream*& slot) {
  stream.expires_never();  // the WebSocket has its own timeouts
  websocket::stream<beast::tcp_stream> ws(std::move(stream));
  slot = &beast::get_lowest_layer(ws);
  struct Detach {
    beast::tcp_stream*& slot;
    ~Detach() { slot = nullptr; }
  } detach{slot};

  auto channel = std::make_shared<Channel>(StreamChannel::Transport::websocket, ws.get_executor(),
                                           setup.limits);
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = kWriteTimeout;
  timeouts.idle_timeout = 2 * setup.heartbeat_interval;  // a ping after half of it
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.read_message_max(kMaxClientMessage);
  ws.set_option(
      websocket::stream_base::decorator([&server_header, &setup](websocket::response_type& res) {
        res.set(bhttp::field::server, server_header);
        if (!setup.subprotocol.empty())
          res.set(bhttp::field::sec_websocket_protocol, setup.subprotocol);
      }));
  // Registered before the 101 goes out (as for event streams above).
  if (setup.on_open)
    setup.on_open(channel);
  auto [ec] = co_await ws.async_accept(request, kTuple);
  if (ec) {
    notify_closed(setup, *channel);
    co_return;
  }
  co_await (read_websocket(ws, *channel, setup) && write_websocket(ws, *channel));
  notify_closed(setup, *channel);
}

}  // namespace guildhall::server::http::detail
