#include "guildhall/federation/egress/client.hpp"

#include <algorithm>
#include <exception>
#include <set>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/ssl.h>

#include "guildhall/federation/egress/address.hpp"

#include "connection.hpp"

#ifndef GUILDHALL_EGRESS_VERSION
#define GUILDHALL_EGRESS_VERSION "0.0.0"
#endif

namespace guildhall::federation::egress {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using detail::Clock;
using detail::Connection;

std::string user_agent_for(std::string_view our_domain) {
  return "Guildhall/" GUILDHALL_EGRESS_VERSION " (+https://" + std::string(our_domain) + ")";
}

std::string_view to_string(Method method) noexcept {
  switch (method) {
    case Method::get:
      return "GET";
    case Method::head:
      return "HEAD";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::delete_:
      return "DELETE";
  }
  return "GET";
}

Disposition classify(int status) noexcept {
  if (status >= 200 && status < 300)
    return Disposition::success;
  if (status == 401 || status == 408 || status == 429)
    return Disposition::transient;
  if ((status >= 400 && status < 500) || status == 501)
    return Disposition::permanent;
  return Disposition::transient;
}

Disposition classify(const core::Error& error) noexcept {
  return error.kind == core::ErrorKind::unavailable ? Disposition::transient
                                                    : Disposition::permanent;
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string_view> EgressResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name))
      return v;
  }
  return std::nullopt;
}

namespace {

http::verb to_verb(Method m) {
  switch (m) {
    case Method::get:
      return http::verb::get;
    case Method::head:
      return http::verb::head;
    case Method::post:
      return http::verb::post;
    case Method::put:
      return http::verb::put;
    case Method::patch:
      return http::verb::patch;
    case Method::delete_:
      return http::verb::delete_;
  }
  return http::verb::get;
}

// Safe to send twice: a request on a connection the peer had already closed is retried once.
bool idempotent(Method m) {
  return m != Method::post && m != Method::patch;
}

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

core::Result<void> check_header(std::string_view name, std::string_view value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char))
    return core::Error::invalid_input("bad header name");
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0')
      return core::Error::invalid_input("bad header value for " + std::string(name));
  }
  return {};
}

// Headers only the client decides.
bool reserved_header(std::string_view name) {
  for (std::string_view r :
       {"host", "content-length", "transfer-encoding", "connection", "keep-alive",
        "proxy-connection", "te", "upgrade", "accept-encoding", "trailer", "expect"}) {
    if (iequals(name, r))
      return true;
  }
  return false;
}

// Credentials do not follow a redirect to another origin.
bool credential_header(std::string_view name) {
  return iequals(name, "authorization") || iequals(name, "cookie") ||
         iequals(name, "proxy-authorization");
}

