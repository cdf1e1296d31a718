// A private community across three Guildhall instances on loopback: A hosts it, bob on B is an
// accepted member, C has nobody in it. What the community holds (collections, outbox, posts)
// answers only GETs signed by an instance holding a member; C's signed GETs and unsigned ones get
// the 404 of a name that does not exist. Bob reads the threads posted on A and posts from B.
#include <functional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "guildhall/core/id.hpp"
#include "guildhall/federation/signatures/sign.hpp"

#include "instances.hpp"
#include "media_files.hpp"

using namespace guildhall;
using namespace guildhall::testrig::instances;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr char kAs2[] = "application/activity+json";

class PrivateCommunities : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(start_three_with_people(instances_, "private", {}, false));
    auto [rc, out] = a().cli(
        {"admin", "act", "alice", "community-create", "hush", "Hush", "visibility=private"});
    ASSERT_EQ(rc, 0) << out;
  }
  static void TearDownTestSuite() { stop_all(instances_); }
  static Instance& a() { return *instances_[0]; }
  static Instance& b() { return *instances_[1]; }
  static Instance& c() { return *instances_[2]; }
  static std::string group_id() { return a().origin() + "/c/hush"; }

  // A GET of A's `target` signed by `from`'s instance actor, as its fetches are.
  static testrig::HttpResponse signed_get(const Instance& from, const std::string& target) {
    auto instance = from.read(
        [&](storage::Tx& tx) { return tx.actors().get_by_ap_id(from.origin() + "/actor"); });
    EXPECT_TRUE(instance.ok());
    if (!instance.ok())
      return {};
    namespace sig = federation::signatures;
    sig::SignRequestInput in{"GET",
                             target,
                             a().host(),
                             {{"Accept", kAs2}},
                             std::nullopt,
                             *instance->public_key_id,
                             sig::PrivateKey::from_pem(*instance->private_key_pem).value()};
    auto headers = sig::sign_request(in, core::SystemClock::instance()).value();
    std::map<std::string, std::string> sent(headers.begin(), headers.end());
    return a().get(target, kAs2, sent);
  }

  static std::optional<storage::MemberState> bobs_membership() {
    auto m = b().read([&](storage::Tx& tx) -> core::Result<storage::Membership> {
      auto group = tx.communities().get_by_ap_id(group_id());
      if (!group)
        return std::move(group).error();
      auto bob = tx.users().get_by_handle("bob");
      if (!bob)
        return std::move(bob).error();
      return tx.memberships().get(group->actor.id, bob->actor.id);
    });
    return m ? std::optional<storage::MemberState>(m->state) : std::nullopt;
  }

  // bob on B asks to join hush and alice approves; `while_pending` runs before the approval.
  static void bob_joins_hush(const std::function<void()>& while_pending = {}) {
    auto [jrc, jout] = b().cli({"admin", "act", "bob", "join", "hush@" + a().host()});
    ASSERT_EQ(jrc, 0) << jout;
    ASSERT_TRUE(eventually([] { return bobs_membership() == storage::MemberState::pending; }))
        << b().output();
    if (while_pending)
      while_pending();
    // A has the request once B's Follow is delivered.
    ASSERT_TRUE(eventually([] {
      return a()
          .read([](storage::Tx& tx) -> core::Result<storage::Membership> {
            auto group = tx.communities().get_by_ap_id(group_id());
            if (!group)
              return std::move(group).error();
            auto bob = tx.actors().get_by_ap_id(b().origin() + "/users/bob");
            if (!bob)
              return std::move(bob).error();
            return tx.memberships().get(group->actor.id, bob->id);
          })
          .ok();
    })) << a().output();
    auto [arc, aout] =
        a().cli({"admin", "act", "alice", "approve", "hush", b().origin() + "/users/bob"});
    ASSERT_EQ(arc, 0) << aout;
    ASSERT_TRUE(eventually([] { return bobs_membership() == storage::MemberState::accepted; }))
        << a().output() << b().output();
  }

  static bool has_post(const Instance& at, const std::string& ap_id) {
    return at.read([&](storage::Tx& tx) { return tx.posts().get_by_ap_id(ap_id); }).ok();
  }

  static std::vector<std::unique_ptr<Instance>> instances_;
};
std::vector<std::unique_ptr<Instance>> PrivateCommunities::instances_;

}  // namespace

