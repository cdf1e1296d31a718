#pragma once

// A local instance (us.example) with two local people, dave (follows accepted at once) and erin
// (approves followers by hand), and remote people alice@a.example, bob@b.example and
// mallory@evil.example with fixed keys; requests are signed as the peer would sign them.
// In-memory SQLite, or a fresh PostgreSQL database when built with GUILDHALL_INBOX_POSTGRES (the
// `postgres` CTest fixture provides the cluster).

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "guildhall/activitystreams/parse.hpp"
#include "guildhall/core/clock.hpp"
#include "guildhall/federation/inbox/inbox.hpp"
#include "guildhall/federation/inbox/processor.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/federation/signatures/sign.hpp"
#include "guildhall/federation/signatures/verify.hpp"
#include "guildhall/storage/database.hpp"
#include "guildhall/storage/federation_queue.hpp"

#include "test_keys.hpp"
#ifdef GUILDHALL_INBOX_POSTGRES
#include "backends.hpp"
#endif

namespace guildhall::federation::inbox::testing {

namespace sig = guildhall::federation::signatures;

inline core::TimePoint t0() {
  return core::TimePoint(std::chrono::seconds(1772366400));
}

inline const std::string kOrigin = "https://us.example";
inline const std::string kDave = kOrigin + "/users/dave";
inline const std::string kErin = kOrigin + "/users/erin";
inline const std::string kAlice = "https://a.example/users/alice";
inline const std::string kBob = "https://b.example/users/bob";
inline const std::string kMallory = "https://evil.example/users/mallory";

class InboxFixture : public ::testing::Test {
 protected:
  InboxFixture() : clock_(t0()), peers_(FederationMode::blocklist), urls_(kOrigin) {
    std::string url = "sqlite::memory:";
#ifdef GUILDHALL_INBOX_POSTGRES
    backend_ = std::make_unique<storage::testing::PostgresBackend>();
    url = backend_->create(skip_reason_);
    if (url.empty())
      return;  // SetUp() skips the test
#endif
    storage::DatabaseOptions options;
    options.clock = &clock_;
    db_ = storage::open_database(url, options).value();
    db_->migrate().value();
    alice_key_ = sig::PrivateKey::from_pem(sig::testing::k_alice_private).value();
    bob_key_ = sig::PrivateKey::from_pem(sig::testing::k_bob_private).value();
    resolver_.add(kAlice + "#main-key", kAlice,
                  sig::PublicKey::from_pem(sig::testing::k_alice_public).value());
    resolver_.add(kBob + "#main-key", kBob,
                  sig::PublicKey::from_pem(sig::testing::k_bob_public).value());
    // Mallory signs with bob's key material: the key is fine, her instance is not.
    resolver_.add(kMallory + "#main-key", kMallory,
                  sig::PublicKey::from_pem(sig::testing::k_bob_public).value());
    dave_ = add_local("dave", false);
    erin_ = add_local("erin", true);
    alice_ = add_remote(kAlice, "alice", "a.example");
    bob_ = add_remote(kBob, "bob", "b.example");
    mallory_ = add_remote(kMallory, "mallory", "evil.example");
    db_->transact([&](storage::Tx& tx) -> core::Result<void> {
         auto i = tx.instances().ensure("evil.example");
         if (!i)
           return std::move(i).error();
         auto p = tx.instances().set_policy("evil.example", storage::FederationPolicy::block);
         if (!p)
           return std::move(p).error();
         return {};
       })
        .value();
    peers_.reload(*db_).value();
    InboxOptions inbox_options;
    inbox_options.on_accepted = [this] { ++accepted_notifications_; };
    inbox_ = std::make_unique<Inbox>(*db_, resolver_, peers_, urls_, clock_, inbox_options);
    processor_ = make_processor();
  }

  void SetUp() override {
    if (!skip_reason_.empty()) {
#ifdef GUILDHALL_INBOX_POSTGRES
      if (storage::testing::running_in_ci())
        FAIL() << skip_reason_;
#endif
      GTEST_SKIP() << skip_reason_;
    }
  }

  std::unique_ptr<InboxProcessor> make_processor() {
    ProcessorOptions options;
    options.on_enqueued = [this] { ++enqueued_notifications_; };
    return std::make_unique<InboxProcessor>(*db_, urls_, clock_, options);
  }

  storage::Actor add_local(const std::string& handle, bool manual) {
    storage::NewUser user;
    user.actor.handle = handle;
    user.actor.ap_id = kOrigin + "/users/" + handle;
    user.actor.inbox_url = user.actor.ap_id + "/inbox";
    user.actor.shared_inbox_url = kOrigin + "/inbox";
    user.actor.manually_approves_followers = manual;
    user.password_hash = "x";
    return db_->transact([&](storage::Tx& tx) { return tx.users().create(user); }).value().actor;
  }

  storage::Actor add_remote(const std::string& ap_id, const std::string& handle,
                            const std::string& domain) {
    storage::RemoteActorForm form;
    form.ap_id = ap_id;
    form.handle = handle;
    form.domain = domain;
    form.inbox_url = ap_id + "/inbox";
    form.shared_inbox_url = "https://" + domain + "/inbox";
    form.public_key_id = ap_id + "#main-key";
    return db_->transact([&](storage::Tx& tx) { return tx.actors().upsert_remote(form); }).value();
  }