bool name_matches(std::string_view host, std::string_view domain) {
  if (host == domain)
    return true;
  return host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

// Names that only mean something inside a network (catalogue 2.5 "Names").
std::optional<std::string_view> private_name(std::string_view host) {
  if (host.find('.') == std::string_view::npos)
    return "single-label name";
  for (std::string_view d : {"localhost", "local", "internal", "onion", "home.arpa", "lan"}) {
    if (name_matches(host, d))
      return d;
  }
  return std::nullopt;
}

std::string endpoint_string(const Endpoint& e) {
  return e.address.is_v6() ? "[" + e.address.to_string() + "]:" + std::to_string(e.port)
                           : e.address.to_string() + ":" + std::to_string(e.port);
}

Clock::time_point phase_deadline(Clock::time_point total, std::chrono::milliseconds phase) {
  return std::min(total, Clock::now() + phase);
}

struct Limits {
  std::size_t max_body;
  std::size_t max_header;
  std::chrono::milliseconds connect_timeout;
  std::chrono::milliseconds tls_timeout;
  std::chrono::milliseconds idle_timeout;
  Clock::time_point deadline;
};

// The outcome of one request/response exchange on one connection.
struct Exchange {
  std::optional<core::Error> error;
  bool connect_failed = false;  // try the next address
  bool stale = false;           // reused connection closed before any response byte
  bool nothing_written = false;
  bool keep_alive = false;
  int status = 0;
  Headers headers;
  std::string body;
};

core::Error timeout_error(const Limits& limits, std::string_view phase, std::string_view where) {
  const bool total = Clock::now() >= limits.deadline;
  return core::Error::unavailable(std::string(total ? "timeout (total deadline)" : "timeout") +
                                  " during " + std::string(phase) + ": " + std::string(where));
}

core::Error read_error(const beast::error_code& ec, const Limits& limits, std::string_view where) {
  if (ec == http::error::body_limit)
    return core::Error::too_large("response body larger than " + std::to_string(limits.max_body) +
                                  " bytes: " + std::string(where));
  if (ec == http::error::header_limit)
    return core::Error::too_large("response headers too large: " + std::string(where));
  if (ec == beast::error::timeout)
    return timeout_error(limits, "read", where);
  return core::Error::unavailable("reading response from " + std::string(where) +
                                  " failed: " + ec.message());
}

template <typename Stream>
asio::awaitable<void> exchange_on(Stream& stream, Connection& c,
                                  const http::request<http::string_body>& request,
                                  const Limits& limits, bool reused, std::string_view where,
                                  Exchange& out) {
  beast::error_code ec;
  c.tcp().expires_at(phase_deadline(limits.deadline, limits.idle_timeout));
  const std::size_t written =
      co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    out.nothing_written = written == 0;
    out.stale = reused;
    out.error = ec == beast::error::timeout
                    ? timeout_error(limits, "write", where)
                    : core::Error::unavailable("sending request to " + std::string(where) +
                                               " failed: " + ec.message());
    co_return;
  }

  // Interim 1xx responses (103 Early Hints) precede the real one; a few at most.
  for (int interim = 0; interim < 4; ++interim) {
    http::response_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header));
    parser.body_limit(limits.max_body);
    if (request.method() == http::verb::head)
      parser.skip(true);
    bool header_checked = false;
    while (!parser.is_done()) {
      // Per read, so a peer dripping one byte at a time meets the idle timeout and the deadline.
      c.tcp().expires_at(phase_deadline(limits.deadline, limits.idle_timeout));
      co_await http::async_read_some(stream, c.buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (interim == 0 && !parser.got_some() &&
            (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
             ec == asio::error::eof || ec == asio::ssl::error::stream_truncated))
          out.stale = reused;
        out.error = read_error(ec, limits, where);
        co_return;
      }
      if (!header_checked && parser.is_header_done()) {
        header_checked = true;
        // We asked for identity; a compressed body would have to be inflated without a bound.
        const auto encoding = parser.get()[http::field::content_encoding];
        if (!encoding.empty() && !iequals(encoding, "identity")) {
          out.error = core::Error::invalid_input(
              "compressed response (Content-Encoding: " + std::string(encoding) +
              ") refused: " + std::string(where));
          co_return;
        }
      }
    }
    auto& message = parser.get();
    const int status = static_cast<int>(message.result_int());
    if (status >= 100 && status < 200 && status != 101)
      continue;
    out.status = status;
    for (const auto& field : message)
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    out.keep_alive =
        message.keep_alive() && !parser.need_eof() && status != 101 && c.buffer.size() == 0;
    out.body = std::move(message.body());
    co_return;
  }
  out.error = core::Error::unavailable("too many interim responses from " + std::string(where));
}

}  // namespace

struct EgressClient::Impl : std::enable_shared_from_this<EgressClient::Impl> {
  Impl(asio::any_io_executor ex, EgressOptions opts, std::shared_ptr<Resolver> r)
      : executor(std::move(ex)),
        options(std::move(opts)),
        resolver(r ? std::move(r) : std::make_shared<SystemResolver>()),
        tls(asio::ssl::context::tls_client),
        counters(std::make_shared<detail::Counters>()),
        pool(options.max_idle_per_host, options.max_idle_total, options.idle_expiry) {
    if (options.user_agent.empty())
      options.user_agent = "Guildhall/" GUILDHALL_EGRESS_VERSION;
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1);
    tls.set_default_verify_paths();
    if (!options.extra_ca_pem.empty()) {
      boost::system::error_code ec;
      tls.add_certificate_authority(
          asio::buffer(options.extra_ca_pem.data(), options.extra_ca_pem.size()), ec);
      if (ec)
        throw std::invalid_argument("egress: extra_ca_pem is not a PEM certificate: " +
                                    ec.message());
    }
    tls.set_verify_mode(asio::ssl::verify_peer);
  }

  asio::awaitable<core::Result<EgressResponse>> run(EgressRequest request);
  core::Result<void> check_policy(const Url& url) const;
  asio::awaitable<core::Result<std::vector<Endpoint>>> endpoints_for(const Url& url,
                                                                     const Limits& limits);
  asio::awaitable<Exchange> send(const Url& url, const http::request<http::string_body>& message,
                                 Method method, const Limits& limits, bool& reused);

  asio::any_io_executor executor;
  EgressOptions options;
  std::shared_ptr<Resolver> resolver;
  asio::ssl::context tls;
  std::shared_ptr<detail::Counters> counters;
  detail::Pool pool;
};

