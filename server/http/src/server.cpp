#include "guildhall/server/http/server.hpp"

#include <atomic>
#include <chrono>
#include <ctime>
#include <future>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "guildhall/core/random.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/server/http/metrics.hpp"
#include "guildhall/server/http/native.hpp"
#include "guildhall/server/http/router.hpp"
#include "guildhall/server/http/stream.hpp"

#include "stream_session.hpp"

#ifndef GUILDHALL_VERSION
#define GUILDHALL_VERSION "0"
#endif

namespace guildhall::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::size_t kMaxRequestIdLength = 64;
// After an error response on a connection we stop reading, drain what the peer is still sending
// for a moment so that closing does not reset the connection before it has read our answer.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;
// After drain_timeout, connections are force-closed; this is how long their coroutines get to
// notice before the io_context is stopped under them.
constexpr auto kForceCloseGrace = std::chrono::seconds(1);

// Touched only on the connection's strand, except `stream`'s identity which stop() reads there too.
struct ConnectionState {
  asio::any_io_executor executor;  // the connection's strand
  beast::tcp_stream* stream = nullptr;
  bool idle = false;  // waiting for a request (or streaming): stop() may close it
};

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength)
    return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return false;
  }
  return true;
}

// 64 random bits as 16 hex digits; per-thread xorshift seeded once from the OS (a syscall per
// request would cost more than the rest of the id handling together).
std::string generate_request_id() {
  thread_local std::uint64_t state = [] {
    std::uint64_t seed = 0;
    while (seed == 0)
      core::random_bytes(&seed, sizeof seed);
    return seed;
  }();
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  std::uint64_t v = state * 0x2545F4914F6CDD1DULL;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4)
    out[static_cast<std::size_t>(i)] = kHex[v & 0xf];
  return out;
}

// IMF-fixdate, formatted once per second per thread.
std::string_view http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local char buf[40];
  thread_local std::size_t len = 0;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&now, &tm);
    int n = std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                          tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                          tm.tm_sec);
    len = n > 0 ? static_cast<std::size_t>(n) : 0;
    cached_second = now;
  }
  return {buf, len};
}

// Metrics label for the method: known verbs only, arbitrary tokens would be unbounded cardinality.
std::string_view method_label(bhttp::verb v) {
  if (v == bhttp::verb::unknown)
    return "OTHER";
  auto s = bhttp::to_string(v);
  return {s.data(), s.size()};
}

// The path as received (still percent-encoded), for the access log: no query (it can carry
// tokens) and no decoded control characters.
std::string_view log_path(std::string_view target) {
  return target.substr(0, std::min(target.find('?'), std::size_t{256}));
}

