// End-to-end discovery: the real `guildhall serve` on an ephemeral port, users and groups created
// with the real CLI against the same data directory, queried as peers and browsers would.
#include <filesystem>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/storage/database.hpp"
#include "guildhall/testrig/http_client.hpp"
#include "guildhall/testrig/process.hpp"

namespace {

namespace as = guildhall::activitystreams;
namespace storage = guildhall::storage;
namespace fs = std::filesystem;
using namespace guildhall::testrig;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr char kOrigin[] = "http://guild.test";
constexpr char kAs2[] = "application/activity+json";
constexpr char kBrowserAccept[] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

class Discovery : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("guildhall-discovery-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    env_ = {{"GUILDHALL_DATA_DIR", dir_.string()},
            {"GUILDHALL_LISTEN", "127.0.0.1:0"},
            {"GUILDHALL_DOMAIN", "guild.test"},
            {"GUILDHALL_FEDERATION_ALLOW_HTTP", "true"},
            {"GUILDHALL_HTTP_THREADS", "2"},
            {"GUILDHALL_INSTANCE_NAME", "Test Guild"},
            {"GUILDHALL_INSTANCE_DESCRIPTION", "Where tests meet"},
            {"GUILDHALL_INSTANCE_OPEN_REGISTRATIONS", "true"}};
    server_ = new Process(guildhall_binary(), {"serve"}, env_);
    auto line = server_->wait_for_line("listening on http://", 60s);
    ASSERT_TRUE(line) << server_->output();
    std::smatch m;
    ASSERT_TRUE(std::regex_search(*line, m, std::regex(R"(127\.0\.0\.1:(\d+))")));
    port_ = static_cast<std::uint16_t>(std::stoi(m[1]));

    // Usage before anyone exists, then the CLI creates the accounts while the server runs.
    users_before_ = json::parse(get("/nodeinfo/2.1").body)["usage"]["users"]["total"];
    cli({"admin", "user", "create", "alice", "--password", "correct horse", "--display-name",
         "Alice"});
    cli({"admin", "user", "create", "bob", "--password", "correct horse"});
    cli({"admin", "group", "create", "devs", "--owner", "alice", "--title", "Developers"});
    cli({"admin", "group", "create", "secret", "--owner", "bob"});
    cli({"admin", "group", "create", "inside", "--owner", "bob"});
    set_visibility("secret", storage::CommunityVisibility::private_);
    set_visibility("inside", storage::CommunityVisibility::local_only);
  }

  static void TearDownTestSuite() {
    if (server_) {
      EXPECT_EQ(server_->stop(SIGTERM, 30s), 0) << server_->output();
      delete server_;
      server_ = nullptr;
    }
    fs::remove_all(dir_);
  }

  static void cli(const std::vector<std::string>& args) {
    Process p(guildhall_binary(), args, env_);
    EXPECT_EQ(p.wait(60s), 0) << p.output();
  }

  // The CLI cannot change visibility yet; the storage API on the same database file can.
  static void set_visibility(const std::string& handle, storage::CommunityVisibility v) {
    auto db = storage::open_database("sqlite:" + (dir_ / "guildhall.db").string()).value();
    db->transact([&](storage::Tx& tx) -> guildhall::core::Result<storage::CommunityView> {
        auto group = tx.communities().get_local_by_handle(handle);
        if (!group)
          return group;
        storage::CommunityUpdate update;
        update.visibility = v;
        return tx.communities().update(group->actor.id, update);
      }).value();
  }

  static HttpResponse get(const std::string& target, const std::string& accept = "") {
    std::map<std::string, std::string> headers;
    if (!accept.empty())
      headers["Accept"] = accept;
    return http_request("127.0.0.1", port_, "GET", target, "", headers);
  }

  static json get_json(const std::string& target, int status = 200,
                       const std::string& accept = kAs2) {
    auto res = get(target, accept);
    EXPECT_EQ(res.status, status) << target << "\n" << res.body;
    return json::parse(res.body, nullptr, false);
  }

  // Parsed by our own AS2 parser, and stable through serialize -> parse.
  static as::Object as2(const HttpResponse& res) {
    EXPECT_EQ(res.headers.at("content-type"), kAs2) << res.body;
    auto parsed = as::parse(res.body);
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message) << res.body;
    if (!parsed.ok())
      return {};
    auto again = as::parse(as::serialize(*parsed));
    EXPECT_TRUE(again.ok() && *again == *parsed) << res.body;
    return *parsed;
  }

  static inline fs::path dir_;
  static inline std::map<std::string, std::string> env_;
  static inline Process* server_ = nullptr;
  static inline std::uint16_t port_ = 0;
  static inline json users_before_;
};

