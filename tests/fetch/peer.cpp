#include "peer.hpp"

#include <thread>

#include <boost/asio/awaitable.hpp>

#include "guildhall/server/http/native.hpp"

namespace guildhall::federation::fetch::testing {

namespace http = guildhall::server::http;
namespace asio = boost::asio;

namespace {

// A plain coroutine function (no capturing coroutine lambdas: g++ 12).
asio::awaitable<http::Response> serve(Peer* peer, http::Request& req) {
  co_return peer->handle(req);
}

}  // namespace

Peer::Peer(const core::Clock& clock, std::string authority)
    : clock_(clock), authority_(std::move(authority)) {
  const char* patterns[] = {"/users/{name}",      "/users/{name}/inbox",
                            "/keys/{name}",       "/.well-known/webfinger",
                            "/r/{name}",          "/inbox",
                            "/c/{name}",          "/.well-known/nodeinfo",
                            "/nodeinfo/{version}"};
  for (const char* pattern : patterns) {
    auto handler = [this](http::Request& req) { return serve(this, req); };
    router_.get(pattern, handler, std::string("get ") + pattern);
    router_.post(pattern, handler, std::string("post ") + pattern);
  }
  http::ServerOptions options;
  options.threads = 1;
  options.access_log = false;
  server_ = std::make_unique<http::Server>(options, router_, metrics_);
  server_->start();
}

Peer::~Peer() {
  server_->stop();
  server_->wait();
}

void Peer::set(std::string target, Canned canned) {
  std::lock_guard lock(mutex_);
  canned_[std::move(target)] = std::move(canned);
}

void Peer::clear() {
  std::lock_guard lock(mutex_);
  received_.clear();
}

void Peer::trust(std::string key_id, std::string owner, const signatures::PublicKey& key) {
  keys_.add(std::move(key_id), std::move(owner), key);
}

std::vector<Received> Peer::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

std::size_t Peer::count() const {
  std::lock_guard lock(mutex_);
  return received_.size();
}

std::uint16_t Peer::port() const {
  return server_->port();
}

http::Response Peer::handle(http::Request& req) {
  Received rec;
  rec.method = std::string(req.method_string());
  rec.target = std::string(req.target());
  rec.host = std::string(req.header("Host").value_or(""));
  rec.accept = std::string(req.header("Accept").value_or(""));
  rec.body = req.body();
  signatures::VerifyInput input;
  input.method = rec.method;
  input.target = rec.target;
  input.body = req.body();
  input.scheme = "http";
  for (const auto& field : req.native().message)
    input.headers.add(std::string(field.name_string()), std::string(field.value()));
  signatures::VerifyOptions options;
  options.expected_host = authority_;
  auto verified = signatures::verify_request(input, keys_, clock_, options);
  if (verified) {
    rec.signed_ok = true;
    rec.signer = verified->owner;
  } else {
    rec.verify_error = verified.error().message;
  }
  Canned canned;
  bool found = false;
  {
    std::lock_guard lock(mutex_);
    received_.push_back(rec);
    if (auto it = canned_.find(rec.target); it != canned_.end()) {
      canned = it->second;
      found = true;
    }
  }
  if (!found)
    return http::Response::error(404, "no canned response for " + rec.target);
  if (canned.delay.count() > 0)
    std::this_thread::sleep_for(canned.delay);  // latency of a distant peer, not synchronisation
  http::Response res;
  res.status = canned.status;
  res.body = canned.body;
  if (!canned.content_type.empty())
    res.set_header("Content-Type", canned.content_type);
  for (const auto& [name, value] : canned.headers)
    res.add_header(name, value);
  return res;
}

}  // namespace guildhall::federation::fetch::testing
