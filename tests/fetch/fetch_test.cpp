// The fetch runtime against a loopback peer (our own HTTP server): signed AS2 GETs, origin and
// media-type checks, policy refusals without connections, WebFinger, the key resolver's caching
// rules, and the signed delivery transport. The peer verifies every request with our verifier.

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/ip/address.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "guildhall/federation/egress/client.hpp"
#include "guildhall/federation/egress/resolver.hpp"
#include "guildhall/federation/fetch/dereferencer.hpp"
#include "guildhall/federation/fetch/instance_software.hpp"
#include "guildhall/federation/fetch/io_thread.hpp"
#include "guildhall/federation/fetch/key_resolver.hpp"
#include "guildhall/federation/fetch/remote_actors.hpp"
#include "guildhall/federation/fetch/transport.hpp"
#include "guildhall/federation/keys.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/federation/signatures/sign.hpp"
#include "guildhall/storage/database.hpp"

#include "../federation/signatures/test_keys.hpp"
#include "peer.hpp"

namespace guildhall::federation::fetch {
namespace {

namespace asio = boost::asio;
using delivery::DeliveryOutcome;
using delivery::DeliveryResult;
using testing::Canned;
using testing::Peer;

constexpr const char* kInstanceActor = "https://guild.test/actor";
constexpr const char* kInstanceKeyId = "https://guild.test/actor#main-key";
constexpr const char* kOrigin = "http://peer.test";

struct Keys {
  KeyPairPem instance, alice_a, alice_b, carol;
};

const Keys& keys() {
  static const Keys k{generate_rsa_keypair().value(), generate_rsa_keypair().value(),
                      generate_rsa_keypair().value(), generate_rsa_keypair().value()};
  return k;
}

std::string actor_json(const std::string& path, const std::string& username, const std::string& pem,
                       const std::string& key_id = {}, const std::string& type = "Person") {
  const std::string id = kOrigin + path;
  nlohmann::json j = {
      {"@context", {"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"}},
      {"id", id},
      {"type", type},
      {"preferredUsername", username},
      {"inbox", id + "/inbox"},
      {"outbox", id + "/outbox"},
      {"followers", id + "/followers"},
      {"endpoints", {{"sharedInbox", std::string(kOrigin) + "/inbox"}}}};
  if (!pem.empty())
    j["publicKey"] = {
        {"id", key_id.empty() ? id + "#main-key" : key_id}, {"owner", id}, {"publicKeyPem", pem}};
  return j.dump();
}

Canned as2(std::string body) {
  return Canned{200, "application/activity+json", std::move(body), {}};
}

std::string webfinger_json(const std::string& subject, const std::string& self) {
  nlohmann::json j = {
      {"subject", subject},
      {"links", {{{"rel", "self"}, {"type", "application/activity+json"}, {"href", self}}}}};
  return j.dump();
}

class FetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_ = std::make_unique<core::ManualClock>(std::chrono::system_clock::now());
    peer_ = std::make_unique<Peer>(*clock_, "peer.test");
    peer_->trust(kInstanceKeyId, kInstanceActor,
                 signatures::PublicKey::from_pem(keys().instance.public_pem).value());

    db_ = storage::open_database("sqlite::memory:").value();
    db_->migrate().value();
    db_->transact([](storage::Tx& tx) -> core::Result<void> {
         tx.instances().ensure("blocked.test").value();
         tx.instances().set_policy("blocked.test", storage::FederationPolicy::block).value();
         return {};
       })
        .value();
    policy_ = std::make_unique<PeerPolicy>(FederationMode::blocklist);
    policy_->reload(*db_).value();

    const auto loopback = asio::ip::make_address("127.0.0.1");
    dns_ = std::make_shared<egress::StaticResolver>();
    dns_->add("peer.test", egress::Endpoint{loopback, peer_->port()});
    dns_->add("blocked.test", egress::Endpoint{loopback, peer_->port()});
    dns_->add("guild.test", egress::Endpoint{loopback, peer_->port()});
    dns_->add("down.test", egress::Endpoint{loopback, 1});  // nothing listens on port 1

    egress::EgressOptions options;
    options.allow_http = true;
    options.allow_private_addresses = true;
    options.allow_any_port = true;
    options.total_timeout = std::chrono::seconds(10);
    io_ = std::make_unique<IoThread>();
    client_ = std::make_unique<egress::EgressClient>(io_->executor(), options, dns_);

    DereferencerOptions deref_options;
    deref_options.local_host = "guild.test";
    deref_options.webfinger_scheme = "http";
    deref_ = std::make_unique<Dereferencer>(
        *client_, policy_.get(),
        InstanceSigner::from_pem(kInstanceKeyId, keys().instance.private_pem).value(),
        deref_options, *clock_);
    actors_ = std::make_unique<RemoteActors>(*deref_, *db_);
    resolver_ = std::make_unique<FetchingKeyResolver>(*actors_);
  }

  void TearDown() override {
    resolver_.reset();
    actors_.reset();
    deref_.reset();
    client_.reset();
    io_.reset();
    peer_.reset();
  }