  // The request a peer would send: signed with draft-cavage rsa-sha256 as Mastodon does.
  InboxRequest signed_request(const std::string& body, const std::string& signer = kAlice,
                              const std::string& target = "/inbox",
                              const std::string& content_type = "application/activity+json") {
    const sig::PrivateKey& key = signer == kAlice ? alice_key_ : bob_key_;
    sig::SignRequestInput in{
        "POST", target, "us.example", {{"Content-Type", content_type}}, body, signer + "#main-key",
        key};
    auto added = sig::sign_request(in, clock_);
    EXPECT_TRUE(added.ok());
    InboxRequest req;
    req.method = "POST";
    req.target = target;
    req.headers.add("Host", "us.example");
    req.headers.add("Content-Type", content_type);
    for (auto& [k, v] : *added)
      req.headers.add(k, v);
    req.body = body;
    req.recipient =
        target == "/inbox" ? kOrigin + "/inbox" : kOrigin + target.substr(0, target.size() - 6);
    return req;
  }

  core::Result<Receipt> post(const std::string& body, const std::string& signer = kAlice,
                             const std::string& target = "/inbox") {
    return inbox_->receive(signed_request(body, signer, target));
  }

  // Receive and handle at once; returns the receive status.
  int deliver(const std::string& body, const std::string& signer = kAlice) {
    auto r = post(body, signer);
    processor_->process_due();
    return r.ok() ? 202 : http_status(r.error());
  }

  // Real-world fixtures: stubs the activity's actor (a stored remote actor whose key is alice's)
  // and signs the payload as it; received by an inbox that accepts http:// key ids (Lemmy's test
  // data uses them).
  int receive_as_actor(const std::string& body, const std::string& target = "/inbox",
                       const std::string& recipient = kOrigin + "/inbox") {
    auto parsed = activitystreams::parse(body);
    if (!parsed)
      return 400;
    // A bare object (no actor) is signed by alice and must be refused as malformed.
    const std::string actor = parsed->actor.id().empty() ? kAlice : parsed->actor.id();
    stub_actor(actor);
    sig::SignRequestInput in{"POST",       target,
                             "us.example", {{"Content-Type", "application/activity+json"}},
                             body,         actor + "#main-key",
                             alice_key_};
    auto added = sig::sign_request(in, clock_).value();
    InboxRequest req;
    req.method = "POST";
    req.target = target;
    req.recipient = recipient;
    req.headers.add("Host", "us.example");
    req.headers.add("Content-Type", "application/activity+json");
    for (auto& [k, v] : added)
      req.headers.add(k, v);
    req.body = body;
    if (!lenient_) {
      InboxOptions options;
      options.verify.allow_http_key_id = true;
      lenient_ = std::make_unique<Inbox>(*db_, resolver_, peers_, urls_, clock_, options);
    }
    auto r = lenient_->receive(req);
    return r.ok() ? 202 : http_status(r.error());
  }

  // A stored remote actor (kind person unless stored otherwise before) signing with alice's key.
  void stub_actor(const std::string& actor) {
    if (actor.empty())
      return;
    resolver_.add(actor + "#main-key", actor,
                  sig::PublicKey::from_pem(sig::testing::k_alice_public).value());
    auto known = db_->read([&](storage::Tx& tx) { return tx.actors().get_by_ap_id(actor); });
    if (known.ok())
      return;
    std::string handle = actor.substr(actor.find_last_of('/') + 1);
    for (char& c : handle)
      if (!std::isalnum(static_cast<unsigned char>(c)))
        c = '_';
    std::string domain = storage::inbox_host(actor).value_or("unknown.example");
    for (int n = 0; n < 5; ++n) {
      storage::RemoteActorForm form;
      form.ap_id = actor;
      form.handle = n == 0 ? handle : handle + "_" + std::to_string(n);
      form.domain = domain;
      form.inbox_url = actor + "/inbox";
      auto r = db_->transact([&](storage::Tx& tx) { return tx.actors().upsert_remote(form); });
      if (r.ok())
        return;
    }
    ADD_FAILURE() << "could not stub " << actor;
  }

  std::int64_t log_rows() {
    return db_->read([&](storage::Tx& tx) { return tx.inbox_log().count_pending(); }).value();
  }

  std::optional<storage::Follow> follow(storage::Id follower, storage::Id followee) {
    auto f = db_->read([&](storage::Tx& tx) { return tx.follows().get(follower, followee); });
    if (!f)
      return std::nullopt;
    return *f;
  }

  std::optional<storage::Post> post_by_ap_id(const std::string& ap_id) {
    auto p = db_->read([&](storage::Tx& tx) { return tx.posts().get_by_ap_id(ap_id); });
    if (!p)
      return std::nullopt;
    return *p;
  }

  storage::QueueDepth deliveries() {
    return db_->read([&](storage::Tx& tx) { return tx.delivery_queue().depth(clock_.now()); })
        .value();
  }

  core::ManualClock clock_;
  std::string skip_reason_;
#ifdef GUILDHALL_INBOX_POSTGRES
  std::unique_ptr<storage::testing::PostgresBackend> backend_;  // outlives db_
#endif
  std::unique_ptr<storage::Database> db_;
  sig::InMemoryKeyResolver resolver_;
  PeerPolicy peers_;
  Urls urls_;
  sig::PrivateKey alice_key_ = sig::PrivateKey::from_pem(sig::testing::k_alice_private).value();
  sig::PrivateKey bob_key_ = sig::PrivateKey::from_pem(sig::testing::k_bob_private).value();
  storage::Actor dave_, erin_, alice_, bob_, mallory_;
  std::unique_ptr<Inbox> inbox_;
  std::unique_ptr<Inbox> lenient_;
  std::unique_ptr<InboxProcessor> processor_;
  std::atomic<int> accepted_notifications_{0};  // receive() may run on many threads
  int enqueued_notifications_ = 0;
};

}  // namespace guildhall::federation::inbox::testing