core::Result<void> EgressClient::Impl::check_policy(const Url& url) const {
  if (!url.https && !options.allow_http)
    return core::Error::forbidden("plain http refused: " + url.origin());
  if (!options.allow_any_port && !url.default_port())
    return core::Error::forbidden("port " + std::to_string(url.port) + " refused: " + url.origin());
  if (!url.literal) {
    for (const auto& d : options.denied_hosts) {
      if (name_matches(url.host, d))
        return core::Error::forbidden("host refused: " + url.host);
    }
    if (!options.allow_private_addresses) {
      if (auto why = private_name(url.host))
        return core::Error::forbidden("host refused (" + std::string(*why) + "): " + url.host);
    }
  }
  return {};
}

asio::awaitable<core::Result<std::vector<Endpoint>>> EgressClient::Impl::endpoints_for(
    const Url& url, const Limits& limits) {
  std::vector<Endpoint> endpoints;
  if (url.literal) {
    endpoints.push_back({*url.literal, url.port});
  } else {
    auto resolved = co_await resolver->resolve(
        url.host, url.port, phase_deadline(limits.deadline, limits.connect_timeout));
    if (!resolved)
      co_return std::move(resolved).error();
    endpoints = std::move(*resolved);
  }
  if (!options.allow_private_addresses) {
    // One denied answer refuses the host (SSRF-03): a name that points inside our network at all is
    // not a peer, and trying the "good" answers first would still leak timing.
    for (const auto& e : endpoints) {
      if (auto range = denied_range(e.address)) {
        co_return core::Error::forbidden("address refused (" + std::string(*range) +
                                         "): " + url.host + " -> " + e.address.to_string());
      }
    }
  }
  co_return endpoints;
}