  // Every request the peer saw was signed by our instance actor (or `owner`) and verified.
  void expect_all_signed(const std::string& owner = kInstanceActor) {
    for (const auto& rec : peer_->received()) {
      EXPECT_TRUE(rec.signed_ok) << rec.method << " " << rec.target << ": " << rec.verify_error;
      EXPECT_EQ(rec.signer, owner) << rec.target;
    }
  }

  // carol lists /keys/carol (Mastodon's key URL shape); the key document names carol as owner.
  void serve_carol_with_key_document() {
    peer_->set("/users/carol", as2(actor_json("/users/carol", "carol", keys().carol.public_pem,
                                              "http://peer.test/keys/carol")));
    nlohmann::json key_doc = {{"id", "http://peer.test/keys/carol"},
                              {"type", "CryptographicKey"},
                              {"owner", "http://peer.test/users/carol"},
                              {"publicKeyPem", keys().carol.public_pem}};
    peer_->set("/keys/carol", as2(key_doc.dump()));
  }

  std::size_t gets_of(const std::string& target) const {
    std::size_t n = 0;
    for (const auto& rec : peer_->received())
      n += rec.target == target ? 1 : 0;
    return n;
  }

  DeliveryOutcome deliver(const std::string& inbox, const std::string& key_id,
                          const std::string& private_pem) {
    SignedDeliveryTransport transport(io_->executor(), *client_, policy_.get(), *clock_);
    storage::DeliveryJob job;
    job.inbox_url = inbox;
    job.payload = R"({"id":"https://guild.test/activities/1","type":"Follow"})";
    job.key_id = key_id;
    job.private_key_pem = private_pem;
    std::promise<DeliveryOutcome> promise;
    auto future = promise.get_future();
    int calls = 0;
    transport.deliver(job, [&](DeliveryOutcome outcome) {
      ++calls;
      promise.set_value(std::move(outcome));
    });
    auto outcome = future.get();
    EXPECT_EQ(calls, 1);
    return outcome;
  }

  std::unique_ptr<core::ManualClock> clock_;
  std::unique_ptr<Peer> peer_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<PeerPolicy> policy_;
  std::shared_ptr<egress::StaticResolver> dns_;
  std::unique_ptr<IoThread> io_;
  std::unique_ptr<egress::EgressClient> client_;
  std::unique_ptr<Dereferencer> deref_;
  std::unique_ptr<RemoteActors> actors_;
  std::unique_ptr<FetchingKeyResolver> resolver_;
};

// ---- Dereferencer and RemoteActors ----

TEST_F(FetchTest, FetchesActorSignedAndStoresIt) {
  peer_->set("/users/alice", as2(actor_json("/users/alice", "alice", keys().alice_a.public_pem)));
  auto actor = actors_->get("http://peer.test/users/alice");
  ASSERT_TRUE(actor.ok()) << actor.error().message;
  EXPECT_EQ(actor->handle, "alice");
  EXPECT_EQ(actor->domain, "peer.test");
  EXPECT_EQ(actor->inbox_url, "http://peer.test/users/alice/inbox");
  EXPECT_EQ(actor->shared_inbox_url, "http://peer.test/inbox");
  EXPECT_EQ(actor->public_key_id, "http://peer.test/users/alice#main-key");
  auto stored = db_->read(
      [](storage::Tx& tx) { return tx.actors().get_by_ap_id("http://peer.test/users/alice"); });
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->fetched_at.has_value());

  ASSERT_EQ(peer_->count(), 1u);
  const auto rec = peer_->received().front();
  EXPECT_EQ(rec.method, "GET");
  EXPECT_NE(rec.accept.find("application/activity+json"), std::string::npos);
  expect_all_signed();

  // Fresh: served from the database; stale after 24 h: refetched.
  ASSERT_TRUE(actors_->get("http://peer.test/users/alice").ok());
  EXPECT_EQ(peer_->count(), 1u);
  clock_->advance(std::chrono::hours(25));
  ASSERT_TRUE(actors_->get("http://peer.test/users/alice").ok());
  EXPECT_EQ(peer_->count(), 2u);
  expect_all_signed();
}

TEST_F(FetchTest, WrongContentTypeIsRefused) {
  const std::string body = actor_json("/users/alice", "alice", keys().alice_a.public_pem);
  for (const char* type : {"application/json", "text/html", "image/png", ""}) {
    peer_->set("/users/alice", Canned{200, type, body, {}});
    auto fetched = deref_->fetch("http://peer.test/users/alice");
    ASSERT_FALSE(fetched.ok()) << type;
    EXPECT_EQ(fetched.error().kind, core::ErrorKind::invalid_input) << type;
  }
  EXPECT_FALSE(actors_->get("http://peer.test/users/alice").ok());
}

TEST_F(FetchTest, IdOnAnotherOriginIsRefused) {
  nlohmann::json doc = nlohmann::json::parse(actor_json("/users/mallory", "mallory", ""));
  doc["id"] = "http://other.test/users/mallory";
  peer_->set("/users/mallory", as2(doc.dump()));
  auto fetched = deref_->fetch("http://peer.test/users/mallory");
  ASSERT_FALSE(fetched.ok());
  EXPECT_NE(fetched.error().message.find("fetch_wrong_id"), std::string::npos);
  auto stored = db_->read(
      [](storage::Tx& tx) { return tx.actors().get_by_ap_id("http://other.test/users/mallory"); });
  EXPECT_FALSE(stored.ok());
}