bool is_http_error(const boost::system::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

// The status to answer a failed read with, 0 to just close.
int status_for_read_error(const boost::system::error_code& ec) {
  if (ec == bhttp::error::header_limit)
    return 431;
  if (ec == bhttp::error::body_limit)
    return 413;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message)
    return 0;
  if (is_http_error(ec))
    return 400;
  return 0;  // timeout (the stream closed the socket), reset, aborted
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(ServerOptions o, const Router& r, Metrics& m)
      : options(std::move(o)),
        router(r),
        metrics(m),
        ioc(static_cast<int>(thread_count(options))),
        strand(asio::make_strand(ioc)),
        acceptor(strand),
        drain_timer(strand),
        server_header("Guildhall/" GUILDHALL_VERSION) {}

  static unsigned thread_count(const ServerOptions& o) {
    if (o.threads > 0)
      return o.threads;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  ServerOptions options;
  const Router& router;
  Metrics& metrics;
  asio::io_context ioc;
  asio::strand<asio::io_context::executor_type> strand;  // acceptor, drain timer, signals
  tcp::acceptor acceptor;
  asio::steady_timer drain_timer;
  std::optional<asio::signal_set> signals;
  std::string server_header;
  std::uint16_t bound_port = 0;
  std::vector<std::thread> threads;
  std::mutex lifecycle_mutex;  // started/joined
  bool started = false;
  bool joined = false;
  std::atomic<bool> stopping{false};
  bool forced = false;  // strand only

  std::mutex connections_mutex;
  std::list<std::shared_ptr<ConnectionState>> connections;

  void start(bool if_needed);
  void stop();
  void wait();
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(beast::tcp_stream stream, std::shared_ptr<ConnectionState> state);
  asio::awaitable<bool> write(beast::tcp_stream& stream, Response res, unsigned version,
                              bool keep_alive, std::string_view request_id);
  asio::awaitable<void> linger_close(beast::tcp_stream& stream, beast::flat_buffer& buffer);
  void finish(const std::shared_ptr<ConnectionState>& state);
  void log_access(std::string_view method, std::string_view route, std::string_view target,
                  int status, std::size_t bytes, Clock::duration elapsed,
                  std::string_view request_id, std::string_view remote);
  // Closes connections from their own strands; all of them, or only the idle ones.
  void close_connections(bool only_idle);
};

void Server::Impl::start(bool if_needed) {
  std::lock_guard lock(lifecycle_mutex);
  if (started && if_needed)
    return;
  if (started)
    throw std::logic_error("Server::start called twice");
  const auto address = asio::ip::make_address(options.address);
  const tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  bound_port = acceptor.local_endpoint().port();

  asio::co_spawn(strand, accept_loop(), [](std::exception_ptr e) {
    if (!e)
      return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("http: accept loop failed: {}", ex.what());
    }
  });
  const unsigned n = thread_count(options);
  threads.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    threads.emplace_back([this] {
      // A throwing handler is a bug, not a reason to lose an I/O thread.
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http: exception escaped the io_context: {}", e.what());
        }
      }
    });
  }
  started = true;
}

asio::awaitable<void> Server::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
    if (stopping.load())
      co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open())
        co_return;
      // EMFILE and friends: back off instead of spinning.
      spdlog::warn("http: accept failed: {}", ec.message());
      asio::steady_timer pause(strand, std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    auto state = std::make_shared<ConnectionState>();
    state->executor = socket.get_executor();
    {
      std::lock_guard lock(connections_mutex);
      connections.push_back(state);
    }
    metrics.connection_opened();
    auto executor = socket.get_executor();
    asio::co_spawn(executor, session(beast::tcp_stream(std::move(socket)), state),
                   [self, state](std::exception_ptr e) {
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         spdlog::error("http: connection failed: {}", ex.what());
                       } catch (...) {
                         spdlog::error("http: connection failed");
                       }
                     }
                     self->finish(state);
                   });
  }
}

