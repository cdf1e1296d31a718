// The receive pipeline: every refusal happens before anything is stored (db_diff == ∅).
#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "inbox_fixture.hpp"

namespace guildhall::federation::inbox::testing {
namespace {

std::string follow_json(const std::string& id, const std::string& actor,
                        const std::string& object) {
  return nlohmann::json{{"@context", "https://www.w3.org/ns/activitystreams"},
                        {"id", id},
                        {"type", "Follow"},
                        {"actor", actor},
                        {"object", object}}
      .dump();
}

const std::string kFollow = follow_json("https://a.example/follows/1", kAlice, kDave);

class Receive : public InboxFixture {};

TEST_F(Receive, SignedFollowIsPersistedAnd202) {
  auto r = post(kFollow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->duplicate);
  EXPECT_NE(r->log_id, 0);
  EXPECT_EQ(r->activity_id, "https://a.example/follows/1");
  EXPECT_EQ(log_rows(), 1);
  EXPECT_EQ(accepted_notifications_.load(), 1);
  auto row = db_->read([&](storage::Tx& tx) { return tx.inbox_log().get(r->log_id); }).value();
  EXPECT_EQ(row.actor, kAlice);
  EXPECT_EQ(row.signer, kAlice);
  EXPECT_EQ(row.payload, kFollow);
}

TEST_F(Receive, PersonalInboxAndUnknownRecipient) {
  auto ok = post(kFollow, kAlice, "/users/dave/inbox");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  auto unknown = post(follow_json("https://a.example/follows/2", kAlice, kDave), kAlice,
                      "/users/nobody/inbox");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(http_status(unknown.error()), 404);
  EXPECT_EQ(log_rows(), 1);
}

TEST_F(Receive, KnownInboxesAreCachedForAMinute) {
  ASSERT_TRUE(post(kFollow, kAlice, "/users/dave/inbox").ok());
  storage::ActorUpdate gone;
  gone.deleted_at = std::optional<core::TimePoint>(clock_.now());
  db_->transact([&](storage::Tx& tx) { return tx.actors().update(dave_.id, gone); }).value();
  auto cached =
      post(follow_json("https://a.example/follows/2", kAlice, kDave), kAlice, "/users/dave/inbox");
  EXPECT_TRUE(cached.ok());
  clock_.advance(std::chrono::seconds(61));
  auto expired =
      post(follow_json("https://a.example/follows/3", kAlice, kDave), kAlice, "/users/dave/inbox");
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(http_status(expired.error()), 404);
}

TEST_F(Receive, DuplicateIdIs202WithoutSecondRow) {  // SIG-25
  ASSERT_TRUE(post(kFollow).ok());
  auto again = post(kFollow);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(log_rows(), 1);
  EXPECT_EQ(accepted_notifications_.load(), 1);
}

TEST_F(Receive, ConcurrentReceivesAreEachStoredOnce) {
  // 8 threads (the pool size) post distinct activities, and all of them one shared id: each
  // distinct id is stored once, every request is answered, the shared one deduped.
  constexpr int kThreads = 8;
  constexpr int kEach = 20;
  const std::string shared = follow_json("https://a.example/follows/shared", kAlice, kDave);
  std::vector<InboxRequest> requests[kThreads];
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kEach; ++i)
      requests[t].push_back(signed_request(
          follow_json("https://a.example/follows/" + std::to_string(t) + "-" + std::to_string(i),
                      kAlice, kDave)));
  InboxRequest shared_request = signed_request(shared);
  std::atomic<int> failures{0};
  std::atomic<int> shared_stored{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (const auto& req : requests[t])
        failures += inbox_->receive(req).ok() ? 0 : 1;
      auto r = inbox_->receive(shared_request);
      failures += r.ok() ? 0 : 1;
      shared_stored += r.ok() && !r->duplicate ? 1 : 0;
    });
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(shared_stored.load(), 1) << "one request stored the shared id, the others were told "
                                        "it is a duplicate";
  EXPECT_EQ(log_rows(), kThreads * kEach + 1);
}

TEST_F(Receive, UnsignedIs401NothingStored) {  // SIG-01
  InboxRequest req = signed_request(kFollow);
  req.headers.remove("Signature");
  auto r = inbox_->receive(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 401);
  EXPECT_EQ(reason_code(r.error()), "signature_missing");
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, BodyChangedAfterSigningIs401) {  // SIG-10
  InboxRequest req = signed_request(kFollow);
  req.body = follow_json("https://a.example/follows/1", kAlice, kErin);
  auto r = inbox_->receive(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 401);
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, SignerOtherThanActorIs403NothingStored) {  // SIG-16
  // Bob signs alice's Follow.
  auto r = post(kFollow, kBob);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 403);
  EXPECT_EQ(reason_code(r.error()), "actor_mismatch");
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, BlockedHostIs403NothingStoredNoKeyLookup) {  // SIG-28
  const int calls_before = resolver_.calls();
  InboxRequest req =
      signed_request(follow_json("https://evil.example/follows/1", kMallory, kDave), kMallory);
  auto r = inbox_->receive(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 403);
  EXPECT_EQ(resolver_.calls(), calls_before);  // refused before the resolver was asked
  EXPECT_EQ(log_rows(), 0);
}