// --- WebFinger -----------------------------------------------------------------------------------

TEST_F(Discovery, WebfingerPerson) {
  for (const char* resource : {"acct:alice@guild.test", "acct:ALICE@Guild.Test",
                               "http://guild.test/users/alice", "alice@guild.test"}) {
    auto res = get(std::string("/.well-known/webfinger?resource=") + resource);
    ASSERT_EQ(res.status, 200) << resource << res.body;
    EXPECT_EQ(res.headers["content-type"], "application/jrd+json; charset=utf-8");
    EXPECT_EQ(res.headers["access-control-allow-origin"], "*");
    const json jrd = json::parse(res.body);
    EXPECT_EQ(jrd["subject"], "acct:alice@guild.test");
    EXPECT_EQ(jrd["aliases"], json({"http://guild.test/users/alice", "http://guild.test/@alice"}));
    bool self = false;
    for (const auto& link : jrd["links"]) {
      if (link["rel"] == "self") {
        self = true;
        EXPECT_EQ(link["type"], kAs2);
        EXPECT_EQ(link["href"], "http://guild.test/users/alice");
      }
    }
    EXPECT_TRUE(self) << jrd.dump();
  }
}

TEST_F(Discovery, WebfingerGroupAndInstanceActor) {
  json jrd = get_json("/.well-known/webfinger?resource=acct:devs@guild.test");
  EXPECT_EQ(jrd["subject"], "acct:devs@guild.test");
  EXPECT_EQ(jrd["links"][1]["href"], "http://guild.test/c/devs");
  EXPECT_EQ(jrd["links"][1]["properties"]["https://www.w3.org/ns/activitystreams#type"], "Group");
  EXPECT_EQ(get_json("/.well-known/webfinger?resource=http://guild.test/c/devs")["subject"],
            "acct:devs@guild.test");
  // A private group is found: its actor is public, its content is not.
  EXPECT_EQ(get_json("/.well-known/webfinger?resource=acct:secret@guild.test")["subject"],
            "acct:secret@guild.test");
  jrd = get_json("/.well-known/webfinger?resource=acct:guild.test@guild.test");
  EXPECT_EQ(jrd["links"][1]["href"], "http://guild.test/actor");
}

TEST_F(Discovery, WebfingerErrors) {
  const std::vector<std::pair<std::string, int>> cases = {
      {"/.well-known/webfinger?resource=acct:nobody@guild.test", 404},
      {"/.well-known/webfinger?resource=acct:alice@other.example", 404},
      {"/.well-known/webfinger?resource=acct:inside@guild.test", 404},     // local-only group
      {"/.well-known/webfinger?resource=http://guild.test/c/alice", 404},  // a person, not a group
      {"/.well-known/webfinger", 400},
      {"/.well-known/webfinger?resource=", 400},
      {"/.well-known/webfinger?resource=acct:", 400},
      {"/.well-known/webfinger?resource=acct:alice", 400},
      {"/.well-known/webfinger?resource=mailto:alice@guild.test", 400},
  };
  for (const auto& [target, status] : cases) {
    auto res = get(target);
    EXPECT_EQ(res.status, status) << target << " " << res.body;
    EXPECT_TRUE(json::parse(res.body).contains("error")) << target;
    EXPECT_EQ(res.headers["access-control-allow-origin"], "*") << target;
  }
}