asio::awaitable<void> Server::Impl::session(beast::tcp_stream stream,
                                            std::shared_ptr<ConnectionState> state) {
  state->stream = &stream;
  struct Detach {
    ConnectionState& s;
    ~Detach() {
      s.stream = nullptr;
      s.idle = false;
    }
  } detach{*state};

  std::string remote;
  {
    boost::system::error_code ec;
    auto ep = stream.socket().remote_endpoint(ec);
    if (!ec)
      remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  beast::flat_buffer buffer;
  unsigned served = 0;

  for (;;) {
    // Between requests: wait for the first byte under the idle timeout (a fresh connection gets the
    // header timeout), so that shutdown can tell idle connections from busy ones.
    if (buffer.size() == 0) {
      if (stopping.load())
        break;
      state->idle = true;
      stream.expires_after(served == 0 ? options.header_timeout : options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kReadChunk), kTuple);
      state->idle = false;
      if (ec)
        break;  // closed, idle timeout, or shutdown
      buffer.commit(n);
    }

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    // The route decides the body limit; checked by hand below once the route is known.
    parser.body_limit(boost::none);
    stream.expires_after(options.header_timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    (void)hn;
    const auto started = Clock::now();
    if (hec) {
      if (int status = status_for_read_error(hec)) {
        auto id = generate_request_id();
        const auto& msg = parser.get();
        co_await write(
            stream,
            Response::error(status, status == 431 ? "Request headers too large" : "Bad request"),
            11, false, id);
        metrics.record_request(kUnmatchedRoute, method_label(msg.method()), status,
                               Clock::now() - started);
        log_access(method_label(msg.method()), kUnmatchedRoute, "-", status, 0,
                   Clock::now() - started, id, remote);
        co_await linger_close(stream, buffer);
      }
      break;
    }

    // With a body: route first (on method and path only) to pick the body limit, refuse a
    // declared length beyond it before reading a byte, then read under that limit.
    if (!parser.is_done()) {
      std::size_t limit = options.body_limit;
      {
        auto probe = std::make_unique<NativeRequest>();
        probe->message.method(parser.get().method());
        probe->message.target(parser.get().target());
        if (auto probe_req = Request::from_native(std::move(probe))) {
          Match m = router.match(*probe_req);
          if (m.kind == Match::Kind::found && m.body_limit)
            limit = *m.body_limit;
        }
      }
      int status = 0;
      if (auto declared = parser.content_length(); declared && *declared > limit) {
        status = 413;
      } else {
        parser.body_limit(limit);
        if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
          bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, parser.get().version()};
          stream.expires_after(options.body_timeout);
          auto [cec, cn] = co_await bhttp::async_write(stream, cont, kTuple);
          (void)cn;
          if (cec)
            break;
        }
        stream.expires_after(options.body_timeout);
        auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
        (void)bn;
        if (bec) {
          status = status_for_read_error(bec);
          if (status == 0)
            break;
        }
      }
      if (status != 0) {
        auto id = generate_request_id();
        const auto& msg = parser.get();
        auto target = std::string_view(msg.target().data(), msg.target().size());
        co_await write(
            stream,
            Response::error(status, status == 413 ? "Request body too large" : "Bad request"),
            msg.version(), false, id);
        metrics.record_request(kUnmatchedRoute, method_label(msg.method()), status,
                               Clock::now() - started);
        log_access(msg.method_string(), kUnmatchedRoute, log_path(target), status, 0,
                   Clock::now() - started, id, remote);
        co_await linger_close(stream, buffer);
        break;
      }
    }

    auto native = std::make_unique<NativeRequest>();
    native->message = parser.release();
    const unsigned version = native->message.version();
    const bool wants_keep_alive = native->message.keep_alive();
    std::string target(native->message.target());
    const auto verb = native->message.method();
    std::string method(native->message.method_string());

    auto parsed = Request::from_native(std::move(native));
    std::string request_id;
    Response res;
    std::string_view route = kUnmatchedRoute;
    ++served;
    if (!parsed) {
      request_id = generate_request_id();
      res = Response::error(400, "Malformed request target");
    } else {
      Request& req = *parsed;
      if (auto incoming = req.header("X-Request-Id"); incoming && valid_request_id(*incoming))
        request_id = *incoming;
      else
        request_id = generate_request_id();
      req.set_request_id(request_id);
      req.set_remote_address(remote);
      Match m = router.match(req);
      route = m.route_name;

      struct InFlight {
        Metrics& m;
        explicit InFlight(Metrics& metrics) : m(metrics) { m.request_started(); }
        ~InFlight() { m.request_finished(); }
      } in_flight{metrics};
      try {
        res = co_await router.handle(m, req);
      } catch (const core::ErrorException& e) {
        if (e.error().kind == core::ErrorKind::internal)
          spdlog::error("http: internal error request_id={} route={}: {}", request_id, route,
                        e.error().message);
        res = Response::from_error(e.error());
      } catch (const std::exception& e) {
        spdlog::error("http: handler threw request_id={} route={}: {}", request_id, route,
                      e.what());
        res = Response::error(500, "Internal server error");
      } catch (...) {
        spdlog::error("http: handler threw request_id={} route={}: unknown exception", request_id,
                      route);
        res = Response::error(500, "Internal server error");
      }
      if (verb == bhttp::verb::head) {
        res.strip_body();
        res.streaming.reset();
      }
      if (res.streaming && options.max_streams > 0 &&
          metrics.open_streams() >= static_cast<std::int64_t>(options.max_streams))
        res = Response::error(503, "Too many open streams");
      if (res.streaming) {
        const bool upgrade = m.websocket && beast::websocket::is_upgrade(req.native().message);
        const int status = upgrade ? 101 : res.status;
        metrics.record_request(route, method_label(verb), status, Clock::now() - started);
        log_access(method, route, log_path(target), status, 0, Clock::now() - started, request_id,
                   remote);
        struct OpenStream {
          Metrics& m;
          explicit OpenStream(Metrics& metrics) : m(metrics) { m.stream_opened(); }
          ~OpenStream() { m.stream_closed(); }
        } open_stream{metrics};
        // Long-lived: shutdown closes it like an idle connection.
        state->idle = true;
        if (upgrade)
          co_await detail::serve_websocket(std::move(stream), req.native().message, *res.streaming,
                                           server_header, state->stream);
        else
          co_await detail::serve_event_stream(stream, std::move(res), version, server_header,
                                              request_id);
        co_return;
      }
    }

    const bool keep_alive =
        wants_keep_alive && !stopping.load() &&
        (options.max_requests_per_connection == 0 || served < options.max_requests_per_connection);
    const int status = res.status;
    const std::size_t bytes = res.content_length.value_or(res.body.size());
    const bool ok = co_await write(stream, std::move(res), version, keep_alive, request_id);
    const auto elapsed = Clock::now() - started;
    metrics.record_request(route, method_label(verb), status, elapsed);
    log_access(method, route, log_path(target), status, bytes, elapsed, request_id, remote);
    if (!ok)
      break;
    if (!keep_alive) {
      boost::system::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      break;
    }
  }
}