TEST_F(PrivateCommunities, OnlyMemberInstancesReadAndMembersTakePart) {
  // The actor stays public: peers must find it to ask to join.
  EXPECT_EQ(a().get("/c/hush", kAs2).status, 200);

  bob_joins_hush([] {
    // Pending is not a member: B reads nothing yet.
    EXPECT_EQ(signed_get(b(), "/c/hush/outbox").status, 404);
  });

  // A thread on A reaches bob on B, addressed to the followers, never Public.
  auto [trc, tout] = a().cli({"admin", "act", "alice", "thread", "hush", "Plans", "Quietly"});
  ASSERT_EQ(trc, 0) << tout;
  const std::string thread = printed_id(tout);
  ASSERT_FALSE(thread.empty()) << tout;
  ASSERT_TRUE(eventually([&] { return has_post(b(), thread); })) << a().output() << b().output();

  const std::string post_path = thread.substr(a().origin().size());
  for (const std::string& target :
       {std::string("/c/hush/outbox"), std::string("/c/hush/featured"),
        std::string("/c/hush/moderators"), std::string("/c/hush/followers"), post_path}) {
    // B holds a member: it reads.
    auto member = signed_get(b(), target);
    EXPECT_EQ(member.status, 200) << target << member.body;
    // C holds none, and an unsigned GET proves nothing: both get the answer for "no such thing".
    auto other = signed_get(c(), target);
    EXPECT_EQ(other.status, 404) << target << other.body;
    auto unsigned_get = a().get(target, kAs2);
    EXPECT_EQ(unsigned_get.status, 404) << target << unsigned_get.body;
    EXPECT_EQ(json::parse(other.body).value("error", ""),
              json::parse(unsigned_get.body).value("error", ""));
  }
  auto page = json::parse(signed_get(b(), post_path).body);
  EXPECT_EQ(page.value("type", ""), "Page");
  EXPECT_EQ(page["to"], json::array({group_id(), group_id() + "/followers"})) << page.dump();
  auto outbox = json::parse(signed_get(b(), "/c/hush/outbox").body);
  EXPECT_EQ(outbox.value("totalItems", 0), 1) << outbox.dump();
  // Nothing is sent to C, which has no member.
  EXPECT_FALSE(has_post(c(), thread));

  // bob posts from B: A stores it in the community.
  auto [prc, pout] =
      b().cli({"admin", "act", "bob", "thread", "hush@" + a().host(), "From B", "Hello"});
  ASSERT_EQ(prc, 0) << pout;
  const std::string bobs = printed_id(pout);
  ASSERT_TRUE(eventually([&] { return has_post(a(), bobs); })) << a().output() << b().output();
  EXPECT_FALSE(has_post(c(), bobs));
}

// A file attached to a thread of the private community: members read it (alice signed in on A,
// B's instance signing for bob), nobody else; B's copy of the thread shows A's file.
TEST_F(PrivateCommunities, MediaOfPrivateThreadsOnlyForMembers) {
  bob_joins_hush();
  auto session =
      testrig::http_request("127.0.0.1", a().port, "POST", "/web/session",
                            json{{"username", "alice"}, {"password", "long enough pw"}}.dump(),
                            {{"Content-Type", "application/json"}});
  ASSERT_EQ(session.status, 200) << session.body;
  const std::string cookie =
      session.headers["set-cookie"].substr(0, session.headers["set-cookie"].find(';'));
  std::map<std::string, std::string> signed_in{
      {"Cookie", cookie}, {"X-CSRF-Token", json::parse(session.body).value("csrf_token", "")}};

  auto up = testrig::multipart({{"description", "the plan"}}, "file", testrig::png_file(90, 60));
  up.headers.insert(signed_in.begin(), signed_in.end());
  auto uploaded =
      testrig::http_request("127.0.0.1", a().port, "POST", "/api/v2/media", up.body, up.headers);
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  const json media = json::parse(uploaded.body);
  const std::string url = media["url"];
  const std::string path = url.substr(a().origin().size());
  // Not attached yet: its unguessable name is all a client needs (composers show it at once).
  EXPECT_EQ(a().get(path).status, 200);

  const auto community =
      a().read([](storage::Tx& tx) { return tx.communities().get_by_ap_id(group_id()); });
  ASSERT_TRUE(community.ok());
  auto headers = signed_in;
  headers["Content-Type"] = "application/json";
  auto thread = testrig::http_request(
      "127.0.0.1", a().port, "POST",
      "/api/guildhall/v1/communities/" + core::to_string_id(community->actor.id) + "/threads",
      json{{"title", "Floor plan"}, {"body", "See the picture"}, {"media_ids", {media["id"]}}}
          .dump(),
      headers);
  ASSERT_EQ(thread.status, 200) << thread.body;
  const json posted = json::parse(thread.body);
  ASSERT_EQ(posted["attachments"].size(), 1u) << posted.dump();
  EXPECT_EQ(posted["attachments"][0]["url"], url);

  // Attached to a private thread: members only, and never cached publicly.
  auto member = a().get(path, "", {{"Cookie", cookie}});
  ASSERT_EQ(member.status, 200);
  EXPECT_EQ(member.headers["content-type"], "image/png");
  EXPECT_EQ(member.headers["cache-control"], "private, no-cache");
  EXPECT_EQ(signed_get(b(), path).status, 200);
  EXPECT_EQ(signed_get(c(), path).status, 404);
  EXPECT_EQ(a().get(path).status, 404);

  // B's copy of the thread carries the attachment as A sent it.
  const std::string ap_id = posted["ap_id"];
  ASSERT_TRUE(eventually([&] { return has_post(b(), ap_id); })) << a().output() << b().output();
  auto copy = b().read([&](storage::Tx& tx) { return tx.posts().get_by_ap_id(ap_id); });
  ASSERT_TRUE(copy.ok());
  ASSERT_EQ(copy->attachments.size(), 1u);
  const storage::Attachment& shown = copy->attachments[0];
  EXPECT_EQ(shown.url, url);
  EXPECT_EQ(shown.media_type, "image/png");
  EXPECT_EQ(shown.description, "the plan");
  EXPECT_EQ(shown.width, 90);
  EXPECT_EQ(shown.height, 60);
  EXPECT_EQ(shown.blurhash, media["blurhash"].get<std::string>());
  EXPECT_FALSE(shown.media_id);  // a remote file, not an upload of B's
}