// --- host-meta and NodeInfo ----------------------------------------------------------------------

TEST_F(Discovery, HostMeta) {
  auto xml = get("/.well-known/host-meta");
  EXPECT_EQ(xml.status, 200);
  EXPECT_EQ(xml.headers["content-type"], "application/xrd+xml; charset=utf-8");
  EXPECT_NE(xml.body.find("template=\"http://guild.test/.well-known/webfinger?resource={uri}\""),
            std::string::npos)
      << xml.body;
  const json j = get_json("/.well-known/host-meta.json");
  EXPECT_EQ(j["links"][0]["template"], "http://guild.test/.well-known/webfinger?resource={uri}");
}

TEST_F(Discovery, Nodeinfo) {
  auto links = get("/.well-known/nodeinfo");
  EXPECT_EQ(links.status, 200);
  EXPECT_EQ(links.headers["access-control-allow-origin"], "*");
  const json l = json::parse(links.body);
  ASSERT_EQ(l["links"].size(), 2u);
  EXPECT_EQ(users_before_, 0);
  for (const std::string version : {"2.0", "2.1"}) {
    EXPECT_EQ(l["links"][version == "2.0" ? 0 : 1]["href"],
              "http://guild.test/nodeinfo/" + version);
    auto res = get("/nodeinfo/" + version);
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.headers["content-type"],
              "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/" + version +
                  "#\"");
    EXPECT_EQ(res.headers["access-control-allow-origin"], "*");
    const json doc = json::parse(res.body);
    EXPECT_EQ(doc["version"], version);
    EXPECT_EQ(doc["software"]["name"], "guildhall");
    EXPECT_FALSE(doc["software"]["version"].get<std::string>().empty());
    EXPECT_EQ(doc["protocols"], json({"activitypub"}));
    EXPECT_EQ(doc["openRegistrations"], true);
    EXPECT_EQ(doc["usage"]["users"]["total"], 2) << "alice and bob; groups are not users";
    EXPECT_EQ(doc["usage"]["users"]["activeMonth"], 2);
    EXPECT_EQ(doc["metadata"]["nodeName"], "Test Guild");
    EXPECT_EQ(doc["metadata"]["nodeDescription"], "Where tests meet");
  }
  EXPECT_EQ(get("/nodeinfo/1.0").status, 404);
}

// --- Actor documents -----------------------------------------------------------------------------