TEST_F(FetchTest, SameOriginRedirectAndCanonicalIdAreAccepted) {
  peer_->set("/r/alice", Canned{302, "", "", {{"Location", "/users/alice"}}});
  peer_->set("/users/alice", as2(actor_json("/users/alice", "alice", keys().alice_a.public_pem)));
  auto fetched = deref_->fetch("http://peer.test/r/alice");
  ASSERT_TRUE(fetched.ok()) << fetched.error().message;
  EXPECT_EQ(fetched->id, "http://peer.test/users/alice");
  EXPECT_EQ(fetched->final_url.str(), "http://peer.test/users/alice");
  EXPECT_EQ(peer_->count(), 2u);
  expect_all_signed();  // each hop signed for its own target

  // A different id on the same origin is confirmed by fetching the id, then used (ORI-08).
  peer_->set("/users/Alice", as2(actor_json("/users/alice", "alice", keys().alice_a.public_pem)));
  auto actor = actors_->refresh("http://peer.test/users/Alice");
  ASSERT_TRUE(actor.ok()) << actor.error().message;
  EXPECT_EQ(actor->ap_id, "http://peer.test/users/alice");
  EXPECT_EQ(gets_of("/users/Alice"), 1u);
  EXPECT_EQ(gets_of("/users/alice"), 2u);

  // ... and refused when the id's own copy names something else.
  peer_->set("/users/bob", as2(actor_json("/users/robert", "bob", keys().alice_a.public_pem)));
  peer_->set("/users/robert", as2(actor_json("/users/bob", "bob", keys().alice_a.public_pem)));
  auto inconsistent = deref_->fetch("http://peer.test/users/bob");
  ASSERT_FALSE(inconsistent.ok());
  EXPECT_NE(inconsistent.error().message.find("fetch_wrong_id"), std::string::npos);
  expect_all_signed();
}

TEST_F(FetchTest, RefusedHostsMakeNoConnection) {
  auto blocked = deref_->fetch("http://blocked.test/users/x");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().kind, core::ErrorKind::forbidden);
  auto sub = deref_->fetch("http://sub.blocked.test/users/x");
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.error().kind, core::ErrorKind::forbidden);
  auto ours = deref_->fetch("https://guild.test/users/x");
  ASSERT_FALSE(ours.ok());
  EXPECT_EQ(ours.error().kind, core::ErrorKind::forbidden);
  auto actor = actors_->get("http://blocked.test/users/x");
  EXPECT_FALSE(actor.ok());

  // A redirect to a refused host is stopped at that hop.
  peer_->set("/r/evil", Canned{302, "", "", {{"Location", "http://blocked.test/users/x"}}});
  auto redirected = deref_->fetch("http://peer.test/r/evil");
  ASSERT_FALSE(redirected.ok());
  EXPECT_EQ(redirected.error().kind, core::ErrorKind::forbidden);

  EXPECT_EQ(dns_->lookups("blocked.test"), 0u);
  EXPECT_EQ(dns_->lookups("guild.test"), 0u);
  EXPECT_EQ(peer_->count(), 1u);  // only the /r/evil hop
}

TEST_F(FetchTest, NotFoundAndGoneAreNotFound) {
  peer_->set("/users/gone", Canned{410, "application/activity+json", "{}", {}});
  auto gone = deref_->fetch("http://peer.test/users/gone");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().kind, core::ErrorKind::not_found);
  auto missing = deref_->fetch("http://peer.test/users/nobody");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, core::ErrorKind::not_found);
  peer_->set("/users/busy", Canned{503, "text/plain", "busy", {}});
  auto busy = deref_->fetch("http://peer.test/users/busy");
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().kind, core::ErrorKind::unavailable);
}

TEST_F(FetchTest, WebFingerResolvesHandles) {
  peer_->set("/users/alice", as2(actor_json("/users/alice", "alice", keys().alice_a.public_pem)));
  peer_->set("/.well-known/webfinger?resource=acct:alice@peer.test",
             Canned{200,
                    "application/jrd+json; charset=utf-8",
                    webfinger_json("acct:alice@peer.test", "http://peer.test/users/alice"),
                    {}});
  auto actor = actors_->resolve_handle("@alice@peer.test");
  ASSERT_TRUE(actor.ok()) << actor.error().message;
  EXPECT_EQ(actor->ap_id, "http://peer.test/users/alice");
  EXPECT_EQ(actor->handle, "alice");
  expect_all_signed();

  // bob's WebFinger points at alice: refused.
  peer_->set("/.well-known/webfinger?resource=acct:bob@peer.test",
             Canned{200,
                    "application/jrd+json",
                    webfinger_json("acct:bob@peer.test", "http://peer.test/users/alice"),
                    {}});
  auto mismatch = actors_->resolve_handle("bob@peer.test");
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().kind, core::ErrorKind::forbidden);

  // A self link to another host that does not confirm the actor: refused.
  peer_->set("/.well-known/webfinger?resource=acct:eve@peer.test",
             Canned{200,
                    "application/jrd+json",
                    webfinger_json("acct:eve@peer.test", "http://blocked.test/users/eve"),
                    {}});
  EXPECT_FALSE(actors_->resolve_handle("eve@peer.test").ok());
  EXPECT_EQ(dns_->lookups("blocked.test"), 0u);

  EXPECT_FALSE(actors_->resolve_handle("not-a-handle").ok());
  EXPECT_FALSE(actors_->resolve_handle("a@b@c").ok());
}