asio::awaitable<bool> Server::Impl::write(beast::tcp_stream& stream, Response res, unsigned version,
                                          bool keep_alive, std::string_view request_id) {
  bhttp::response<bhttp::string_body> out;
  out.version(version);
  out.result(static_cast<unsigned>(res.status >= 100 && res.status <= 999 ? res.status : 500));
  for (auto& [name, value] : res.headers)
    out.insert(name, value);
  out.set(bhttp::field::server, server_header);
  out.set(bhttp::field::date, http_date());
  out.set("X-Request-Id", request_id);
  const std::size_t length = res.content_length.value_or(res.body.size());
  out.body() = std::move(res.body);
  // RFC 9110: no Content-Length on 1xx and 204.
  if (res.status >= 200 && res.status != 204)
    out.content_length(length);
  out.keep_alive(keep_alive);
  stream.expires_after(options.body_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream, out, kTuple);
  (void)n;
  co_return !ec;
}

asio::awaitable<void> Server::Impl::linger_close(beast::tcp_stream& stream,
                                                 beast::flat_buffer& buffer) {
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec)
    co_return;
  stream.expires_after(kLingerTime);
  std::size_t discarded = 0;
  while (discarded < kLingerBytes) {
    buffer.clear();
    auto [rec, n] = co_await stream.async_read_some(buffer.prepare(kReadChunk), kTuple);
    if (rec)
      break;
    discarded += n;
  }
  stream.socket().close(ec);
}

void Server::Impl::log_access(std::string_view method, std::string_view route,
                              std::string_view target, int status, std::size_t bytes,
                              Clock::duration elapsed, std::string_view request_id,
                              std::string_view remote) {
  if (!options.access_log || !spdlog::should_log(spdlog::level::info))
    return;
  spdlog::info(
      "http method={} route={} path={} status={} bytes={} duration_us={} request_id={} "
      "remote={}",
      method, route, target, status, bytes,
      std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count(), request_id, remote);
}