TEST_F(Discovery, PersonForEveryAs2Accept) {
  for (const std::string& accept : std::vector<std::string>{
           kAs2, "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
           "application/ld+json", "application/json", ""}) {
    auto res = get("/users/alice", accept);
    ASSERT_EQ(res.status, 200) << accept << res.body;
    EXPECT_EQ(res.headers["vary"], "Accept");
    const as::Object o = as2(res);
    EXPECT_EQ(o.kind, as::Kind::person) << accept;
    EXPECT_EQ(o.id, "http://guild.test/users/alice");
    EXPECT_EQ(o.preferred_username, "alice");
    EXPECT_EQ(o.name, "Alice");
    EXPECT_EQ(o.url, "http://guild.test/@alice");
    EXPECT_EQ(o.inbox, "http://guild.test/users/alice/inbox");
    EXPECT_EQ(o.shared_inbox, "http://guild.test/inbox");
    ASSERT_EQ(o.public_keys.size(), 1u);
    EXPECT_EQ(o.public_keys[0].id, "http://guild.test/users/alice#main-key");
    EXPECT_EQ(o.public_keys[0].owner, o.id);
    EXPECT_TRUE(o.public_keys[0].pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    EXPECT_TRUE(o.published.has_value());
  }
  EXPECT_EQ(as2(get("/users/ALICE", kAs2)).id, "http://guild.test/users/alice");
}

TEST_F(Discovery, GroupDocument) {
  auto res = get("/c/devs", kAs2);
  ASSERT_EQ(res.status, 200) << res.body;
  const as::Object o = as2(res);
  EXPECT_EQ(o.kind, as::Kind::group);
  EXPECT_EQ(o.name, "Developers");
  EXPECT_EQ(o.moderators, "http://guild.test/c/devs/moderators");
  ASSERT_EQ(o.attributed_to.size(), 1u);
  EXPECT_EQ(o.attributed_to[0].id(), o.moderators);
  EXPECT_EQ(o.featured, "http://guild.test/c/devs/featured");
  EXPECT_EQ(o.posting_restricted_to_mods, false);
  EXPECT_EQ(o.manually_approves_followers, false);
  const json raw = json::parse(res.body);
  EXPECT_TRUE(raw.contains("@context"));

  const as::Object secret = as2(get("/c/secret", kAs2));
  EXPECT_EQ(secret.manually_approves_followers, true) << "private";
  EXPECT_EQ(get("/c/inside", kAs2).status, 404) << "local-only groups are not served";
  EXPECT_EQ(get("/c/alice", kAs2).status, 404) << "alice is a person";
  EXPECT_EQ(get("/users/devs", kAs2).status, 404) << "devs is a group";
}

TEST_F(Discovery, InstanceActor) {
  const as::Object o = as2(get("/actor", kAs2));
  EXPECT_EQ(o.kind, as::Kind::application);
  EXPECT_EQ(o.id, "http://guild.test/actor");
  EXPECT_EQ(o.preferred_username, "guild.test");
  EXPECT_EQ(o.name, "Test Guild");
  EXPECT_EQ(o.public_keys.size(), 1u);
  const as::Object outbox = as2(get("/actor/outbox", kAs2));
  EXPECT_EQ(outbox.total_items, 0);
}

TEST_F(Discovery, BrowsersAreRedirectedToTheWebApp) {
  auto person = get("/users/alice", kBrowserAccept);
  EXPECT_EQ(person.status, 302);
  EXPECT_EQ(person.headers["location"], std::string(kOrigin) + "/@alice");
  EXPECT_EQ(person.headers["vary"], "Accept");
  auto group = get("/c/devs", kBrowserAccept);
  EXPECT_EQ(group.status, 302);
  EXPECT_EQ(group.headers["location"], std::string(kOrigin) + "/@devs");
  auto instance = get("/actor", kBrowserAccept);
  EXPECT_EQ(instance.status, 302);
  EXPECT_EQ(instance.headers["location"], std::string(kOrigin) + "/");
}

TEST_F(Discovery, UnknownActorsAre404Json) {
  for (const char* target : {"/users/nobody", "/c/nothing", "/users/nobody/followers",
                             "/c/nothing/moderators", "/c/inside/followers"}) {
    auto res = get(target, kAs2);
    EXPECT_EQ(res.status, 404) << target;
    EXPECT_TRUE(json::parse(res.body).contains("error")) << target;
  }
  EXPECT_EQ(get("/users/nobody", kBrowserAccept).status, 404);
}

// --- Collections ---------------------------------------------------------------------------------

TEST_F(Discovery, PersonCollections) {
  as::Object followers = as2(get("/users/alice/followers", kAs2));
  EXPECT_EQ(followers.kind, as::Kind::ordered_collection);
  EXPECT_EQ(followers.total_items, 0);
  EXPECT_EQ(followers.first.id(), "http://guild.test/users/alice/followers?page=1");
  as::Object page = as2(get("/users/alice/followers?page=1", kAs2));
  EXPECT_EQ(page.kind, as::Kind::ordered_collection_page);
  EXPECT_EQ(page.part_of.id(), "http://guild.test/users/alice/followers");
  EXPECT_TRUE(page.items.empty());
  EXPECT_TRUE(page.next.empty());
  EXPECT_EQ(as2(get("/users/alice/following", kAs2)).total_items, 0);
  EXPECT_EQ(as2(get("/users/alice/outbox", kAs2)).kind, as::Kind::ordered_collection);
  EXPECT_EQ(as2(get("/users/alice/featured", kAs2)).total_items, 0);
  EXPECT_EQ(get("/users/alice/followers?page=0", kAs2).status, 400);
  EXPECT_EQ(get("/users/alice/followers?page=abc", kAs2).status, 400);
}

TEST_F(Discovery, GroupCollections) {
  as::Object followers = as2(get("/c/devs/followers", kAs2));
  EXPECT_EQ(followers.kind, as::Kind::collection);
  EXPECT_EQ(followers.total_items, 1) << "the owner's membership";
  as::Object page = as2(get("/c/devs/followers?page=1", kAs2));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id(), "http://guild.test/users/alice");

  as::Object mods = as2(get("/c/devs/moderators", kAs2));
  ASSERT_EQ(mods.items.size(), 1u);
  EXPECT_EQ(mods.items[0].id(), "http://guild.test/users/alice");
  EXPECT_EQ(as2(get("/c/devs/featured", kAs2)).total_items, 0);
  EXPECT_EQ(as2(get("/c/devs/outbox", kAs2)).total_items, 0);
  EXPECT_EQ(get("/c/devs/following", kAs2).status, 404);

  // Private: the actor is public (peers must find it to ask to join), what it holds answers
  // only member instances; an unsigned GET gets the 404 of an unknown name.
  EXPECT_EQ(get("/c/secret", kAs2).status, 200);
  for (const std::string collection :
       {"followers", "followers?page=1", "moderators", "featured", "outbox", "outbox?page=1"}) {
    const auto res = get("/c/secret/" + collection, kAs2);
    EXPECT_EQ(res.status, 404) << collection << res.body;
    EXPECT_EQ(json::parse(res.body).value("error", ""), "no such collection");
    EXPECT_EQ(get("/c/inside/" + collection, kAs2).status, 404) << collection;
  }
}