asio::awaitable<Exchange> EgressClient::Impl::send(const Url& url,
                                                   const http::request<http::string_body>& message,
                                                   Method method, const Limits& limits,
                                                   bool& reused) {
  const std::string authority = url.host + ":" + std::to_string(url.port);
  const std::string where = url.origin();
  // Connections are pooled by scheme, host and port. Each was made to an address checked when it
  // was opened, so reusing one needs no new lookup (and a rebinding answer cannot redirect it);
  // the certificate was verified for this host.
  const std::string key = std::string(url.scheme()) + "://" + authority;
  auto finish = [&](std::unique_ptr<Connection> c, const Exchange& ex) {
    if (!ex.error && ex.keep_alive)
      pool.put(std::move(c));
  };

  if (auto c = pool.take(key)) {
    Exchange ex;
    co_await asio::co_spawn(
        c->strand,
        [&]() -> asio::awaitable<void> {
          if (c->tls)
            co_await exchange_on(*c->tls, *c, message, limits, true, where, ex);
          else
            co_await exchange_on(*c->plain, *c, message, limits, true, where, ex);
        },
        asio::use_awaitable);
    if (!ex.error) {
      reused = true;
      counters->reused();
      finish(std::move(c), ex);
      co_return ex;
    }
    if (!ex.stale)
      co_return ex;
    // The peer closed the idle connection as we used it. Sending again is safe when the request
    // is idempotent or never left us; a POST that may have arrived is the delivery queue's call.
    if (!idempotent(method) && !ex.nothing_written) {
      ex.error =
          core::Error::unavailable("connection to " + where +
                                   " closed before a response; the request may have been received");
      co_return ex;
    }
  }

  auto endpoints = co_await endpoints_for(url, limits);
  if (!endpoints) {
    Exchange failed;
    failed.error = std::move(endpoints).error();
    co_return failed;
  }
  Exchange last;
  for (const auto& e : *endpoints) {
    if (Clock::now() >= limits.deadline)
      break;
    auto c = std::make_unique<Connection>(asio::make_strand(executor), key, authority, counters,
                                          url.https ? &tls : nullptr);
    const Endpoint target = resolver->route(e);
    Exchange ex;
    co_await asio::co_spawn(
        c->strand,
        [&]() -> asio::awaitable<void> {
          beast::error_code ec;
          const std::string shown = where + " (" + endpoint_string(e) + ")";
          c->tcp().expires_at(phase_deadline(limits.deadline, limits.connect_timeout));
          co_await c->tcp().async_connect(asio::ip::tcp::endpoint(target.address, target.port),
                                          asio::redirect_error(asio::use_awaitable, ec));
          if (ec) {
            ex.connect_failed = true;
            ex.error =
                ec == beast::error::timeout
                    ? timeout_error(limits, "connect", shown)
                    : core::Error::unavailable("connect to " + shown + " failed: " + ec.message());
            co_return;
          }
          if (c->tls) {
            // SNI for names only (RFC 6066 forbids literals); the certificate must match the host
            // we checked, never the routed address.
            if (!url.literal)
              SSL_set_tlsext_host_name(c->tls->native_handle(), url.host.c_str());
            c->tls->set_verify_callback(asio::ssl::host_name_verification(url.host));
            c->tcp().expires_at(phase_deadline(limits.deadline, limits.tls_timeout));
            co_await c->tls->async_handshake(asio::ssl::stream_base::client,
                                             asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
              ex.error = ec == beast::error::timeout
                             ? timeout_error(limits, "tls handshake", shown)
                             : core::Error::unavailable("tls handshake with " + shown +
                                                        " failed: " + ec.message());
              co_return;
            }
            co_await exchange_on(*c->tls, *c, message, limits, false, where, ex);
          } else {
            co_await exchange_on(*c->plain, *c, message, limits, false, where, ex);
          }
        },
        asio::use_awaitable);
    if (ex.error && ex.connect_failed) {
      last = std::move(ex);
      continue;
    }
    finish(std::move(c), ex);
    co_return ex;
  }
  if (!last.error)
    last.error = core::Error::unavailable("timeout (total deadline) before connecting: " + where);
  co_return last;
}

asio::awaitable<core::Result<EgressResponse>> EgressClient::Impl::run(EgressRequest request) {
  const auto total = request.total_timeout.value_or(options.total_timeout);
  const Limits limits{request.max_body.value_or(options.max_body),
                      options.max_header,
                      options.connect_timeout,
                      options.tls_timeout,
                      options.idle_timeout,
                      Clock::now() + total};

  for (const auto& [name, value] : request.headers) {
    if (auto ok = check_header(name, value); !ok)
      co_return std::move(ok).error();
  }
  auto parsed = parse_url(request.url);
  if (!parsed)
    co_return std::move(parsed).error();
  Url url = std::move(*parsed);
  const std::string first_origin = url.origin();

  Method method = request.method;
  const bool follow = request.follow_redirects && (method == Method::get || method == Method::head);
  std::set<std::string> visited{url.str()};

  for (unsigned hop = 0;; ++hop) {
    if (auto ok = check_policy(url); !ok)
      co_return std::move(ok).error();

    Headers headers;
    headers.emplace_back("Host", url.authority());
    const bool cross_origin = url.origin() != first_origin;
    bool has_agent = false;
    for (const auto& [name, value] : request.headers) {
      if (reserved_header(name) || (cross_origin && credential_header(name)))
        continue;
      has_agent = has_agent || iequals(name, "user-agent");
      headers.emplace_back(name, value);
    }
    if (!has_agent)
      headers.emplace_back("User-Agent", options.user_agent);
    headers.emplace_back("Accept-Encoding", "identity");
    if (request.sign) {
      auto signed_ok = request.sign(OutgoingRequest{method, url, request.body}, headers);
      if (!signed_ok)
        co_return std::move(signed_ok).error();
      for (const auto& [name, value] : headers) {
        if (auto ok = check_header(name, value); !ok)
          co_return std::move(ok).error();
      }
    }

    http::request<http::string_body> message{to_verb(method), url.target, 11};
    for (const auto& [name, value] : headers)
      message.insert(name, value);
    message.body() = request.body;
    if (!request.body.empty() || method == Method::post || method == Method::put ||
        method == Method::patch)
      message.prepare_payload();

    bool reused = false;
    Exchange ex = co_await send(url, message, method, limits, reused);
    if (ex.error)
      co_return std::move(*ex.error);

    const bool redirect = ex.status == 301 || ex.status == 302 || ex.status == 303 ||
                          ex.status == 307 || ex.status == 308;
    std::optional<std::string_view> location;
    for (const auto& [n, v] : ex.headers) {
      if (iequals(n, "location")) {
        location = v;
        break;
      }
    }
    if (follow && redirect && location) {
      if (hop >= options.max_redirects)
        co_return core::Error::invalid_input("too many redirects (" +
                                             std::to_string(options.max_redirects) + ") from " +
                                             request.url);
      auto next = resolve_redirect(url, *location);
      if (!next)
        co_return std::move(next).error();
      if (url.https && !next->https && !options.allow_http)
        co_return core::Error::forbidden("redirect from https to http refused: " + next->str());
      if (!visited.insert(next->str()).second)
        co_return core::Error::invalid_input("redirect loop at " + next->str());
      url = std::move(*next);
      continue;
    }

    EgressResponse response;
    response.status = ex.status;
    response.headers = std::move(ex.headers);
    response.body = std::move(ex.body);
    response.final_url = std::move(url);
    response.redirects = hop;
    response.reused_connection = reused;
    co_return response;
  }
}

