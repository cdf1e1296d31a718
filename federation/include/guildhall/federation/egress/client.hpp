#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/egress/resolver.hpp"
#include "guildhall/federation/egress/url.hpp"

namespace guildhall::federation::egress {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct EgressOptions {
  // Plain http is for development and tests; production peers are https only.
  bool allow_http = false;
  // Loopback, RFC 1918, link-local, ... (see address.hpp) and names such as localhost, *.local,
  // *.internal, *.onion and single-label names. Only multi-instance tests and dev setups set this.
  bool allow_private_addresses = false;
  // By default only 443 (https) and 80 (http) are reachable (catalogue SSRF-07), so a URL cannot
  // aim us at a peer's SSH, Redis or Postgres port.
  bool allow_any_port = false;
  // Hosts refused by name (lower case, exact or as a parent domain): our own domain, so a peer
  // cannot make us fetch from ourselves, and any operator-configured block.
  std::vector<std::string> denied_hosts;

  std::chrono::milliseconds connect_timeout{5'000};  // DNS and TCP connect, per attempt
  std::chrono::milliseconds tls_timeout{5'000};      // TLS handshake
  std::chrono::milliseconds idle_timeout{10'000};    // longest wait for any read or write progress
  std::chrono::milliseconds total_timeout{30'000};   // whole request, redirects included (#5)

  std::size_t max_body = 1024 * 1024;  // response body bytes; beyond: too_large
  std::size_t max_header = 16 * 1024;  // response header block; beyond: too_large
  unsigned max_redirects = 3;

  // Sent unless the request sets its own; empty: "Guildhall/<version>". The composition root sets
  // user_agent_for(our_domain).
  std::string user_agent;

  // PEM certificates trusted in addition to the system store (multi-instance TLS tests, private
  // CAs). The system store is always used; verification cannot be turned off.
  std::string extra_ca_pem;

  // Keep-alive pool. A host's idle connections beyond the first `max_idle_per_host` are closed.
  std::size_t max_idle_per_host = 32;
  std::size_t max_idle_total = 512;
  std::chrono::milliseconds idle_expiry{30'000};
};

// "Guildhall/<version> (+https://<domain>)": peers' admins can find who is calling.
std::string user_agent_for(std::string_view our_domain);

enum class Method { get, head, post, put, patch, delete_ };
std::string_view to_string(Method method) noexcept;

// What a redirect hop is about to send, for callers that sign each hop (HTTP signatures cover the
// request target and Host, which change when a redirect is followed).
struct OutgoingRequest {
  Method method;
  const Url& url;
  std::string_view body;
};
// Adds headers (Date, Digest, Signature) to a hop; `headers` already holds Host, User-Agent and the
// caller's headers. An error ends the request with that error.
using RequestSigner = std::function<core::Result<void>(const OutgoingRequest&, Headers& headers)>;

struct EgressRequest {
  Method method = Method::get;
  std::string url{};
  // Host, Content-Length, Transfer-Encoding, Connection and Accept-Encoding are set by the client
  // and ignored here. Names and values with CR, LF or NUL are invalid_input.
  Headers headers{};
  std::string body{};
  // Only GET and HEAD follow redirects; other methods (deliveries) get the 3xx back.
  bool follow_redirects = true;
  RequestSigner sign{};
  // Per-request overrides (media downloads, probes).
  std::optional<std::size_t> max_body{};
  std::optional<std::chrono::milliseconds> total_timeout{};
};

struct EgressResponse {
  int status = 0;
  Headers headers;
  std::string body;
  // The URL the response came from, after redirects. Callers check the fetched object's id against
  // final_url.origin() (catalogue rule 2), never against the URL they asked for.
  Url final_url;
  unsigned redirects = 0;
  bool reused_connection = false;  // for tests and metrics

  // Case-insensitive; the first value.
  std::optional<std::string_view> header(std::string_view name) const;
};

// What the delivery queue does with an outcome (security catalogue 3.4, Mastodon's rule).
enum class Disposition { success, transient, permanent };
// 2xx success; 4xx other than 401, 408 and 429, and 501, permanent; everything else (other 5xx,
// 429, 408, 401, 1xx/3xx) transient.
Disposition classify(int status) noexcept;
// unavailable (DNS, connect, TLS, timeout, a connection lost after a request may have been sent)
// is transient; invalid_input, forbidden and too_large are permanent.
Disposition classify(const core::Error& error) noexcept;
inline bool is_transient(int status) noexcept {
  return classify(status) == Disposition::transient;
}
inline bool is_transient(const core::Error& error) noexcept {
  return classify(error) == Disposition::transient;
}

struct PoolStats {
  struct Host {
    std::string authority;  // "host:port"
    std::size_t open = 0;   // idle + in use
    std::size_t idle = 0;
  };
  std::vector<Host> hosts;  // sorted by authority; hosts with no connection are absent
  std::size_t open = 0;
  std::size_t idle = 0;
  std::uint64_t connections_opened = 0;  // since construction
  std::uint64_t requests_reused = 0;     // requests served over a pooled connection
};

// The one HTTP client for every outgoing request (catalogue rule 5): http(s) only, DNS resolved
// here and every answer checked against the deny list, connection made to the checked address only,
// redirects re-checked hop by hop, bytes and time bounded, peer certificates verified.
//
//   EgressClient client(io.get_executor(), options);
//   auto res = co_await client.request({.url = "https://peer.example/users/alice",
//                                       .headers = {{"Accept", "application/activity+json"}}});
//   if (!res) { if (is_transient(res.error())) ...retry later... }
//
// Errors: invalid_input (bad URL or scheme, bad header, redirect limit or loop, compressed
// response), forbidden (refused by policy: address, name, port, http, https->http downgrade),
// unavailable (DNS, connect, TLS, timeouts, connection lost), too_large (body or headers).
//
// Thread-safe: requests may run concurrently from any thread; each runs on its own strand. A
// request in flight keeps the client's internals alive, but the io_context must keep running until
// it ends.
class EgressClient {
 public:
  // `resolver` defaults to SystemResolver.
  EgressClient(boost::asio::any_io_executor executor, EgressOptions options,
               std::shared_ptr<Resolver> resolver = nullptr);
  ~EgressClient();
  EgressClient(const EgressClient&) = delete;
  EgressClient& operator=(const EgressClient&) = delete;

  boost::asio::awaitable<core::Result<EgressResponse>> request(EgressRequest request);

  // Blocks until done. The executor must be run by another thread; never call this from one of its
  // threads (it would wait for itself).
  core::Result<EgressResponse> request_blocking(EgressRequest request);
  // One request on a private io_context run by the calling thread: for the CLI and simple tests.
  static core::Result<EgressResponse> fetch_once(EgressOptions options, EgressRequest request,
                                                 std::shared_ptr<Resolver> resolver = nullptr);

  PoolStats stats() const;
  // Closes idle connections past idle_expiry (also done on every request). Call it from a periodic
  // timer so an idle client does not hold sockets the peers have long given up on.
  void prune_idle();
  // Closes every idle connection.
  void close_idle();

  const EgressOptions& options() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace guildhall::federation::egress