TEST_F(FetchTest, HandleLookupsAreCachedAndMissesForAShortTime) {
  const std::string webfinger = "/.well-known/webfinger?resource=acct:alice@peer.test";
  peer_->set("/users/alice", as2(actor_json("/users/alice", "alice", keys().alice_a.public_pem)));
  peer_->set(webfinger,
             Canned{200,
                    "application/jrd+json",
                    webfinger_json("acct:alice@peer.test", "http://peer.test/users/alice"),
                    {}});
  for (const char* handle : {"alice@peer.test", "@Alice@peer.test", "acct:alice@PEER.test"}) {
    auto actor = actors_->resolve_handle(handle);
    ASSERT_TRUE(actor.ok()) << handle << ": " << actor.error().message;
    EXPECT_EQ(actor->ap_id, "http://peer.test/users/alice");
  }
  EXPECT_EQ(gets_of(webfinger), 1u);
  EXPECT_EQ(gets_of("/users/alice"), 1u);  // the stored copy serves while fresh
  EXPECT_EQ(actors_->webfinger_requests(), 1u);

  // A name that does not exist: asked once, then answered from memory until handle_miss_ttl.
  const std::string nobody = "/.well-known/webfinger?resource=acct:nobody@peer.test";
  for (int i = 0; i < 3; ++i) {
    auto miss = actors_->resolve_handle("nobody@peer.test");
    ASSERT_FALSE(miss.ok());
    EXPECT_EQ(miss.error().kind, core::ErrorKind::not_found);
  }
  EXPECT_EQ(gets_of(nobody), 1u);
  clock_->advance(RemoteActorsOptions{}.handle_miss_ttl + std::chrono::seconds(1));
  EXPECT_FALSE(actors_->resolve_handle("nobody@peer.test").ok());
  EXPECT_EQ(gets_of(nobody), 2u);

  // After handle_ttl the name is looked up again (an account may have moved).
  clock_->advance(RemoteActorsOptions{}.handle_ttl);
  ASSERT_TRUE(actors_->resolve_handle("alice@peer.test").ok());
  EXPECT_EQ(gets_of(webfinger), 2u);

  // A peer that is down is not remembered as a miss.
  auto down = actors_->resolve_handle("someone@down.test");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().kind, core::ErrorKind::unavailable);
  EXPECT_EQ(actors_->webfinger_requests(), 5u);  // alice twice, nobody twice, this one
  EXPECT_FALSE(actors_->resolve_handle("someone@down.test").ok());
  EXPECT_EQ(actors_->webfinger_requests(), 6u);
}

// ---- FetchingKeyResolver ----

TEST_F(FetchTest, KeyOfActorDocument) {
  peer_->set("/users/alice", as2(actor_json("/users/alice", "alice", keys().alice_a.public_pem)));
  auto key = resolver_->resolve("http://peer.test/users/alice#main-key", false);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->owner, "http://peer.test/users/alice");
  EXPECT_FALSE(key->from_cache);
  EXPECT_TRUE(
      key->key.same_key(signatures::PublicKey::from_pem(keys().alice_a.public_pem).value()));
  // Cached afterwards: no new request.
  auto again = resolver_->resolve("http://peer.test/users/alice#main-key", false);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->from_cache);
  EXPECT_EQ(peer_->count(), 1u);
  // A key id the actor does not list is refused.
  auto other = resolver_->resolve("http://peer.test/users/alice#other-key", true);
  EXPECT_FALSE(other.ok());
  expect_all_signed();
}

TEST_F(FetchTest, KeyObjectWithOwnerNeedsTheBackLink) {
  // carol lists /keys/carol; the key document names carol as owner.
  serve_carol_with_key_document();
  auto key = resolver_->resolve("http://peer.test/keys/carol", false);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->owner, "http://peer.test/users/carol");

  // A key document claiming alice, whose actor does not list it: refused (SIG-18).
  peer_->set("/users/alice", as2(actor_json("/users/alice", "alice", keys().alice_a.public_pem)));
  nlohmann::json forged = {{"id", "http://peer.test/keys/forged"},
                           {"type", "CryptographicKey"},
                           {"owner", "http://peer.test/users/alice"},
                           {"publicKeyPem", keys().carol.public_pem}};
  peer_->set("/keys/forged", as2(forged.dump()));
  auto refused = resolver_->resolve("http://peer.test/keys/forged", false);
  EXPECT_FALSE(refused.ok());

  // The owner lists the key id but with a different key: refused too.
  peer_->set("/users/dave", as2(actor_json("/users/dave", "dave", keys().alice_a.public_pem,
                                           "http://peer.test/keys/dave")));
  nlohmann::json swapped = {{"id", "http://peer.test/keys/dave"},
                            {"type", "CryptographicKey"},
                            {"owner", "http://peer.test/users/dave"},
                            {"publicKeyPem", keys().carol.public_pem}};
  peer_->set("/keys/dave", as2(swapped.dump()));
  EXPECT_FALSE(resolver_->resolve("http://peer.test/keys/dave", false).ok());
  expect_all_signed();
}

