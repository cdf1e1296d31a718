#include <algorithm>
#include <cerrno>

#include <sys/socket.h>

#include "connection.hpp"

namespace guildhall::federation::egress::detail {

void Counters::opened(const std::string& authority) {
  std::lock_guard lock(mutex_);
  ++open_[authority];
  ++opened_;
}

void Counters::closed(const std::string& authority) {
  std::lock_guard lock(mutex_);
  auto it = open_.find(authority);
  if (it != open_.end() && --it->second == 0)
    open_.erase(it);
}

std::map<std::string, std::size_t> Counters::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::uint64_t Counters::connections_opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}

Connection::Connection(Strand s, std::string pool_key, std::string authority_key,
                       std::shared_ptr<Counters> counters_, boost::asio::ssl::context* tls_context)
    : strand(std::move(s)),
      key(std::move(pool_key)),
      authority(std::move(authority_key)),
      counters(std::move(counters_)) {
  if (tls_context)
    tls.emplace(boost::beast::tcp_stream(strand), *tls_context);
  else
    plain.emplace(strand);
  counters->opened(authority);
}

Connection::~Connection() {
  close();
  counters->closed(authority);
}

void Connection::close() {
  boost::system::error_code ec;
  tcp().socket().close(ec);
}

bool Connection::looks_alive() {
  auto& socket = tcp().socket();
  if (!socket.is_open() || buffer.size() != 0)
    return false;
  // A peer that closed an idle keep-alive connection has left a FIN (read returns 0) or an RST; a
  // TLS peer may have sent close_notify. Any of these, or stray bytes, means: do not reuse.
  char byte;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

std::unique_ptr<Connection> Pool::take(const std::string& key) {
  std::vector<std::unique_ptr<Connection>> dropped;
  while (true) {
    std::unique_ptr<Connection> candidate;
    {
      std::lock_guard lock(mutex_);
      auto it = idle_.find(key);
      if (it == idle_.end())
        return nullptr;
      auto& list = it->second;
      const auto now = Clock::now();
      // Oldest at the front: drop the expired ones, reuse the most recent.
      while (!list.empty() && now - list.front()->idle_since >= expiry_) {
        dropped.push_back(std::move(list.front()));
        list.pop_front();
        --total_;
      }
      if (!list.empty()) {
        candidate = std::move(list.back());
        list.pop_back();
        --total_;
      }
      if (list.empty())
        idle_.erase(it);
    }
    if (!candidate)
      return nullptr;
    if (candidate->looks_alive())
      return candidate;
    dropped.push_back(std::move(candidate));
  }
}

void Pool::put(std::unique_ptr<Connection> connection) {
  std::vector<std::unique_ptr<Connection>> dropped;
  const auto now = Clock::now();
  connection->idle_since = now;
  std::lock_guard lock(mutex_);
  if (max_per_key_ == 0 || max_total_ == 0) {
    dropped.push_back(std::move(connection));
    return;
  }
  auto& list = idle_[connection->key];
  list.push_back(std::move(connection));
  ++total_;
  if (list.size() > max_per_key_) {
    dropped.push_back(std::move(list.front()));
    list.pop_front();
    --total_;
  }
  if (total_ > max_total_) {
    auto more = prune_locked(now);
    std::move(more.begin(), more.end(), std::back_inserter(dropped));
  }
  // Still over: close the longest-idle connection of any host.
  while (total_ > max_total_) {
    auto oldest = idle_.end();
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      if (oldest == idle_.end() ||
          it->second.front()->idle_since < oldest->second.front()->idle_since)
        oldest = it;
    }
    dropped.push_back(std::move(oldest->second.front()));
    oldest->second.pop_front();
    --total_;
    if (oldest->second.empty())
      idle_.erase(oldest);
  }
  // `dropped` is destroyed after the lock is released (declared before it).
}

std::vector<std::unique_ptr<Connection>> Pool::prune_locked(Clock::time_point now) {
  std::vector<std::unique_ptr<Connection>> dropped;
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& list = it->second;
    while (!list.empty() && now - list.front()->idle_since >= expiry_) {
      dropped.push_back(std::move(list.front()));
      list.pop_front();
      --total_;
    }
    it = list.empty() ? idle_.erase(it) : std::next(it);
  }
  return dropped;
}

void Pool::prune() {
  std::vector<std::unique_ptr<Connection>> dropped;
  std::lock_guard lock(mutex_);
  dropped = prune_locked(Clock::now());
}

void Pool::clear() {
  std::map<std::string, std::deque<std::unique_ptr<Connection>>> dropped;
  std::lock_guard lock(mutex_);
  dropped.swap(idle_);
  total_ = 0;
}

std::map<std::string, std::size_t> Pool::idle_per_authority() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::size_t> out;
  for (const auto& [key, list] : idle_) {
    for (const auto& c : list)
      ++out[c->authority];
  }
  return out;
}

}  // namespace guildhall::federation::egress::detail
