// Authorized fetch across real processes: A, B and C run with `federation.authorized_fetch` on;
// A and B still federate (every GET we send is signed by the instance actor, and instance actors
// stay readable); unsigned and badly signed GETs are refused with JSON; C, which A blocks, cannot
// even read A's people.
#include <ctime>

#include <nlohmann/json.hpp>

#include "instances.hpp"

using namespace guildhall;
using namespace guildhall::testrig;
using namespace guildhall::testrig::instances;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr char kAs2[] = "application/activity+json";

std::string http_date_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

class AuthorizedFetchFederation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(start_three_with_people(instances_, "authfetch",
                                        {{"GUILDHALL_FEDERATION_AUTHORIZED_FETCH", "true"}}));
  }
  static void TearDownTestSuite() { stop_all(instances_); }
  static Instance& a() { return *instances_[0]; }
  static Instance& b() { return *instances_[1]; }
  static Instance& c() { return *instances_[2]; }
  static std::vector<std::unique_ptr<Instance>> instances_;
};
std::vector<std::unique_ptr<Instance>> AuthorizedFetchFederation::instances_;

}  // namespace

TEST_F(AuthorizedFetchFederation, DiscoveryStaysOpenAndEverythingElseNeedsASignature) {
  // What a peer needs to bootstrap stays readable without a signature.
  EXPECT_EQ(a().get("/.well-known/webfinger?resource=acct:alice@" + a().host()).status, 200);
  EXPECT_EQ(a().get("/.well-known/host-meta").status, 200);
  EXPECT_EQ(a().get("/.well-known/nodeinfo").status, 200);
  EXPECT_EQ(a().get("/nodeinfo/2.1").status, 200);
  auto instance_actor = a().get("/actor", kAs2);
  EXPECT_EQ(instance_actor.status, 200);
  EXPECT_TRUE(json::parse(instance_actor.body).contains("publicKey"));
  // A browser is redirected to the web app; nothing ActivityPub is in that answer.
  EXPECT_EQ(a().get("/users/alice", "text/html").status, 302);

  auto [prc, pout] = a().cli({"admin", "act", "alice", "post", "Only for signed readers"});
  ASSERT_EQ(prc, 0) << pout;
  const std::string note_path = printed_id(pout).substr(a().origin().size());
  for (const std::string target :
       {"/users/alice", "/users/alice/followers", "/users/alice/following", "/users/alice/outbox",
        "/users/alice/featured", "/actor/outbox", note_path.c_str(), "/activities/1"}) {
    auto res = a().get(target, kAs2);
    EXPECT_EQ(res.status, 401) << target;
    EXPECT_NE(res.headers["content-type"].find("json"), std::string::npos) << target;
    EXPECT_NE(json::parse(res.body).value("error", "").find("signature_missing"), std::string::npos)
        << res.body;
    EXPECT_NE(res.headers["www-authenticate"].find("Signature"), std::string::npos) << target;
  }
  // Not even whether a name exists leaks without a signature.
  EXPECT_EQ(a().get("/users/nobody", kAs2).status, 401);

  // A well-formed signature under B's real instance key that does not verify: A fetches the key
  // from B (B's instance actor is open) and refuses the request.
  const std::string date = http_date_now();
  auto forged = a().get(
      "/users/alice", kAs2,
      {{"Date", date},
       {"Signature", "keyId=\"" + b().origin() +
                         "/actor#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) "
                         "host date\",signature=\"" +
                         std::string(342, 'A') + "==\""}});
  EXPECT_EQ(forged.status, 401) << forged.body;
  EXPECT_NE(json::parse(forged.body).value("error", "").find("signature_mismatch"),
            std::string::npos)
      << forged.body;
}

TEST_F(AuthorizedFetchFederation, TwoInstancesWithAuthorizedFetchStillFederate) {
  // B resolves alice (WebFinger, then her actor with a GET signed by B's instance actor, which A
  // verifies by fetching B's instance actor) and follows her.
  auto [rc, out] = b().cli({"admin", "act", "bob", "follow", "alice@" + a().host()});
  ASSERT_EQ(rc, 0) << out << a().output();
  // A verifies bob's signed Follow (fetching bob's actor from B with a signed GET) and accepts.
  ASSERT_TRUE(eventually([] {
    auto follows = b().read([](storage::Tx& tx) -> core::Result<std::int64_t> {
      auto bob = tx.users().get_by_handle("bob");
      if (!bob)
        return std::move(bob).error();
      return tx.follows().count_following(bob->actor.id);
    });
    return follows.ok() && *follows == 1;
  })) << a().output()
      << b().output();

  auto [prc, pout] = a().cli({"admin", "act", "alice", "post", "Signed all the way"});
  ASSERT_EQ(prc, 0) << pout;
  const std::string note_id = printed_id(pout);
  ASSERT_TRUE(eventually([&] {
    return b().read([&](storage::Tx& tx) { return tx.posts().get_by_ap_id(note_id); }).ok();
  })) << b().output();
}

TEST_F(AuthorizedFetchFederation, ARefusedInstanceCannotReadPeople) {
  // C finds alice through WebFinger (open) but A refuses C's signed GET of her actor: 403.
  auto [rc, out] = c().cli({"admin", "act", "carol", "follow", "alice@" + a().host()});
  EXPECT_NE(rc, 0) << out;
  EXPECT_TRUE(a().server->wait_for_line("fetch.reject reason=key_forbidden status=403", 10s))
      << a().output();
  auto carol_on_a = a().read(
      [&](storage::Tx& tx) { return tx.actors().get_by_ap_id(c().origin() + "/users/carol"); });
  EXPECT_FALSE(carol_on_a.ok()) << "nothing from a blocked instance is stored";
}