void Server::Impl::finish(const std::shared_ptr<ConnectionState>& state) {
  metrics.connection_closed();
  bool last = false;
  {
    std::lock_guard lock(connections_mutex);
    connections.remove(state);
    last = connections.empty();
  }
  if (last && stopping.load()) {
    // Drained: cancelling the deadline leaves the io_context without work, so run() returns.
    asio::post(strand, [self = shared_from_this()] { self->drain_timer.cancel(); });
  }
}

void Server::Impl::close_connections(bool only_idle) {
  std::lock_guard lock(connections_mutex);
  for (const auto& state : connections) {
    // On the connection's strand: its stream is only touched there. A session that has not started
    // yet has no stream; it checks `stopping` before it waits for anything.
    asio::post(state->executor, [state, only_idle] {
      if (!state->stream || (only_idle && !state->idle))
        return;
      boost::system::error_code ec;
      if (only_idle)
        state->stream->socket().cancel(ec);
      else
        state->stream->socket().close(ec);
    });
  }
}

void Server::Impl::stop() {
  {
    std::lock_guard lock(lifecycle_mutex);
    if (!started || stopping.exchange(true))
      return;
  }
  asio::post(strand, [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor.close(ec);
    if (self->signals)
      self->signals->cancel();
    std::vector<std::shared_ptr<ConnectionState>> open;
    {
      std::lock_guard lock(self->connections_mutex);
      open.assign(self->connections.begin(), self->connections.end());
    }
    if (open.empty())
      return;
    spdlog::info("http: draining {} connection(s)", open.size());
    self->close_connections(true);
    self->drain_timer.expires_after(self->options.drain_timeout);
    self->drain_timer.async_wait([self](boost::system::error_code ec) {
      if (ec)
        return;  // drained in time
      spdlog::warn("http: drain deadline reached, closing remaining connections");
      self->close_connections(false);
      self->drain_timer.expires_after(kForceCloseGrace);
      self->drain_timer.async_wait([self](boost::system::error_code ec) {
        if (!ec)
          self->ioc.stop();
      });
    });
  });
}

void Server::Impl::wait() {
  std::vector<std::thread> to_join;
  {
    std::lock_guard lock(lifecycle_mutex);
    if (joined)
      return;
    joined = true;
    to_join.swap(threads);
  }
  for (auto& t : to_join)
    t.join();
}

Server::Server(ServerOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_shared<Impl>(std::move(options), router, metrics)) {}

Server::~Server() {
  stop();
  wait();
}

void Server::start() {
  impl_->start(false);
}
std::uint16_t Server::port() const {
  return impl_->bound_port;
}
std::string Server::url() const {
  const bool v6 = impl_->options.address.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + impl_->options.address + "]" : impl_->options.address) + ":" +
         std::to_string(impl_->bound_port);
}
boost::asio::any_io_executor Server::executor() {
  return impl_->ioc.get_executor();
}
void Server::stop() {
  impl_->stop();
}
void Server::wait() {
  impl_->wait();
}

void Server::run_until_signal() {
  impl_->start(/*if_needed=*/true);
  // Install the handlers on the strand (stop() cancels them there) and wait until they are in
  // place, so a signal that arrives from now on is never lost to the default action.
  std::promise<void> installed;
  asio::post(impl_->strand, [self = impl_, &installed] {
    if (!self->stopping.load()) {
      self->signals.emplace(self->strand, SIGINT, SIGTERM);
      self->signals->async_wait([self](boost::system::error_code ec, int signal) {
        if (ec)
          return;
        spdlog::info("http: signal {}, shutting down", signal);
        self->stop();
      });
    }
    installed.set_value();
  });
  installed.get_future().wait();
  impl_->wait();
}

}  // namespace guildhall::server::http