EgressClient::EgressClient(asio::any_io_executor executor, EgressOptions options,
                           std::shared_ptr<Resolver> resolver)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options), std::move(resolver))) {}

EgressClient::~EgressClient() {
  impl_->pool.clear();
}

asio::awaitable<core::Result<EgressResponse>> EgressClient::request(EgressRequest request) {
  // Holding the Impl keeps the pool and TLS context alive even if the client goes away meanwhile.
  auto impl = impl_;
  try {
    impl->pool.prune();
    co_return co_await impl->run(std::move(request));
  } catch (const std::exception& e) {
    co_return core::Error::internal(std::string("egress: ") + e.what());
  }
}

namespace {

// co_spawn needs a default-constructible result, hence the optional. A coroutine function rather
// than a lambda with init-captures, which g++ 12 miscompiles in coroutines.
asio::awaitable<std::optional<core::Result<EgressResponse>>> request_optional(
    EgressClient& client, EgressRequest request) {
  co_return co_await client.request(std::move(request));
}

}  // namespace

core::Result<EgressResponse> EgressClient::request_blocking(EgressRequest request) {
  auto work = request_optional(*this, std::move(request));
  auto future = asio::co_spawn(impl_->executor, std::move(work), asio::use_future);
  return std::move(*future.get());
}

core::Result<EgressResponse> EgressClient::fetch_once(EgressOptions options, EgressRequest request,
                                                      std::shared_ptr<Resolver> resolver) {
  asio::io_context io;
  std::optional<core::Result<EgressResponse>> out;
  {
    EgressClient client(io.get_executor(), std::move(options), std::move(resolver));
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          out.emplace(co_await client.request(std::move(request)));
        },
        [](std::exception_ptr e) {
          if (e)
            std::rethrow_exception(e);
        });
    io.run();
  }
  return std::move(*out);
}

PoolStats EgressClient::stats() const {
  PoolStats s;
  const auto idle = impl_->pool.idle_per_authority();
  for (const auto& [authority, open] : impl_->counters->open()) {
    PoolStats::Host h{authority, open, 0};
    if (auto it = idle.find(authority); it != idle.end())
      h.idle = it->second;
    s.open += h.open;
    s.idle += h.idle;
    s.hosts.push_back(std::move(h));
  }
  s.connections_opened = impl_->counters->connections_opened();
  s.requests_reused = impl_->counters->requests_reused();
  return s;
}

void EgressClient::prune_idle() {
  impl_->pool.prune();
}

void EgressClient::close_idle() {
  impl_->pool.clear();
}

const EgressOptions& EgressClient::options() const {
  return impl_->options;
}

}  // namespace guildhall::federation::egress
