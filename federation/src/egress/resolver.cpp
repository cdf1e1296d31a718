#include "guildhall/federation/egress/resolver.hpp"

#include <algorithm>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace guildhall::federation::egress {

namespace asio = boost::asio;
using Strand = asio::strand<asio::any_io_executor>;

namespace {

// co_spawn needs a default-constructible result, hence the optional. A plain coroutine function
// rather than a capturing lambda: its parameters live in its own frame.
asio::awaitable<std::optional<core::Result<std::vector<Endpoint>>>> resolve_on(
    Strand strand, std::string host, std::uint16_t port,
    std::chrono::steady_clock::time_point deadline) {
  // Shared with the timer's handler, which may run after this frame is gone.
  struct State {
    explicit State(const Strand& s) : resolver(s), timer(s) {}
    asio::ip::tcp::resolver resolver;
    asio::steady_timer timer;
    bool timed_out = false;
  };
  auto state = std::make_shared<State>(strand);
  state->timer.expires_at(deadline);
  state->timer.async_wait([state](boost::system::error_code ec) {
    if (!ec) {
      state->timed_out = true;
      state->resolver.cancel();
    }
  });
  boost::system::error_code ec;
  const std::string service = std::to_string(port);
  auto results = co_await state->resolver.async_resolve(
      host, service, asio::ip::resolver_base::numeric_service,
      asio::redirect_error(asio::use_awaitable, ec));
  state->timer.cancel();
  if (state->timed_out)
    co_return core::Error::unavailable("dns timeout: " + host);
  if (ec)
    co_return core::Error::unavailable("dns failure: " + host + ": " + ec.message());
  std::vector<Endpoint> out;
  for (const auto& entry : results) {
    const auto ep = entry.endpoint();
    Endpoint e{ep.address(), ep.port()};
    if (std::find(out.begin(), out.end(), e) == out.end())
      out.push_back(e);
  }
  if (out.empty())
    co_return core::Error::unavailable("dns: no address for " + host);
  co_return out;
}

}  // namespace

asio::awaitable<core::Result<std::vector<Endpoint>>> SystemResolver::resolve(
    std::string host, std::uint16_t port, std::chrono::steady_clock::time_point deadline) {
  // The timer and the resolver share a strand so the timer may cancel the lookup safely whatever
  // executor the caller runs on.
  auto strand = asio::make_strand(co_await asio::this_coro::executor);
  auto work = resolve_on(strand, std::move(host), port, deadline);
  auto result = co_await asio::co_spawn(strand, std::move(work), asio::use_awaitable);
  co_return std::move(*result);
}

void StaticResolver::add(std::string host, Endpoint endpoint) {
  std::lock_guard lock(mutex_);
  answers_[std::move(host)].push_back(endpoint);
}

void StaticResolver::script(std::string host, std::size_t call, std::vector<Endpoint> answer) {
  std::lock_guard lock(mutex_);
  scripted_[{std::move(host), call}] = std::move(answer);
}

void StaticResolver::route(Endpoint from, Endpoint to) {
  std::lock_guard lock(mutex_);
  routes_.emplace_back(from, to);
}

std::size_t StaticResolver::lookups(std::string_view host) const {
  std::lock_guard lock(mutex_);
  auto it = calls_.find(host);
  return it == calls_.end() ? 0 : it->second;
}

asio::awaitable<core::Result<std::vector<Endpoint>>> StaticResolver::resolve(
    std::string host, std::uint16_t port, std::chrono::steady_clock::time_point) {
  std::vector<Endpoint> answer;
  {
    std::lock_guard lock(mutex_);
    const std::size_t call = calls_[host]++;
    if (auto s = scripted_.find({host, call}); s != scripted_.end()) {
      answer = s->second;
    } else if (auto a = answers_.find(host); a != answers_.end()) {
      answer = a->second;
    }
  }
  if (answer.empty())
    co_return core::Error::unavailable("dns: no address for " + host);
  for (auto& e : answer) {
    if (e.port == 0)
      e.port = port;
  }
  co_return answer;
}

Endpoint StaticResolver::route(const Endpoint& checked) const {
  std::lock_guard lock(mutex_);
  for (const auto& [from, to] : routes_) {
    if (from == checked)
      return to;
  }
  return checked;
}

}  // namespace guildhall::federation::egress