TEST_F(FetchTest, StoredKeyIsFoundByKeyIdWithoutFetching) {
  // carol's key lives at /keys/carol (not her id plus a fragment); resolving it once stores her.
  serve_carol_with_key_document();
  ASSERT_TRUE(resolver_->resolve("http://peer.test/keys/carol", false).ok());
  const std::size_t fetched = peer_->count();

  // A fresh resolver (another process, or after a restart) finds it in storage by the key id.
  FetchingKeyResolver fresh(*actors_);
  auto key = fresh.resolve("http://peer.test/keys/carol", false);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->owner, "http://peer.test/users/carol");
  EXPECT_TRUE(key->from_cache) << "a stored key may be refreshed on a verification failure";
  EXPECT_EQ(peer_->count(), fetched) << "no request";
  EXPECT_EQ(fresh.network_fetches(), 0u);

  // A stored actor on another origin claiming a key id of peer.test is not believed.
  storage::RemoteActorForm claimant;
  claimant.ap_id = "http://evil.test/users/mallory";
  claimant.handle = "mallory";
  claimant.domain = "evil.test";
  claimant.inbox_url = "http://evil.test/users/mallory/inbox";
  claimant.public_key_id = "http://peer.test/keys/orphan";
  claimant.public_key_pem = keys().alice_a.public_pem;
  ASSERT_TRUE(
      db_->transact([&](storage::Tx& tx) { return tx.actors().upsert_remote(claimant); }).ok());
  EXPECT_FALSE(fresh.resolve("http://peer.test/keys/orphan", false).ok());
  EXPECT_EQ(gets_of("/keys/orphan"), 1u) << "asked its origin instead (404 there)";
}

TEST_F(FetchTest, ConcurrentMissesForOneKeyFetchItOnce) {
  Canned slow = as2(actor_json("/users/alice", "alice", keys().alice_a.public_pem));
  slow.delay = std::chrono::milliseconds(300);
  peer_->set("/users/alice", slow);
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<int> ok(kThreads, 0);
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([this, &ok, i] {
      auto key = resolver_->resolve("http://peer.test/users/alice#main-key", false);
      ok[static_cast<std::size_t>(i)] = key.ok() && key->owner == "http://peer.test/users/alice";
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(std::count(ok.begin(), ok.end(), 1), kThreads);
  EXPECT_EQ(gets_of("/users/alice"), 1u) << "single flight";
  EXPECT_EQ(resolver_->network_fetches(), 1u);
}

TEST_F(FetchTest, Ed25519MultikeyFromAssertionMethodVerifiesAnRfc9421Signature) {
  // FEP-521a: the actor lists an Ed25519 Multikey (carol's test key) in assertionMethod.
  auto doc = nlohmann::json::parse(actor_json("/users/erin", "erin", keys().alice_a.public_pem));
  const std::string ed_key_id = "http://peer.test/users/erin#ed25519-key";
  doc["assertionMethod"] = {
      {{"id", ed_key_id},
       {"type", "Multikey"},
       {"controller", "http://peer.test/users/erin"},
       {"publicKeyMultibase", "z6MkjrsDCJZhz2qCS4quEaSFqwXk5B8F6uHZA8jMdYMA6tjP"}}};
  peer_->set("/users/erin", as2(doc.dump()));

  signatures::SignRequestInput in{
      .method = "POST",
      .target = "/inbox",
      .host = "guild.test",
      .headers = {{"Content-Type", "application/activity+json"}},
      .body = std::string_view(R"({"type":"Follow"})"),
      .key_id = ed_key_id,
      .key = signatures::PrivateKey::from_pem(signatures::testing::k_carol_private).value()};
  auto signed_headers = signatures::sign_request_rfc9421(in, *clock_, "https");
  ASSERT_TRUE(signed_headers.ok()) << signed_headers.error().message;
  signatures::VerifyInput verify{"POST", "/inbox", {}, R"({"type":"Follow"})", "https"};
  verify.headers.add("Host", "guild.test");
  verify.headers.add("Content-Type", "application/activity+json");
  for (const auto& [name, value] : *signed_headers)
    verify.headers.add(name, value);
  signatures::VerifyOptions options;
  options.expected_host = "guild.test";
  options.allow_http_key_id = true;
  auto verified = signatures::verify_request(verify, *resolver_, *clock_, options);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->owner, "http://peer.test/users/erin");
  EXPECT_EQ(verified->algorithm, "ed25519");

  // Stored with erin: a new resolver (a restart, another process) finds it without any fetch.
  peer_->clear();
  FetchingKeyResolver restarted(*actors_);
  auto again = signatures::verify_request(verify, restarted, *clock_, options);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->owner, "http://peer.test/users/erin");
  EXPECT_EQ(restarted.network_fetches(), 0u);
  EXPECT_EQ(peer_->count(), 0u);

  // A multikey controlled by someone else is not erin's (and the stored one goes with it).
  doc["assertionMethod"][0]["controller"] = "http://peer.test/users/mallory";
  peer_->set("/users/erin", as2(doc.dump()));
  FetchingKeyResolver fresh(*actors_);
  EXPECT_FALSE(fresh.resolve(ed_key_id, true).ok());
  ASSERT_TRUE(actors_->refresh("http://peer.test/users/erin").ok());
  EXPECT_FALSE(FetchingKeyResolver(*actors_).resolve(ed_key_id, false).ok());
}

