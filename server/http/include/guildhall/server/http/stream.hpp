#pragma once

// Long-lived streamed responses: a route answers Response::stream(setup) and the session keeps the
// connection open as a WebSocket (when the request was an upgrade on a route registered with
// RouteOptions::websocket) or as server-sent events (`text/event-stream`, chunked). The route never
// touches Beast: it gets a StreamChannel to send text on, from any thread.
//
//   return http::Response::stream({.on_open = [hub](auto channel) { hub->add(channel); },
//                                  .on_close = [hub](auto& channel) { hub->remove(channel); }});
//
// Each channel has a bounded send queue: a consumer that falls behind by more than the limits is
// disconnected (slow-consumer policy) rather than buffered without end. ServerOptions::max_streams
// bounds how many are open at once (beyond: 503).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace guildhall::server::http {

// One open stream to a client. Thread-safe.
class StreamChannel {
 public:
  enum class Transport { websocket, event_stream };
  virtual ~StreamChannel() = default;

  virtual Transport transport() const = 0;
  // Queues `text`: one WebSocket text message, or raw bytes of the event stream (the caller
  // formats "event: …\ndata: …\n\n"). false when the channel is closed, or when the queue is full,
  // in which case the channel closes: the consumer is too slow.
  virtual bool send(std::string text) = 0;
  // Ends the stream (WebSocket: a close frame with `reason`). Idempotent.
  virtual void close(std::string_view reason = {}) = 0;
  virtual bool is_open() const = 0;
};

struct StreamLimits {
  std::size_t max_queued_messages = 1024;
  std::size_t max_queued_bytes = 4 * 1024 * 1024;
};

struct StreamSetup {
  // On the connection's strand right before the stream opens (before the 101, or the event
  // stream's headers), so the client never sees a stream that is not registered yet. Keep the
  // channel to send on it; what is sent before the stream opened waits in its queue.
  std::function<void(const std::shared_ptr<StreamChannel>&)> on_open{};
  // WebSocket text messages from the client, on the connection's strand.
  std::function<void(StreamChannel&, std::string_view)> on_message{};
  // Once, when the stream has ended for any reason (also when it never opened).
  std::function<void(StreamChannel&)> on_close{};
  // WebSocket: the subprotocol to echo in Sec-WebSocket-Protocol (clients that send their token
  // there abort without it).
  std::string subprotocol{};
  // Event stream: written first, and again whenever nothing was sent for heartbeat_interval.
  std::string prelude{};
  std::string heartbeat{};
  // Event stream: heartbeats; WebSocket: a ping when the client was silent this long (and a close
  // when it stays silent as long again).
  std::chrono::milliseconds heartbeat_interval{15'000};
  StreamLimits limits{};
};

}  // namespace guildhall::server::http
