#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include "guildhall/core/result.hpp"

namespace guildhall::federation::egress {

struct Endpoint {
  boost::asio::ip::address address;
  std::uint16_t port = 0;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// Name resolution for the egress client, injectable so tests run without DNS (catalogue rule 12).
// The client checks every endpoint returned against the deny list, then connects to
// route(endpoint) of one that passed; it never resolves the name again for that request.
class Resolver {
 public:
  virtual ~Resolver() = default;
  // Every A and AAAA answer for `host`, with `port` (the URL's port) unless the resolver knows
  // better. unavailable when the name does not resolve or `deadline` passes.
  virtual boost::asio::awaitable<core::Result<std::vector<Endpoint>>> resolve(
      std::string host, std::uint16_t port, std::chrono::steady_clock::time_point deadline) = 0;
  // Where a checked endpoint is actually reached. The identity everywhere except in tests that
  // stand a loopback server in for a public address (so a redirect from a "public" host to a
  // private one can be tested with private addresses refused).
  virtual Endpoint route(const Endpoint& checked) const { return checked; }
};

// getaddrinfo through Asio's resolver.
class SystemResolver final : public Resolver {
 public:
  boost::asio::awaitable<core::Result<std::vector<Endpoint>>> resolve(
      std::string host, std::uint16_t port,
      std::chrono::steady_clock::time_point deadline) override;
};

// A scripted resolver for tests and multi-instance setups. Thread-safe.
//
//   auto dns = std::make_shared<StaticResolver>();
//   dns->add("alpha.test", {ip::make_address("127.0.0.1"), server.port()});  // port overrides
//   URL's dns->add("public.test", ip::make_address("93.184.216.34"));              // keeps URL's
//   port dns->route({ip::make_address("93.184.216.34"), 80}, {loopback, server.port()});
class StaticResolver final : public Resolver {
 public:
  // Appends an answer for `host` (lower case). A port of 0 means "the URL's port".
  void add(std::string host, Endpoint endpoint);
  void add(std::string host, const boost::asio::ip::address& address) { add(host, {address, 0}); }
  // Scripts the answer of the n-th lookup of `host` (0-based), overriding add() for that call: DNS
  // rebinding tests answer differently on each call.
  void script(std::string host, std::size_t call, std::vector<Endpoint> answer);
  // Makes route(from) return `to`.
  void route(Endpoint from, Endpoint to);
  // Number of resolve() calls for `host` so far.
  std::size_t lookups(std::string_view host) const;

  boost::asio::awaitable<core::Result<std::vector<Endpoint>>> resolve(
      std::string host, std::uint16_t port,
      std::chrono::steady_clock::time_point deadline) override;
  Endpoint route(const Endpoint& checked) const override;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Endpoint>, std::less<>> answers_;
  std::map<std::pair<std::string, std::size_t>, std::vector<Endpoint>> scripted_;
  std::map<std::string, std::size_t, std::less<>> calls_;
  std::vector<std::pair<Endpoint, Endpoint>> routes_;
};

}  // namespace guildhall::federation::egress