TEST_F(FetchTest, KeyRotationRefreshesOnceThenRateLimits) {
  const std::string key_id = "http://peer.test/users/alice#main-key";
  peer_->set("/users/alice", as2(actor_json("/users/alice", "alice", keys().alice_a.public_pem)));
  ASSERT_TRUE(resolver_->resolve(key_id, false).ok());
  EXPECT_EQ(gets_of("/users/alice"), 1u);

  // alice rotates; the cached key is still served until a refresh is asked for.
  peer_->set("/users/alice", as2(actor_json("/users/alice", "alice", keys().alice_b.public_pem)));
  const auto key_b = signatures::PublicKey::from_pem(keys().alice_b.public_pem).value();
  auto cached = resolver_->resolve(key_id, false);
  ASSERT_TRUE(cached.ok());
  EXPECT_TRUE(cached->from_cache);
  EXPECT_FALSE(cached->key.same_key(key_b));

  // Five minutes after the first fetch the refresh is allowed: the new key, stored too.
  clock_->advance(std::chrono::minutes(6));
  auto refreshed = resolver_->resolve(key_id, true);
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().message;
  EXPECT_TRUE(refreshed->key.same_key(key_b));
  EXPECT_FALSE(refreshed->from_cache);
  EXPECT_EQ(gets_of("/users/alice"), 2u);
  auto stored = db_->read(
      [](storage::Tx& tx) { return tx.actors().get_by_ap_id("http://peer.test/users/alice"); });
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->public_key_pem, keys().alice_b.public_pem);

  // A second refresh within 5 minutes is answered from the cache (SIG-29).
  clock_->advance(std::chrono::minutes(2));
  auto limited = resolver_->resolve(key_id, true);
  ASSERT_TRUE(limited.ok());
  EXPECT_FALSE(limited->from_cache);
  EXPECT_TRUE(limited->key.same_key(key_b));
  EXPECT_EQ(gets_of("/users/alice"), 2u);

  clock_->advance(std::chrono::minutes(4));
  ASSERT_TRUE(resolver_->resolve(key_id, true).ok());
  EXPECT_EQ(gets_of("/users/alice"), 3u);
  expect_all_signed();
}

TEST_F(FetchTest, KeyRotationThroughVerifyRequest) {
  const std::string key_id = "http://peer.test/users/alice#main-key";
  peer_->set("/users/alice", as2(actor_json("/users/alice", "alice", keys().alice_a.public_pem)));
  ASSERT_TRUE(resolver_->resolve(key_id, false).ok());
  peer_->set("/users/alice", as2(actor_json("/users/alice", "alice", keys().alice_b.public_pem)));
  clock_->advance(std::chrono::minutes(6));

  // alice signs with her new key; our verifier refreshes once and accepts.
  const std::string body = R"({"type":"Follow"})";
  signatures::SignRequestInput in{
      .method = "POST",
      .target = "/inbox",
      .host = "guild.test",
      .headers = {{"Content-Type", "application/activity+json"}},
      .body = body,
      .key_id = key_id,
      .key = signatures::PrivateKey::from_pem(keys().alice_b.private_pem).value()};
  auto signed_headers = signatures::sign_request(in, *clock_).value();
  signatures::VerifyInput verify;
  verify.method = "POST";
  verify.target = "/inbox";
  verify.body = body;
  verify.headers.add("Host", "guild.test");
  verify.headers.add("Content-Type", "application/activity+json");
  for (auto& [name, value] : signed_headers)
    verify.headers.add(name, value);
  signatures::VerifyOptions options;
  options.allow_http_key_id = true;
  options.expected_host = "guild.test";
  auto verified = signatures::verify_request(verify, *resolver_, *clock_, options);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->owner, "http://peer.test/users/alice");
  EXPECT_TRUE(verified->refreshed_key);
  EXPECT_EQ(gets_of("/users/alice"), 2u);
}

TEST_F(FetchTest, FailedKeyFetchesAreNegativelyCached) {
  const std::string key_id = "http://peer.test/users/ghost#main-key";
  EXPECT_FALSE(resolver_->resolve(key_id, false).ok());
  EXPECT_EQ(gets_of("/users/ghost"), 1u);
  auto second = resolver_->resolve(key_id, true);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, core::ErrorKind::unavailable);
  EXPECT_EQ(gets_of("/users/ghost"), 1u);  // no fetch (SIG-21)

  clock_->advance(std::chrono::minutes(11));
  peer_->set("/users/ghost", as2(actor_json("/users/ghost", "ghost", keys().carol.public_pem)));
  auto later = resolver_->resolve(key_id, false);
  ASSERT_TRUE(later.ok()) << later.error().message;
  EXPECT_EQ(gets_of("/users/ghost"), 2u);
}

TEST_F(FetchTest, BlockedKeyDomainIsForbiddenWithoutFetching) {
  auto key = resolver_->resolve("http://blocked.test/users/x#main-key", false);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().kind, core::ErrorKind::forbidden);
  EXPECT_EQ(dns_->lookups("blocked.test"), 0u);
  EXPECT_EQ(peer_->count(), 0u);
}