// The id in "posted ID AP_ID", the CLI's answer to post and thread.
std::string posted_number(const std::string& output) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(output, m, std::regex(R"(posted (\d+) )"))) << output;
  return m.size() > 1 ? m[1].str() : std::string();
}

std::string cli_output(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env) {
  Process p(guildhall_binary(), args, env);
  EXPECT_EQ(p.wait(60s), 0) << p.output();
  return p.output();
}

TEST_F(Discovery, PostsAreServedAndTombstonedWhenDeleted) {
  const std::string n =
      posted_number(cli_output({"admin", "act", "alice", "post", "Hello *there*"}, env_));
  const std::string id = std::string(kOrigin) + "/posts/" + n;
  auto res = get("/posts/" + n, kAs2);
  ASSERT_EQ(res.status, 200) << res.body;
  as::Object note = as2(res);
  EXPECT_EQ(note.kind, as::Kind::note);
  EXPECT_EQ(note.id, id);
  ASSERT_EQ(note.attributed_to.size(), 1u);
  EXPECT_EQ(note.attributed_to[0].id(), "http://guild.test/users/alice");
  EXPECT_TRUE(note.is_public());
  EXPECT_EQ(note.content, "<p>Hello <em>there</em></p>\n");
  EXPECT_EQ(res.headers["vary"], "Accept");
  EXPECT_EQ(get("/posts/" + n, kBrowserAccept).status, 302);

  // A thread of a public community is Lemmy's Page, addressed to the group.
  const std::string t = posted_number(
      cli_output({"admin", "act", "alice", "thread", "devs", "A title", "Body"}, env_));
  as::Object page = as2(get("/posts/" + t, kAs2));
  EXPECT_EQ(page.kind, as::Kind::page);
  EXPECT_EQ(page.name, "A title");
  EXPECT_EQ(page.audience, std::vector<std::string>{"http://guild.test/c/devs"});

  cli_output({"admin", "act", "alice", "delete", id}, env_);
  res = get("/posts/" + n, kAs2);
  EXPECT_EQ(res.status, 410) << res.body;
  as::Object gone = as2(res);
  EXPECT_EQ(gone.kind, as::Kind::tombstone);
  EXPECT_EQ(gone.former_type, "Note");
  EXPECT_FALSE(gone.content);

  EXPECT_EQ(get("/posts/1", kAs2).status, 404);
  EXPECT_EQ(get("/posts/not-a-number", kAs2).status, 404);
}