// An admin switches the mode at run time (the admin API writes instance_settings); the next
// reload (every few seconds, or at once in the serving process) applies it without a restart.
TEST_F(Receive, FederationModeEditedAtRunTimeAppliesOnReload) {
  const auto set_mode = [&](std::optional<std::string> mode) {
    db_->transact([&](storage::Tx& tx) {
         return tx.instance_settings().update({.federation_mode = mode}, std::nullopt);
       })
        .value();
    peers_.reload(*db_).value();
  };
  set_mode("allowlist");
  EXPECT_EQ(peers_.mode(), FederationMode::allowlist);
  auto refused = post(kFollow);  // a.example is no partner
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(http_status(refused.error()), 403);
  EXPECT_EQ(log_rows(), 0);

  db_->transact([](storage::Tx& tx) {
       return tx.instances().set_policy("a.example", storage::FederationPolicy::allow);
     })
      .value();
  peers_.reload(*db_).value();
  ASSERT_TRUE(post(kFollow).ok());  // a partner now
  EXPECT_EQ(log_rows(), 1);

  // Back to blocklist mode: the listed host is refused, everyone else accepted.
  set_mode("blocklist");
  auto blocked = inbox_->receive(
      signed_request(follow_json("https://evil.example/follows/2", kMallory, kDave), kMallory));
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(http_status(blocked.error()), 403);
  ASSERT_TRUE(post(follow_json("https://b.example/follows/1", kBob, kDave), kBob).ok());
  EXPECT_EQ(log_rows(), 2);
}

TEST_F(Receive, MalformedJsonIs400NothingStored) {
  auto r = post(R"({"id": "https://a.example/x", "type": "Follow", )");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 400);
  EXPECT_EQ(reason_code(r.error()), "malformed_activity");
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, MissingIdOrActorIs400) {
  auto r = post(R"({"type":"Follow","actor":"https://a.example/users/alice","object":"x"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 400);
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, ActivityWithoutObjectIs400) {
  auto r = post(R"({"id":"https://a.example/undo/1","type":"Undo","actor":")" + kAlice + R"("})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 400);
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, BodyTooLargeIs413) {
  std::string big = kFollow;
  big.append(1024 * 1024, ' ');
  auto r = post(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 413);
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, WrongContentTypeIs415) {
  auto r = inbox_->receive(signed_request(kFollow, kAlice, "/inbox", "text/plain"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 415);
  EXPECT_TRUE(is_activity_content_type(
      R"(application/ld+json; profile="https://www.w3.org/ns/activitystreams")"));
  EXPECT_TRUE(is_activity_content_type("Application/JSON; charset=utf-8"));
  EXPECT_FALSE(is_activity_content_type("application/jsonx"));
}

TEST_F(Receive, ActivityIdOnAnotherOriginIs403) {  // ORI-15
  auto r = post(follow_json("https://b.example/follows/1", kAlice, kDave));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 403);
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, CreateOfAnotherOriginsObjectIs403) {  // ORI-01
  nlohmann::json create{{"id", "https://a.example/create/1"},
                        {"type", "Create"},
                        {"actor", kAlice},
                        {"to", {kDave}},
                        {"object",
                         {{"id", "https://b.example/notes/1"},
                          {"type", "Note"},
                          {"attributedTo", kAlice},
                          {"content", "forged"}}}};
  auto r = post(create.dump());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 403);
  EXPECT_EQ(reason_code(r.error()), "origin_mismatch");
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, DeleteOfAnotherOriginsObjectIs403) {  // ORI-04
  nlohmann::json del{{"id", "https://a.example/delete/1"},
                     {"type", "Delete"},
                     {"actor", kAlice},
                     {"object", "https://b.example/notes/1"}};
  auto r = post(del.dump());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 403);
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, AnnouncedForeignEmbedIsReducedToItsId) {  // ORI-06, rule 3
  nlohmann::json announce{{"id", "https://a.example/announce/1"},
                          {"type", "Announce"},
                          {"actor", kAlice},
                          {"object",
                           {{"id", "https://b.example/notes/1"},
                            {"type", "Note"},
                            {"attributedTo", kBob},
                            {"content", "forged"}}}};
  auto r = post(announce.dump());
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto row = db_->read([&](storage::Tx& tx) { return tx.inbox_log().get(r->log_id); }).value();
  auto stored = nlohmann::json::parse(row.payload);
  EXPECT_EQ(stored["object"], "https://b.example/notes/1");
  EXPECT_EQ(row.payload.find("forged"), std::string::npos);
}

TEST_F(Receive, UnknownTypeIs202AndNotStored) {  // JS-03
  auto r = post(R"({"id":"https://a.example/x/1","type":"Wave","actor":")" + kAlice + R"("})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->ignored);
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, SignatureReplayedToAnotherInboxIs401) {  // SIG-13
  InboxRequest req = signed_request(kFollow, kAlice, "/users/dave/inbox");
  req.target = "/inbox";
  req.recipient = kOrigin + "/inbox";
  auto r = inbox_->receive(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 401);
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, ActorUnderOurOwnOriginIs403) {  // ORI-16: nobody speaks for our actors
  resolver_.add(kDave + "#main-key", kDave,
                sig::PublicKey::from_pem(sig::testing::k_bob_public).value());
  auto r = post(follow_json(kOrigin + "/follows/1", kDave, kErin), kDave);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 403);
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Receive, ExpiredSignatureIs401) {  // SIG-06
  InboxRequest req = signed_request(kFollow);
  clock_.advance(std::chrono::minutes(66));
  auto r = inbox_->receive(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(http_status(r.error()), 401);
  EXPECT_EQ(log_rows(), 0);
}

}  // namespace
}  // namespace guildhall::federation::inbox::testing