TEST_F(FetchTest, SuspendedActorKeyIsForbidden) {
  peer_->set("/users/alice", as2(actor_json("/users/alice", "alice", keys().alice_a.public_pem)));
  auto actor = actors_->get("http://peer.test/users/alice");
  ASSERT_TRUE(actor.ok());
  storage::ActorUpdate update;
  update.suspended_at = std::optional<core::TimePoint>(clock_->now());
  ASSERT_TRUE(
      db_->transact([&](storage::Tx& tx) { return tx.actors().update(actor->id, update); }).ok());
  auto key = resolver_->resolve("http://peer.test/users/alice#main-key", false);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().kind, core::ErrorKind::forbidden);
  EXPECT_EQ(peer_->count(), 1u);
}

TEST_F(FetchTest, LocalKeysComeFromStorageOnly) {
  storage::NewLocalActor local;
  local.handle = "guild.test";
  local.ap_id = kInstanceActor;
  local.inbox_url = std::string(kInstanceActor) + "/inbox";
  local.public_key_id = kInstanceKeyId;
  local.public_key_pem = keys().instance.public_pem;
  local.private_key_pem = keys().instance.private_pem;
  ASSERT_TRUE(db_->transact([&](storage::Tx& tx) {
                   return tx.actors().create_local(storage::ActorKind::application, local);
                 })
                  .ok());
  auto key = resolver_->resolve(kInstanceKeyId, false);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->owner, kInstanceActor);
  EXPECT_FALSE(resolver_->resolve("https://guild.test/users/nobody#main-key", false).ok());
  EXPECT_EQ(peer_->count(), 0u);
  EXPECT_EQ(dns_->lookups("guild.test"), 0u);
  auto actor = actors_->get(kInstanceActor);
  ASSERT_TRUE(actor.ok());
  EXPECT_TRUE(actor->is_local());
}

// ---- SignedDeliveryTransport ----