// FEP-7888: every post of a community thread names the thread's context collection, which lists
// the thread and its comments oldest first (FEP-f228), paged.
TEST_F(Discovery, ThreadsPublishTheirContextCollection) {
  const std::string t = posted_number(
      cli_output({"admin", "act", "alice", "thread", "devs", "Context", "Body"}, env_));
  const std::string thread_id = std::string(kOrigin) + "/posts/" + t;
  const std::string c1 =
      posted_number(cli_output({"admin", "act", "bob", "comment", thread_id, "first"}, env_));
  const std::string c2 = posted_number(cli_output(
      {"admin", "act", "alice", "comment", std::string(kOrigin) + "/posts/" + c1, "second"}, env_));
  const std::string context = thread_id + "/context";
  EXPECT_EQ(as2(get("/posts/" + t, kAs2)).context.id(), context);
  EXPECT_EQ(as2(get("/posts/" + c2, kAs2)).context.id(), context);

  const json expected = json::array(
      {thread_id, std::string(kOrigin) + "/posts/" + c1, std::string(kOrigin) + "/posts/" + c2});
  json collection = get_json("/posts/" + t + "/context");
  EXPECT_EQ(collection["type"], "OrderedCollection");
  EXPECT_EQ(collection["id"], context);
  EXPECT_EQ(collection["totalItems"], 3);
  EXPECT_EQ(collection["attributedTo"], std::string(kOrigin) + "/c/devs");
  EXPECT_EQ(collection["orderedItems"], expected);
  EXPECT_EQ(collection["first"], context + "?page=1");
  json page = get_json("/posts/" + t + "/context?page=1");
  EXPECT_EQ(page["type"], "OrderedCollectionPage");
  EXPECT_EQ(page["partOf"], context);
  EXPECT_EQ(page["orderedItems"], expected);
  EXPECT_FALSE(page.contains("next"));
  EXPECT_EQ(get_json("/posts/" + t + "/context?page=2")["orderedItems"], json::array());
  EXPECT_EQ(get("/posts/" + t + "/context?page=0", kAs2).status, 400);

  // A comment has no collection of its own; a private community's answers members only.
  EXPECT_EQ(get("/posts/" + c1 + "/context", kAs2).status, 404);
  const std::string secret = posted_number(
      cli_output({"admin", "act", "bob", "thread", "secret", "Hidden", "Hush"}, env_));
  auto res = get("/posts/" + secret + "/context", kAs2);
  EXPECT_EQ(res.status, 404) << res.body;
}

TEST_F(Discovery, PostsOfPrivateCommunitiesAreNotFoundWithoutAMemberSignature) {
  const std::string t =
      posted_number(cli_output({"admin", "act", "bob", "thread", "secret", "Plans", "Hush"}, env_));
  auto res = get("/posts/" + t, kAs2);
  EXPECT_EQ(res.status, 404) << res.body;
  EXPECT_EQ(json::parse(res.body).value("error", ""), "no such post");
  // Forged or foreign signatures get the same answer, never a 401 that would confirm the post.
  res = http_request("127.0.0.1", port_, "GET", "/posts/" + t, "",
                     {{"Accept", kAs2},
                      {"Signature",
                       "keyId=\"http://guild.test/users/alice#main-key\",algorithm=\"rsa-sha256\","
                       "headers=\"(request-target) host\",signature=\"" +
                           std::string(342, 'A') + "==\""}});
  EXPECT_EQ(res.status, 404) << res.body;
  EXPECT_EQ(get("/posts/" + t, kBrowserAccept).status, 404);
}

}  // namespace
