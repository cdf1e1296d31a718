// FetchAuthorizer: signed GETs (authorized fetch) with fixed keys, an injected clock and a policy
// loaded from an in-memory database.
#include "guildhall/federation/authorized_fetch.hpp"

#include <gtest/gtest.h>

#include "guildhall/federation/signatures/reasons.hpp"
#include "guildhall/federation/signatures/sign.hpp"
#include "guildhall/storage/database.hpp"

#include "signatures/test_keys.hpp"

namespace {

using namespace guildhall;
using namespace guildhall::federation;
namespace sig = guildhall::federation::signatures;

const std::string kBob = "https://b.example/users/bob";
const std::string kBobKey = kBob + "#main-key";
const std::string kMallory = "https://evil.example/users/mallory";
// A key served by an allowed host whose owner lives on a refused one (a key document).
const std::string kLaunderedKey = "https://b.example/keys/1";

core::TimePoint t0() {
  return core::TimePoint(std::chrono::seconds(1'790'000'000));
}

class AuthorizedFetch : public ::testing::Test {
 protected:
  AuthorizedFetch() : clock_(t0()), peers_(FederationMode::blocklist) {
    db_ = storage::open_database("sqlite::memory:").value();
    db_->migrate().value();
    db_->transact([](storage::Tx& tx) -> core::Result<void> {
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
    auto bob_public = sig::PublicKey::from_pem(sig::testing::k_bob_public).value();
    keys_.add(kBobKey, kBob, bob_public);
    keys_.add(kMallory + "#main-key", kMallory, bob_public);
    keys_.add(kLaunderedKey, kMallory, bob_public);
    FetchAuthorizerOptions options;
    options.verify.expected_host = "us.example";
    options.on_signer_verified = [this](const std::string& host) { alive_.push_back(host); };
    authorizer_ = std::make_unique<FetchAuthorizer>(keys_, peers_, clock_, options);
  }

  SignedGet signed_get(const std::string& key_id, const std::string& target = "/users/alice") {
    sig::SignRequestInput in{.method = "GET",
                             .target = target,
                             .host = "us.example",
                             .headers = {{"Accept", "application/activity+json"}},
                             .body = std::nullopt,
                             .key_id = key_id,
                             .key = sig::PrivateKey::from_pem(sig::testing::k_bob_private).value()};
    SignedGet get;
    get.target = target;
    get.headers.add("Host", "us.example");
    get.headers.add("Accept", "application/activity+json");
    auto signature_headers = sig::sign_request(in, clock_);
    for (auto& [name, value] : signature_headers.value())
      get.headers.add(name, value);
    return get;
  }

  static std::string reason(const core::Error& error) {
    sig::Reason r;
    if (sig::reason_of(error, r))
      return std::string(sig::to_string(r));
    return error.message.substr(0, error.message.find(':'));
  }

  core::ManualClock clock_;
  std::unique_ptr<storage::Database> db_;
  PeerPolicy peers_;
  sig::InMemoryKeyResolver keys_;
  std::vector<std::string> alive_;
  std::unique_ptr<FetchAuthorizer> authorizer_;
};

TEST_F(AuthorizedFetch, NotRequiredLooksAtNothing) {
  SignedGet get = signed_get(kMallory + "#main-key");
  auto signer = authorizer_->authorize(get, false);
  ASSERT_TRUE(signer.ok());
  EXPECT_FALSE(signer->has_value());
  EXPECT_EQ(keys_.calls(), 0) << "no key is resolved for a public document";
}

TEST_F(AuthorizedFetch, AValidSignatureNamesTheSignerAndItsInstance) {
  auto signer = authorizer_->authorize(signed_get(kBobKey), true);
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  ASSERT_TRUE(signer->has_value());
  EXPECT_EQ((*signer)->actor, kBob);
  EXPECT_EQ((*signer)->key_id, kBobKey);
  EXPECT_EQ((*signer)->host, "b.example");
  EXPECT_EQ(alive_, std::vector<std::string>{"b.example"}) << "the peer is reported alive";
}

TEST_F(AuthorizedFetch, AMissingSignatureIs401) {
  SignedGet get;
  get.target = "/users/alice";
  get.headers.add("Host", "us.example");
  auto signer = authorizer_->authorize(get, true);
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(reason(signer.error()), "signature_missing");
  EXPECT_EQ(fetch_status(signer.error()), 401);
}

TEST_F(AuthorizedFetch, ATamperedRequestIs401) {
  // Signed for /users/alice, replayed for another document (catalogue SIG-13).
  SignedGet get = signed_get(kBobKey);
  get.target = "/users/alice/followers";
  auto signer = authorizer_->authorize(get, true);
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(reason(signer.error()), "signature_mismatch");
  EXPECT_EQ(fetch_status(signer.error()), 401);
  EXPECT_TRUE(alive_.empty());
}

TEST_F(AuthorizedFetch, AnUnsignedHostIs401) {
  // SIG-12: a signed GET must cover host.
  SignedGet get = signed_get(kBobKey);
  for (const auto& [name, value] : get.headers.fields())
    if (sig::iequals(name, "signature"))
      get.headers.set("Signature", std::string(value).replace(value.find("host "), 5, ""));
  auto signer = authorizer_->authorize(get, true);
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(fetch_status(signer.error()), 401) << signer.error().message;
}

TEST_F(AuthorizedFetch, ARefusedInstanceIs403WithoutResolvingItsKey) {
  auto signer = authorizer_->authorize(signed_get(kMallory + "#main-key"), true);
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(reason(signer.error()), "key_forbidden");
  EXPECT_EQ(fetch_status(signer.error()), 403);
  EXPECT_EQ(keys_.calls(), 0) << "SIG-28: nothing is resolved for a refused host";
}

TEST_F(AuthorizedFetch, AKeyOwnedOnARefusedInstanceIs403) {
  auto signer = authorizer_->authorize(signed_get(kLaunderedKey), true);
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(reason(signer.error()), "instance_refused");
  EXPECT_EQ(fetch_status(signer.error()), 403);
  EXPECT_TRUE(alive_.empty());
}

TEST_F(AuthorizedFetch, AnExpiredSignatureIs401) {
  SignedGet get = signed_get(kBobKey);
  clock_.advance(std::chrono::minutes(66));  // SIG-06
  auto signer = authorizer_->authorize(get, true);
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(reason(signer.error()), "signature_expired");
  EXPECT_EQ(fetch_status(signer.error()), 401);
}

}  // namespace
