#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "guildhall/server/http/request.hpp"
#include "guildhall/server/http/response.hpp"

namespace guildhall::server::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct RouteOptions {
  // Overrides ServerOptions::body_limit for this route (larger for media uploads, smaller for
  // endpoints that take no body).
  std::optional<std::size_t> body_limit{};
  // GET routes: WebSocket upgrade requests are served too. The handler runs as for any request;
  // when it answers Response::stream(...) the session completes the handshake, otherwise its
  // response (401, ...) is sent as plain HTTP (stream.hpp).
  bool websocket = false;
};

// The metrics label for requests that matched no route: raw paths would explode cardinality.
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

// The outcome of routing one request, before its body is read (the session needs the route's body
// limit and whether it is an upgrade first).
struct Match {
  enum class Kind { found, not_found, method_not_allowed };
  Kind kind = Kind::not_found;
  std::string_view route_name = kUnmatchedRoute;
  const Handler* handler = nullptr;
  bool websocket = false;  // RouteOptions::websocket
  std::optional<std::size_t> body_limit{};
  bool head_from_get = false;
  std::string allow;  // for 405: "GET, HEAD, POST"
};

// Routes "/users/{name}/inbox"-style patterns. A segment is a literal or a parameter with an
// optional literal prefix/suffix ("@{name}"); literals win over parameters. Matching is on decoded
// segments and tolerates one trailing slash. Not thread-safe to modify: build it, then share it
// read-only with the server.
class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // `name` labels metrics and the access log. Throws std::invalid_argument on a malformed pattern
  // or a duplicate (method, pattern).
  void add(Verb method, std::string_view pattern, Handler handler, std::string name,
           RouteOptions options = {});
  void get(std::string_view pattern, Handler h, std::string name, RouteOptions o = {}) {
    add(Verb::get, pattern, std::move(h), std::move(name), o);
  }
  void post(std::string_view pattern, Handler h, std::string name, RouteOptions o = {}) {
    add(Verb::post, pattern, std::move(h), std::move(name), o);
  }
  void put(std::string_view pattern, Handler h, std::string name, RouteOptions o = {}) {
    add(Verb::put, pattern, std::move(h), std::move(name), o);
  }
  void patch(std::string_view pattern, Handler h, std::string name, RouteOptions o = {}) {
    add(Verb::patch, pattern, std::move(h), std::move(name), o);
  }
  void del(std::string_view pattern, Handler h, std::string name, RouteOptions o = {}) {
    add(Verb::delete_, pattern, std::move(h), std::move(name), o);
  }
  // Serves GET and HEAD requests whose path matches no route (the web app's files and its
  // client-side routes); the handler decides what to answer, 404 included. Without a fallback, and
  // for other methods, unmatched paths get 404 JSON. Throws std::invalid_argument if set twice.
  void set_fallback(Handler handler, std::string name);

  // Matches method and segments; on success fills req's path params and route name.
  Match match(Request& req) const;
  // Runs a found match; 404/405 JSON otherwise. HEAD routed to GET comes back without a body.
  boost::asio::awaitable<Response> handle(const Match& match, Request& req) const;
  // match + handle.
  boost::asio::awaitable<Response> dispatch(Request& req) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace guildhall::server::http
