#pragma once

// A small ActivityPub peer for the fetch tests: our own HTTP server serving canned responses by
// request target, recording every request it receives and verifying its signature with our own
// verifier (so "signed" means "a peer running our verifier accepts it").

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/federation/signatures/verify.hpp"
#include "guildhall/server/http/metrics.hpp"
#include "guildhall/server/http/router.hpp"
#include "guildhall/server/http/server.hpp"

namespace guildhall::federation::fetch::testing {

struct Canned {
  int status = 200;
  std::string content_type = "application/activity+json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  // a slow peer: the answer leaves this much later
};

struct Received {
  std::string method;
  std::string target;
  std::string host;
  std::string body;
  bool signed_ok = false;
  std::string signer;  // the verified key owner
  std::string verify_error;
  std::string accept;
};

class Peer {
 public:
  // `authority` is the Host the peer expects in signatures ("peer.test").
  Peer(const core::Clock& clock, std::string authority);
  ~Peer();

  void set(std::string target, Canned canned);
  void clear();
  // Keys the peer's verifier knows (our instance actor's, our users').
  void trust(std::string key_id, std::string owner, const signatures::PublicKey& key);

  std::vector<Received> received() const;
  std::size_t count() const;
  std::uint16_t port() const;

  server::http::Response handle(server::http::Request& req);

 private:
  const core::Clock& clock_;
  std::string authority_;
  mutable std::mutex mutex_;
  std::map<std::string, Canned> canned_;
  std::vector<Received> received_;
  signatures::InMemoryKeyResolver keys_;
  server::http::Router router_;
  server::http::Metrics metrics_;
  std::unique_ptr<server::http::Server> server_;
};

}  // namespace guildhall::federation::fetch::testing
