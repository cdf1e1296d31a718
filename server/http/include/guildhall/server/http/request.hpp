#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/verb.hpp>

#include "guildhall/core/result.hpp"

namespace guildhall::server::http {

using Verb = boost::beast::http::verb;

// The Beast message behind a Request. Defined in native.hpp so that only the code which needs Beast
// (WebSocket upgrade, HTTP signatures over raw headers) pays for its headers.
struct NativeRequest;

// Decoded query parameters in the order they were sent. Repeated keys and Rails-style `key[]`
// (Mastodon's `types[]=mention&types[]=follow`) are both kept as lists under the bare key.
class QueryParams {
 public:
  // The first value of `key` (or `key[]`).
  std::optional<std::string_view> get(std::string_view key) const;
  // Every value of `key` and `key[]`, in order.
  std::vector<std::string_view> all(std::string_view key) const;
  bool contains(std::string_view key) const;
  // (bare key, value) pairs in order; `[]` is stripped from keys.
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  bool empty() const { return items_.empty(); }

  void add(std::string key, std::string value);

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

class Request {
 public:
  Request();
  ~Request();
  Request(Request&&) noexcept;
  Request& operator=(Request&&) noexcept;

  // Parses the target of a received message (origin-form only). invalid_input on a bad target.
  static core::Result<Request> from_native(std::unique_ptr<NativeRequest> native);
  // Builds a request without a socket (tests, internal dispatch). Throws std::invalid_argument on a
  // target that is not origin-form ("/path?query").
  static Request make(Verb method, std::string_view target, std::string body = {},
                      const std::vector<std::pair<std::string, std::string>>& headers = {});

  Verb method() const;
  std::string_view method_string() const;
  // The raw request-target as received ("/users/a%20b?x=1").
  std::string_view target() const;
  // The percent-decoded path ("/users/a b").
  const std::string& path() const { return path_; }
  // Decoded path segments; a trailing empty segment ("/a/") is dropped, "/" has none.
  const std::vector<std::string>& segments() const { return segments_; }
  const QueryParams& query() const { return query_; }

  // Case-insensitive; nullopt when absent. The view lives as long as the request.
  std::optional<std::string_view> header(std::string_view name) const;
  const std::string& body() const;
  std::string& body();
  // HTTP version as 10 or 11.
  unsigned version() const;
  bool keep_alive() const;

  // Path parameters filled by the router ("{name}" segments, decoded). Empty when absent.
  std::string_view param(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& params() const { return params_; }
  std::vector<std::pair<std::string, std::string>>& mutable_params() { return params_; }

  const std::string& request_id() const { return request_id_; }
  void set_request_id(std::string id) { request_id_ = std::move(id); }
  // "ip:port" of the peer, empty when not from a socket.
  const std::string& remote_address() const { return remote_address_; }
  void set_remote_address(std::string a) { remote_address_ = std::move(a); }
  // The name of the matched route (metrics label), empty before routing.
  std::string_view route_name() const { return route_name_; }
  void set_route_name(std::string_view n) { route_name_ = n; }

  NativeRequest& native() { return *native_; }
  const NativeRequest& native() const { return *native_; }

 private:
  std::unique_ptr<NativeRequest> native_;
  std::string path_;
  std::vector<std::string> segments_;
  QueryParams query_;
  std::vector<std::pair<std::string, std::string>> params_;
  std::string request_id_;
  std::string remote_address_;
  std::string_view route_name_;  // points into the Router, which outlives requests
};

}  // namespace guildhall::server::http