TEST_F(PrivateCommunities, LocalOnlyCommunitiesDoNotExistForOtherInstances) {
  auto [rc, out] = a().cli(
      {"admin", "act", "alice", "community-create", "staff", "Staff", "visibility=local_only"});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(a().get("/.well-known/webfinger?resource=acct:staff@" + a().host()).status, 404);
  EXPECT_EQ(a().get("/c/staff", kAs2).status, 404);
  EXPECT_EQ(signed_get(b(), "/c/staff/outbox").status, 404);
  // B cannot even find it to ask.
  auto [jrc, jout] = b().cli({"admin", "act", "bob", "join", "staff@" + a().host()});
  EXPECT_NE(jrc, 0) << jout;
}

// A person's followers-only and direct posts answer only signed GETs from an instance where one of
// their readers lives: B and C hold followers of alice, only C the person her direct post names.
TEST_F(PrivateCommunities, FollowersOnlyAndDirectPostsOnlyForTheirReadersInstances) {
  for (const Instance* from : {&b(), &c()}) {
    const char* who = from == &b() ? "bob" : "carol";
    auto [rc, out] = from->cli({"admin", "act", who, "follow", "alice@" + a().host()});
    ASSERT_EQ(rc, 0) << out;
  }
  const auto followers_on_a = [] {
    auto res = a().get("/users/alice/followers", kAs2);
    return res.status == 200 ? json::parse(res.body).value("totalItems", 0) : -1;
  };
  ASSERT_TRUE(eventually([&] { return followers_on_a() == 2; })) << a().output();
  // The posts are written into A's database as People would store them (the CLI posts public
  // ones only); what is tested is how A serves them.
  const auto store = [](storage::PostVisibility visibility) {
    auto db = storage::open_database("sqlite:" + (a().dir / "guildhall.db").string()).value();
    return db
        ->transact([&](storage::Tx& tx) -> core::Result<std::string> {
          auto alice = tx.users().get_by_handle("alice");
          auto carol = tx.actors().get_by_ap_id(c().origin() + "/users/carol");
          if (!alice || !carol)
            return core::Error::not_found("alice or carol");
          const storage::Id id = tx.next_id();
          storage::NewPost p;
          p.id = id;
          p.ap_id = a().origin() + "/posts/" + core::to_string_id(id);
          p.author_id = alice->actor.id;
          p.content_html = "<p>not for everyone</p>";
          p.visibility = visibility;
          if (auto created = tx.posts().create(p); !created)
            return std::move(created).error();
          if (auto m = tx.client_api().add_mentions(id, {carol->id}); !m)
            return std::move(m).error();
          return "/posts/" + core::to_string_id(id);
        })
        .value();
  };
  const std::string followers_only = store(storage::PostVisibility::private_);
  const std::string direct = store(storage::PostVisibility::direct);
  EXPECT_EQ(a().get(followers_only, kAs2).status, 404) << "unsigned";
  EXPECT_EQ(a().get(direct, kAs2).status, 404) << "unsigned";
  auto for_b = signed_get(b(), followers_only);
  ASSERT_EQ(for_b.status, 200) << for_b.body;
  EXPECT_EQ(json::parse(for_b.body)["to"], json::array({a().origin() + "/users/alice/followers"}));
  EXPECT_EQ(signed_get(b(), direct).status, 404) << "a follower, not named";
  auto for_c = signed_get(c(), direct);
  ASSERT_EQ(for_c.status, 200) << for_c.body;
  EXPECT_EQ(json::parse(for_c.body)["to"], json::array({c().origin() + "/users/carol"}));
  EXPECT_EQ(json::parse(for_c.body).value("cc", json::array()), json::array());
}
