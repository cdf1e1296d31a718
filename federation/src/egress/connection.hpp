#pragma once

// Internal to the egress client: one pooled connection and the keep-alive pool.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "guildhall/federation/egress/client.hpp"

namespace guildhall::federation::egress::detail {

using Clock = std::chrono::steady_clock;
using Strand = boost::asio::strand<boost::asio::any_io_executor>;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Open-connection counts per authority, kept apart from the pool so a connection can report its
// own closing without owning the pool (which owns idle connections).
class Counters {
 public:
  void opened(const std::string& authority);
  void closed(const std::string& authority);
  void reused() { ++requests_reused_; }
  std::map<std::string, std::size_t> open() const;
  std::uint64_t connections_opened() const;
  std::uint64_t requests_reused() const { return requests_reused_; }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::size_t> open_;  // entries removed at zero: bounded by live sockets
  std::uint64_t opened_ = 0;
  std::atomic<std::uint64_t> requests_reused_{0};
};

// One HTTP/1.1 connection. Every operation on it runs on its strand (co_spawn onto `strand`), so
// Beast's timeout handler never races the coroutine using the stream, whichever request owns it.
struct Connection {
  Connection(Strand s, std::string pool_key, std::string authority_key,
             std::shared_ptr<Counters> counters_, boost::asio::ssl::context* tls_context);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  boost::beast::tcp_stream& tcp() { return tls ? tls->next_layer() : *plain; }
  // True if the peer has not closed it and nothing unexpected is waiting to be read.
  bool looks_alive();
  void close();

  Strand strand;
  std::optional<boost::beast::tcp_stream> plain;
  std::optional<TlsStream> tls;
  boost::beast::flat_buffer buffer;
  std::string key;        // scheme://host:port: what may share a connection
  std::string authority;  // host:port, the metrics label
  std::shared_ptr<Counters> counters;
  Clock::time_point idle_since{};
};

class Pool {
 public:
  Pool(std::size_t max_per_key, std::size_t max_total, Clock::duration expiry)
      : max_per_key_(max_per_key), max_total_(max_total), expiry_(expiry) {}

  // The most recently used live idle connection for `key`, or null.
  std::unique_ptr<Connection> take(const std::string& key);
  void put(std::unique_ptr<Connection> connection);
  void prune();
  void clear();
  // (key authority -> idle count), total idle.
  std::map<std::string, std::size_t> idle_per_authority() const;

 private:
  // Returns what was removed so sockets close outside the lock.
  std::vector<std::unique_ptr<Connection>> prune_locked(Clock::time_point now);

  mutable std::mutex mutex_;
  std::map<std::string, std::deque<std::unique_ptr<Connection>>> idle_;  // back: most recent
  std::size_t total_ = 0;
  std::size_t max_per_key_;
  std::size_t max_total_;
  Clock::duration expiry_;
};

}  // namespace guildhall::federation::egress::detail