TEST_F(FetchTest, DeliverySignedAndVerifiedByThePeer) {
  peer_->set("/users/alice/inbox", Canned{202, "", "", {}});
  auto outcome =
      deliver("http://peer.test/users/alice/inbox", kInstanceKeyId, keys().instance.private_pem);
  EXPECT_EQ(outcome.result, DeliveryResult::delivered) << outcome.error;
  EXPECT_EQ(outcome.status, 202);
  ASSERT_EQ(peer_->count(), 1u);
  const auto rec = peer_->received().front();
  EXPECT_EQ(rec.method, "POST");
  EXPECT_EQ(rec.body, R"({"id":"https://guild.test/activities/1","type":"Follow"})");
  expect_all_signed();
}

TEST_F(FetchTest, DeliveryOutcomesFollowTheStatus) {
  peer_->set("/users/a/inbox", Canned{500, "", "", {}});
  peer_->set("/users/b/inbox", Canned{410, "", "", {}});
  peer_->set("/users/c/inbox", Canned{429, "", "", {{"Retry-After", "120"}}});
  const auto& pem = keys().instance.private_pem;
  auto server_error = deliver("http://peer.test/users/a/inbox", kInstanceKeyId, pem);
  EXPECT_EQ(server_error.result, DeliveryResult::transient);
  EXPECT_EQ(server_error.status, 500);
  auto gone = deliver("http://peer.test/users/b/inbox", kInstanceKeyId, pem);
  EXPECT_EQ(gone.result, DeliveryResult::permanent);
  auto limited = deliver("http://peer.test/users/c/inbox", kInstanceKeyId, pem);
  EXPECT_EQ(limited.result, DeliveryResult::transient);
  EXPECT_EQ(limited.retry_after, std::chrono::seconds(120));
  expect_all_signed();

  auto unreachable = deliver("http://down.test/inbox", kInstanceKeyId, pem);
  EXPECT_EQ(unreachable.result, DeliveryResult::transient) << unreachable.error;
}

TEST_F(FetchTest, DeliveryRefusalsArePermanentWithoutNetwork) {
  const auto& pem = keys().instance.private_pem;
  auto blocked = deliver("http://blocked.test/inbox", kInstanceKeyId, pem);
  EXPECT_EQ(blocked.result, DeliveryResult::permanent);
  auto bad_url = deliver("file:///etc/passwd", kInstanceKeyId, pem);
  EXPECT_EQ(bad_url.result, DeliveryResult::permanent);
  auto no_key = deliver("http://peer.test/inbox", "", "");
  EXPECT_EQ(no_key.result, DeliveryResult::permanent);
  auto bad_key = deliver("http://peer.test/inbox", "https://guild.test/x#k", "not a pem");
  EXPECT_EQ(bad_key.result, DeliveryResult::permanent);
  EXPECT_EQ(dns_->lookups("blocked.test"), 0u);
  EXPECT_EQ(peer_->count(), 0u);
}

// ---- NodeInfo: which software a peer runs ----

Canned nodeinfo_json(const nlohmann::json& body) {
  return Canned{200, "application/json", body.dump(), {}};
}

TEST_F(FetchTest, NodeInfoNamesAPeersSoftwareOnceADay) {
  peer_->set("/.well-known/nodeinfo",
             nodeinfo_json({{"links",
                             {{{"rel", "http://nodeinfo.diaspora.software/ns/schema/2.0"},
                               {"href", "http://peer.test/nodeinfo/2.0"}},
                              {{"rel", "http://nodeinfo.diaspora.software/ns/schema/2.1"},
                               {"href", "http://peer.test/nodeinfo/2.1"}}}}}));
  peer_->set("/nodeinfo/2.1",
             nodeinfo_json(
                 {{"version", "2.1"}, {"software", {{"name", "Lemmy"}, {"version", "0.19.3"}}}}));
  InstanceSoftware software(*deref_, *db_);
  software.refresh_if_stale("http://peer.test/users/alice");
  auto instance =
      db_->read([](storage::Tx& tx) { return tx.instances().get_by_host("peer.test"); });
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  EXPECT_EQ(instance->software_name, "lemmy");  // the 2.1 document, lowercased
  EXPECT_EQ(instance->software_version, "0.19.3");
  EXPECT_EQ(gets_of("/.well-known/nodeinfo"), 1u);
  EXPECT_EQ(gets_of("/nodeinfo/2.0"), 0u);

  // Known and fresh: no request; a day later it is asked again.
  software.refresh_if_stale("http://peer.test/c/main");
  EXPECT_EQ(gets_of("/.well-known/nodeinfo"), 1u);
  clock_->advance(std::chrono::hours(25));
  peer_->set("/nodeinfo/2.1",
             nodeinfo_json({{"software", {{"name", "lemmy"}, {"version", "1.0"}}}}));
  software.refresh_if_stale("http://peer.test/users/alice");
  EXPECT_EQ(gets_of("/.well-known/nodeinfo"), 2u);
  EXPECT_EQ(db_->read([](storage::Tx& tx) { return tx.instances().get_by_host("peer.test"); })
                ->software_version,
            "1.0");

  // Refused hosts and our own are never asked.
  const auto before = peer_->count();
  software.refresh_if_stale("http://blocked.test/users/x");
  software.refresh_if_stale("https://guild.test/users/alice");
  EXPECT_EQ(peer_->count(), before);
}

TEST_F(FetchTest, NodeInfoFailuresAreRetriedAfterAnHourOnly) {
  InstanceSoftware software(*deref_, *db_);
  software.refresh_if_stale("http://peer.test/users/alice");  // 404
  EXPECT_EQ(gets_of("/.well-known/nodeinfo"), 1u);
  software.refresh_if_stale("http://peer.test/users/alice");
  EXPECT_EQ(gets_of("/.well-known/nodeinfo"), 1u);
  clock_->advance(std::chrono::minutes(61));
  software.refresh_if_stale("http://peer.test/users/alice");
  EXPECT_EQ(gets_of("/.well-known/nodeinfo"), 2u);
  auto instance =
      db_->read([](storage::Tx& tx) { return tx.instances().get_by_host("peer.test"); });
  EXPECT_TRUE(!instance.ok() || !instance->software_name);
}

TEST(NodeInfo, DocumentLinksStayOnTheHostAndNamesAreBounded) {
  const auto served_by = egress::parse_url("https://peer.example/.well-known/nodeinfo").value();
  const auto link = [](const std::string& rel, const std::string& href) {
    return nlohmann::json{{"rel", rel}, {"href", href}};
  };
  const std::string v20 = "http://nodeinfo.diaspora.software/ns/schema/2.0";
  const std::string v21 = "http://nodeinfo.diaspora.software/ns/schema/2.1";
  EXPECT_EQ(
      nodeinfo_document_url({{"links", {link(v20, "https://peer.example/ni/2.0")}}}, served_by)
          .value(),
      "https://peer.example/ni/2.0");
  // Another host (SSRF), another scheme, an unknown schema: not followed.
  EXPECT_FALSE(
      nodeinfo_document_url({{"links", {link(v21, "https://169.254.169.254/latest")}}}, served_by)
          .ok());
  EXPECT_FALSE(
      nodeinfo_document_url({{"links", {link(v21, "http://peer.example/ni/2.1")}}}, served_by)
          .ok());
  EXPECT_FALSE(nodeinfo_document_url({{"links",
                                       {link("http://nodeinfo.diaspora.software/ns/schema/1.0",
                                             "https://peer.example/ni/1.0")}}},
                                     served_by)
                   .ok());
  EXPECT_FALSE(nodeinfo_document_url({{"links", "x"}}, served_by).ok());

  EXPECT_EQ(nodeinfo_software({{"software", {{"name", "Mbin"}}}})->name, "mbin");
  EXPECT_FALSE(nodeinfo_software({{"software", {{"name", "<script>"}}}}).ok());
  EXPECT_FALSE(nodeinfo_software({{"software", {{"name", std::string(65, 'a')}}}}).ok());
  EXPECT_FALSE(nodeinfo_software({{"software", "lemmy"}}).ok());
  EXPECT_EQ(nodeinfo_software({{"software", {{"name", "pf"}, {"version", std::string(100, '1')}}}})
                ->version->size(),
            64u);
}

}  // namespace
}  // namespace guildhall::federation::fetch
