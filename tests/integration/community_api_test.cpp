// End-to-end: the community API (/api/guildhall/v1, docs/api.md "Community API") of a real
// `guildhall serve` over HTTP on loopback. One instance is shared by the suite's tests, each with
// its own communities; a second suite runs two instances, where a person on one joins a community
// hosted on the other and posts into it through the API.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "instances.hpp"
#include "media_files.hpp"

using namespace guildhall;
using namespace guildhall::testrig;
using namespace guildhall::testrig::instances;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr const char* kPassword = "long enough pw";
const std::string kApi = "/api/guildhall/v1";

struct Reply {
  int status = 0;
  json body;
  std::map<std::string, std::string> headers;
};

Reply call(const Instance& at, const std::string& method, const std::string& target,
           const std::string& token, const json& body = nullptr) {
  std::map<std::string, std::string> headers;
  if (!token.empty())
    headers["Authorization"] = "Bearer " + token;
  std::string text;
  if (!body.is_null()) {
    text = body.dump();
    headers["Content-Type"] = "application/json";
  }
  auto res = http_request("127.0.0.1", at.port, method, target, text, headers);
  return {res.status, json::parse(res.body, nullptr, false), res.headers};
}

// A token for `user` (password grant, enabled in these instances) with `scope`.
std::string token_for(const Instance& at, const std::string& user,
                      const std::string& scope = "read write") {
  auto app = call(at, "POST", "/api/v1/apps", "",
                  {{"client_name", "community test"},
                   {"redirect_uris", "urn:ietf:wg:oauth:2.0:oob"},
                   {"scopes", "read write"}});
  EXPECT_EQ(app.status, 200) << app.body;
  auto token = call(at, "POST", "/oauth/token", "",
                    {{"grant_type", "password"},
                     {"client_id", app.body.value("client_id", "")},
                     {"client_secret", app.body.value("client_secret", "")},
                     {"username", user},
                     {"password", kPassword},
                     {"scope", scope}});
  EXPECT_EQ(token.status, 200) << token.body;
  return token.body.value("access_token", "");
}

// A multipart upload of `file` in the field "file" to the community API.
Reply upload(const Instance& at, const std::string& target, const std::string& token,
             const std::string& file) {
  const Multipart body = multipart({}, "file", file);
  auto headers = body.headers;
  headers["Authorization"] = "Bearer " + token;
  auto res = http_request("127.0.0.1", at.port, "POST", kApi + target, body.body, headers);
  return {res.status, json::parse(res.body, nullptr, false), res.headers};
}

// The path of one of `at`'s media URLs.
std::string media_path(const Instance& at, const json& url) {
  const std::string text = url.is_string() ? url.get<std::string>() : "";
  return text.starts_with(at.origin() + "/media/") ? text.substr(at.origin().size()) : "";
}

// Images in these suites stay under 256 KiB (a larger one is refused, not cut off).
constexpr int kMaxImageBytes = 256 * 1024;

std::unique_ptr<Instance> start_instance(const std::string& suite, const std::string& name,
                                         const std::vector<std::string>& users) {
  auto inst = Instance::make(suite, name);
  inst->env["GUILDHALL_OAUTH_PASSWORD_GRANT"] = "true";
  inst->env["GUILDHALL_MEDIA_MAX_IMAGE_BYTES"] = std::to_string(kMaxImageBytes);
  EXPECT_TRUE(inst->start());
  for (const auto& user : users) {
    auto [rc, out] = inst->cli({"admin", "user", "create", user, "--password", kPassword});
    EXPECT_EQ(rc, 0) << out;
  }
  return inst;
}

class CommunityApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = start_instance("community-api", "a", {"alice", "bob", "carol"}).release();
    alice_ = token_for(*server_, "alice");
    bob_ = token_for(*server_, "bob");
    carol_ = token_for(*server_, "carol");
  }
  static void TearDownTestSuite() {
    EXPECT_TRUE(server_->stop());
    std::filesystem::remove_all(server_->dir);
    delete server_;
    server_ = nullptr;
  }

  static Reply api(const std::string& method, const std::string& path, const std::string& token,
                   const json& body = nullptr) {
    return call(*server_, method, kApi + path, token, body);
  }
  // A community owned by alice; returns its id.
  static std::string create(const std::string& handle, json extra = json::object()) {
    extra["handle"] = handle;
    extra["title"] = "Community " + handle;
    auto res = api("POST", "/communities", alice_, extra);
    EXPECT_EQ(res.status, 200) << res.body;
    return res.body.value("id", "");
  }
  static std::string thread(const std::string& community, const std::string& token,
                            const std::string& title, json extra = json::object()) {
    extra["title"] = title;
    extra["body"] = "Body of **" + title + "**";
    auto res = api("POST", "/communities/" + community + "/threads", token, extra);
    EXPECT_EQ(res.status, 200) << res.body;
    return res.body.value("id", "");
  }
  static std::vector<std::string> titles(const json& threads) {
    std::vector<std::string> out;
    for (const auto& t : threads)
      out.push_back(t.value("title", ""));
    return out;
  }

  static Instance* server_;
  static std::string alice_, bob_, carol_;
};
Instance* CommunityApi::server_ = nullptr;
std::string CommunityApi::alice_, CommunityApi::bob_, CommunityApi::carol_;

}  // namespace

TEST_F(CommunityApi, CreateShowEditAndFindCommunities) {
  auto created = api("POST", "/communities", alice_,
                     {{"handle", "platform"},
                      {"title", "Platform engineering"},
                      {"description", "All things **CI**."},
                      {"rules", {"Be kind", "No secrets"}},
                      {"welcome", "Welcome!"},
                      {"join_policy", "approval"},
                      {"languages", {"en", "de"}}});
  ASSERT_EQ(created.status, 200) << created.body;
  const auto& c = created.body;
  const std::string id = c["id"];
  EXPECT_EQ(c["acct"], "platform@" + server_->host());
  EXPECT_EQ(c["description_html"], "<p>All things <strong>CI</strong>.</p>\n");
  EXPECT_EQ(c["rules"], json({"Be kind", "No secrets"}));
  EXPECT_EQ(c["join_policy"], "approval");
  EXPECT_EQ(c["visibility"], "public");
  EXPECT_EQ(c["member_count"], 1);
  EXPECT_EQ(c["me"]["membership"], "member");
  EXPECT_EQ(c["me"]["role"], "owner");
  EXPECT_EQ(c["me"]["can_manage"], true);
  ASSERT_EQ(c["managers"].size(), 1u);
  EXPECT_EQ(c["managers"][0]["person"]["handle"], "alice");

  // Refusals store nothing: a taken handle, a bad policy, no title, no token, a read-only token.
  EXPECT_EQ(api("POST", "/communities", alice_, {{"handle", "platform"}, {"title", "x"}}).status,
            409);
  auto bad = api("POST", "/communities", alice_,
                 {{"handle", "badvis"}, {"title", "x"}, {"visibility", "secret"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(bad.body.contains("error")) << bad.body;
  EXPECT_EQ(api("POST", "/communities", alice_, {{"handle", "notitle"}}).status, 422);
  EXPECT_EQ(api("POST", "/communities", "", {{"handle", "anon"}, {"title", "x"}}).status, 401);
  const std::string reader = token_for(*server_, "alice", "read");
  EXPECT_EQ(api("POST", "/communities", reader, {{"handle", "ro"}, {"title", "x"}}).status, 403);
  for (const char* handle : {"badvis", "notitle", "anon", "ro"})
    EXPECT_EQ(api("GET", "/communities/resolve?q=" + std::string(handle), alice_).status, 404);

  // Bob sees it, not as a manager; he may not edit it.
  auto seen = api("GET", "/communities/" + id, bob_);
  ASSERT_EQ(seen.status, 200);
  EXPECT_EQ(seen.body["me"]["membership"], "none");
  EXPECT_EQ(seen.body["me"]["can_manage"], false);
  auto refused = api("PATCH", "/communities/" + id, bob_, {{"title", "Hijacked"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_TRUE(refused.body.contains("error"));
  auto edited =
      api("PATCH", "/communities/" + id, alice_,
          {{"title", "Platform"}, {"icon", "https://cdn.example/p.png"}, {"rules", {"Only one"}}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.body["title"], "Platform");
  EXPECT_EQ(edited.body["icon"], "https://cdn.example/p.png");
  EXPECT_EQ(edited.body["rules"], json({"Only one"}));
  EXPECT_EQ(edited.body["join_policy"], "approval");  // untouched
  EXPECT_EQ(api("PATCH", "/communities/" + id, alice_, {{"icon", "javascript:alert(1)"}}).status,
            422);
  EXPECT_EQ(api("GET", "/communities/" + id, bob_).body["icon"], "https://cdn.example/p.png");

  // The directory: search, filters, paging with Link; resolve by handle and name@host.
  create("gardening", {{"description", "Tulips and roses"}});
  auto found = api("GET", "/communities?q=TULIP", bob_);
  ASSERT_EQ(found.status, 200);
  ASSERT_EQ(found.body.size(), 1u);
  EXPECT_EQ(found.body[0]["handle"], "gardening");
  EXPECT_FALSE(found.body[0].contains("managers"));
  EXPECT_EQ(api("GET", "/communities?language=de&q=platform", bob_).body.size(), 1u);
  EXPECT_EQ(api("GET", "/communities?membership=managed&q=platform", bob_).body.size(), 0u);
  EXPECT_EQ(api("GET", "/communities?membership=managed&q=platform", alice_).body.size(), 1u);
  EXPECT_EQ(api("GET", "/communities?scope=elsewhere", bob_).status, 422);
  auto page = api("GET", "/communities?limit=1", bob_);
  ASSERT_EQ(page.body.size(), 1u);
  EXPECT_NE(page.headers["link"].find("rel=\"next\""), std::string::npos);
  EXPECT_EQ(api("GET", "/communities/resolve?q=platform", bob_).body["id"], id);
  EXPECT_EQ(api("GET", "/communities/resolve?q=!platform@" + server_->host(), bob_).body["id"], id);
  EXPECT_EQ(api("GET", "/communities/resolve?q=", bob_).status, 422);
  EXPECT_EQ(api("GET", "/communities/123", bob_).status, 404);
}

TEST_F(CommunityApi, ManagersUploadTheIconAndBanner) {
  const std::string id = create("pictures");
  const std::string path = "/communities/" + id;

  // Refusals store nothing: not a manager, no file, not an image, too large.
  const auto refused = [&](const Reply& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_TRUE(r.body.is_object() && r.body.contains("error")) << r.body;
  };
  refused(upload(*server_, path + "/icon", bob_, png_file(64, 64)), 403);
  refused(call(*server_, "POST", kApi + path + "/icon", alice_, json::object()), 422);
  refused(upload(*server_, path + "/icon", alice_, "%PDF-1.7\n"), 422);
  const std::string too_large = png_file(360, 260);
  ASSERT_GT(too_large.size(), static_cast<std::size_t>(kMaxImageBytes));
  refused(upload(*server_, path + "/header", alice_, too_large), 422);
  refused(upload(*server_, "/communities/123/icon", alice_, png_file(64, 64)), 404);
  auto untouched = api("GET", path, bob_);
  EXPECT_TRUE(untouched.body["icon"].is_null()) << untouched.body;
  EXPECT_TRUE(untouched.body["header"].is_null()) << untouched.body;
  EXPECT_EQ(api("GET", path + "/modlog", alice_).body.size(), 0u);

  // The icon is cropped square like an avatar, the banner kept wide; both are served.
  auto with_icon = upload(*server_, path + "/icon", alice_, png_file(300, 200));
  ASSERT_EQ(with_icon.status, 200) << with_icon.body;
  const std::string icon = media_path(*server_, with_icon.body["icon"]);
  ASSERT_FALSE(icon.empty()) << with_icon.body;
  auto file = server_->get(icon);
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.body.substr(16, 8), std::string("\0\0\x01\x90\0\0\x01\x90", 8));  // 400x400
  auto with_header = upload(*server_, path + "/header", alice_, png_file(300, 100));
  ASSERT_EQ(with_header.status, 200) << with_header.body;
  EXPECT_EQ(with_header.body["icon"], with_icon.body["icon"]);
  const std::string header = media_path(*server_, with_header.body["header"]);
  ASSERT_FALSE(header.empty()) << with_header.body;
  EXPECT_EQ(server_->get(header).status, 200);
  // Everyone sees them, in the community and in the directory.
  EXPECT_EQ(api("GET", path, bob_).body["icon"], with_icon.body["icon"]);
  EXPECT_EQ(api("GET", "/communities?q=pictures", bob_).body[0]["header"],
            with_header.body["header"]);

  // The Group actor carries them as icon and image; the change is in the moderation log.
  auto group = server_->get("/c/pictures", "application/activity+json");
  ASSERT_EQ(group.status, 200);
  const json doc = json::parse(group.body);
  EXPECT_EQ(doc["icon"]["url"], with_icon.body["icon"]);
  EXPECT_EQ(doc["image"]["url"], with_header.body["header"]);
  auto log = api("GET", path + "/modlog", alice_);
  ASSERT_EQ(log.body.size(), 2u) << log.body;
  EXPECT_EQ(log.body[0]["action"], "update_community");

  // The banner is removed with PATCH; the icon stays.
  auto removed = api("PATCH", path, alice_, {{"header", nullptr}});
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(removed.body["header"].is_null());
  EXPECT_EQ(removed.body["icon"], with_icon.body["icon"]);
}

TEST_F(CommunityApi, JoinRequestsAreApprovedOrRejectedByManagers) {
  const std::string id =
      create("approvals", {{"join_policy", "approval"}, {"welcome", "Hi *all*"}});
  auto asked = api("POST", "/communities/" + id + "/join", bob_);
  ASSERT_EQ(asked.status, 200) << asked.body;
  EXPECT_EQ(asked.body["membership"], "pending");
  EXPECT_EQ(asked.body["community"]["me"]["membership"], "pending");
  api("POST", "/communities/" + id + "/join", carol_);

  // Only managers see and answer requests.
  EXPECT_EQ(api("GET", "/communities/" + id + "/requests", bob_).status, 403);
  auto requests = api("GET", "/communities/" + id + "/requests", alice_);
  ASSERT_EQ(requests.status, 200);
  ASSERT_EQ(requests.body.size(), 2u);
  std::string bob_id, carol_id;
  for (const auto& r : requests.body) {
    EXPECT_EQ(r["state"], "pending");
    (r["person"]["handle"] == "bob" ? bob_id : carol_id) = r["person"]["id"];
  }
  EXPECT_EQ(api("POST", "/communities/" + id + "/requests/" + carol_id + "/approve", bob_).status,
            403);
  auto approved = api("POST", "/communities/" + id + "/requests/" + bob_id + "/approve", alice_);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.body["state"], "accepted");
  EXPECT_EQ(api("POST", "/communities/" + id + "/requests/" + carol_id + "/reject", alice_).status,
            200);
  EXPECT_EQ(api("POST", "/communities/" + id + "/requests/" + carol_id + "/approve", alice_).status,
            404);
  EXPECT_EQ(api("GET", "/communities/" + id, carol_).body["me"]["membership"], "none");

  auto members = api("GET", "/communities/" + id + "/members", carol_);
  ASSERT_EQ(members.status, 200);
  EXPECT_EQ(members.body.size(), 2u);
  EXPECT_EQ(api("GET", "/communities/" + id, bob_).body["member_count"], 2);
  EXPECT_EQ(api("GET", "/communities/" + id + "/requests", alice_).body.size(), 0u);

  // Leaving; the owner cannot leave.
  auto left = api("POST", "/communities/" + id + "/leave", bob_);
  ASSERT_EQ(left.status, 200) << left.body;
  EXPECT_EQ(left.body["me"]["membership"], "none");
  EXPECT_GE(api("POST", "/communities/" + id + "/leave", alice_).status, 400);

  // An open community admits at once and answers the welcome message.
  const std::string open = create("opendoor", {{"welcome", "Welcome **in**"}});
  auto joined = api("POST", "/communities/" + open + "/join", bob_);
  ASSERT_EQ(joined.status, 200);
  EXPECT_EQ(joined.body["membership"], "member");
  EXPECT_EQ(joined.body["welcome_html"], "<p>Welcome <strong>in</strong></p>\n");
}

TEST_F(CommunityApi, ThreadsCommentsReactionsEditsAndHistory) {
  const std::string id = create("discuss");
  api("POST", "/communities/" + id + "/join", bob_);
  const std::string first = thread(id, alice_, "First", {{"language", "en"}});
  const std::string question = thread(id, bob_, "How?", {{"question", true}});
  // A link post: the link is shown, and the status text of the Mastodon API carries it.
  const std::string linked = thread(create("links"), alice_, "Read this",
                                    {{"url", "https://example.com/article?a=1&b=2"}});
  auto shown = api("GET", "/threads/" + linked, bob_);
  EXPECT_EQ(shown.body["link"], "https://example.com/article?a=1&b=2");
  auto status = call(*server_, "GET", "/api/v1/statuses/" + linked, bob_);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_NE(
      status.body.value("content", "").find("<a href=\"https://example.com/article?a=1&amp;b=2\""),
      std::string::npos)
      << status.body;
  EXPECT_EQ(status.body["card"], nullptr);

  // Bad input stores nothing.
  EXPECT_EQ(
      api("POST", "/communities/" + id + "/threads", bob_, {{"title", ""}, {"body", "x"}}).status,
      422);
  EXPECT_EQ(api("POST", "/communities/" + id + "/threads", bob_, {{"title", "No body"}}).status,
            422);
  EXPECT_EQ(api("POST", "/communities/" + id + "/threads", bob_,
                {{"title", "Poll"}, {"body", "x"}, {"poll", "yes"}})
                .status,
            422);
  EXPECT_EQ(api("POST", "/communities/" + id + "/threads", bob_,
                {{"title", "Link"}, {"body", "x"}, {"url", "javascript:alert(1)"}})
                .status,
            422);
  auto list = api("GET", "/communities/" + id + "/threads", bob_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(titles(list.body), (std::vector<std::string>{"How?", "First"}));
  EXPECT_EQ(list.body[0]["link"], nullptr);
  EXPECT_EQ(list.body[0]["question"], true);
  EXPECT_EQ(list.body[1]["language"], "en");
  EXPECT_EQ(list.body[1]["body_html"], "<p>Body of <strong>First</strong></p>\n");
  EXPECT_EQ(list.body[1]["body"], "Body of **First**");
  EXPECT_EQ(list.body[1]["author"]["handle"], "alice");

  // A comment tree: a reply to a comment nests under it.
  auto c1 = api("POST", "/posts/" + first + "/comments", bob_, {{"body", "Nice"}});
  ASSERT_EQ(c1.status, 200) << c1.body;
  EXPECT_EQ(c1.body["parent_id"], first);
  auto c2 = api("POST", "/posts/" + c1.body["id"].get<std::string>() + "/comments", alice_,
                {{"body", "Thanks"}});
  ASSERT_EQ(c2.status, 200) << c2.body;
  EXPECT_EQ(api("POST", "/posts/" + first + "/comments", bob_, {{"body", ""}}).status, 422);
  auto full = api("GET", "/threads/" + first, carol_);
  ASSERT_EQ(full.status, 200) << full.body;
  ASSERT_EQ(full.body["comments"].size(), 1u);
  EXPECT_EQ(full.body["comments"][0]["body"], "Nice");
  ASSERT_EQ(full.body["comments"][0]["replies"].size(), 1u);
  EXPECT_EQ(full.body["comments"][0]["replies"][0]["body"], "Thanks");
  EXPECT_EQ(full.body["comment_count"], 2);
  EXPECT_EQ(full.body["comments_truncated"], false);
  EXPECT_EQ(api("GET", "/threads/" + c1.body["id"].get<std::string>(), carol_).status, 404);

  // Sorts: active puts the commented thread first, top the liked one.
  EXPECT_EQ(titles(api("GET", "/communities/" + id + "/threads?sort=active", bob_).body),
            (std::vector<std::string>{"First", "How?"}));
  auto liked = api("POST", "/posts/" + question + "/reactions", alice_, {{"kind", "like"}});
  ASSERT_EQ(liked.status, 200) << liked.body;
  EXPECT_EQ(liked.body["likes"], 1);
  EXPECT_EQ(liked.body["my_vote"], "like");
  auto top = api("GET", "/communities/" + id + "/threads?sort=top&limit=1", bob_);
  EXPECT_EQ(titles(top.body), (std::vector<std::string>{"How?"}));
  EXPECT_NE(top.headers["link"].find("page=2"), std::string::npos) << top.headers["link"];
  EXPECT_EQ(
      titles(api("GET", "/communities/" + id + "/threads?sort=top&limit=1&page=2", bob_).body),
      (std::vector<std::string>{"First"}));
  EXPECT_EQ(api("GET", "/communities/" + id + "/threads?sort=hot", bob_).status, 422);
  // Newest first: a full page links to older threads, a short one only back to newer ones (the
  // web app offers no "load more" that would load nothing).
  auto newest = api("GET", "/communities/" + id + "/threads?limit=1", bob_);
  ASSERT_EQ(titles(newest.body), (std::vector<std::string>{"How?"}));
  EXPECT_NE(newest.headers["link"].find("rel=\"next\""), std::string::npos);
  auto all = api("GET", "/communities/" + id + "/threads?limit=5", bob_);
  ASSERT_EQ(all.body.size(), 2u);
  EXPECT_EQ(all.headers["link"].find("rel=\"next\""), std::string::npos) << all.headers["link"];
  EXPECT_NE(all.headers["link"].find("rel=\"prev\""), std::string::npos) << all.headers["link"];

  // Reactions: a dislike replaces the like; emoji; my reactions; undo.
  auto disliked = api("POST", "/posts/" + question + "/reactions", alice_, {{"kind", "dislike"}});
  EXPECT_EQ(disliked.body["likes"], 0);
  EXPECT_EQ(disliked.body["score"], -1);
  auto party =
      api("POST", "/posts/" + question + "/reactions", carol_, {{"kind", "emoji"}, {"emoji", "🎉"}});
  ASSERT_EQ(party.status, 200) << party.body;
  EXPECT_EQ(party.body["emoji"][0]["emoji"], "🎉");
  EXPECT_EQ(party.body["emoji"][0]["me"], true);
  EXPECT_EQ(api("POST", "/posts/" + question + "/reactions", carol_, {{"kind", "emoji"}}).status,
            422);
  EXPECT_EQ(api("POST", "/posts/" + question + "/reactions", carol_, {{"kind", "love"}}).status,
            422);
  auto undone =
      api("DELETE", "/posts/" + question + "/reactions?kind=emoji&emoji=%F0%9F%8E%89", carol_);
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(undone.body["emoji"].size(), 0u);

  // Edit by the author only, with history; delete leaves a tombstone in the tree.
  EXPECT_EQ(api("PATCH", "/posts/" + first, bob_, {{"body", "mine now"}}).status, 403);
  auto edited = api("PATCH", "/posts/" + first, alice_, {{"body", "Edited"}, {"title", "First!"}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.body["title"], "First!");
  EXPECT_FALSE(edited.body["edited_at"].is_null());
  auto history = api("GET", "/posts/" + first + "/history", bob_);
  ASSERT_EQ(history.status, 200);
  ASSERT_EQ(history.body.size(), 2u);
  EXPECT_EQ(history.body[0]["title"], "First");
  EXPECT_EQ(history.body[1]["title"], "First!");
  EXPECT_EQ(history.body[1]["current"], true);
  EXPECT_EQ(api("DELETE", "/posts/" + c1.body["id"].get<std::string>(), alice_).status, 403);
  EXPECT_EQ(api("DELETE", "/posts/" + c1.body["id"].get<std::string>(), bob_).status, 200);
  auto after = api("GET", "/threads/" + first, carol_);
  EXPECT_EQ(after.body["comments"][0]["deleted"], true);
  EXPECT_EQ(after.body["comments"][0]["body"], "");
  EXPECT_EQ(after.body["comments"][0]["replies"].size(), 1u);
}

TEST_F(CommunityApi, ManagersModerateAndOthersAreRefused) {
  const std::string id = create("moderated");
  api("POST", "/communities/" + id + "/join", bob_);
  const std::string older = thread(id, bob_, "Older");
  const std::string newer = thread(id, bob_, "Newer");

  // Pin and lock: managers only; pinned first; a locked thread takes no comments.
  EXPECT_EQ(api("POST", "/posts/" + older + "/pin", bob_).status, 403);
  auto pinned = api("POST", "/posts/" + older + "/pin", alice_);
  ASSERT_EQ(pinned.status, 200) << pinned.body;
  EXPECT_EQ(pinned.body["pinned"], true);
  EXPECT_EQ(titles(api("GET", "/communities/" + id + "/threads", bob_).body),
            (std::vector<std::string>{"Older", "Newer"}));
  ASSERT_EQ(api("POST", "/posts/" + newer + "/lock", alice_).status, 200);
  auto refused = api("POST", "/posts/" + newer + "/comments", bob_, {{"body", "late"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_TRUE(refused.body.contains("error"));
  EXPECT_EQ(api("GET", "/threads/" + newer, bob_).body["comment_count"], 0);
  ASSERT_EQ(api("POST", "/posts/" + newer + "/unlock", alice_).status, 200);
  auto comment = api("POST", "/posts/" + newer + "/comments", bob_, {{"body", "now"}});
  ASSERT_EQ(comment.status, 200);
  EXPECT_EQ(api("POST", "/posts/" + comment.body["id"].get<std::string>() + "/pin", alice_).status,
            422);

  // Remove with a reason: gone for members, visible to managers; restore.
  ASSERT_EQ(api("POST", "/posts/" + newer + "/remove", alice_, {{"reason", "off topic"}}).status,
            200);
  EXPECT_EQ(api("GET", "/threads/" + newer, bob_).status, 404);
  EXPECT_EQ(api("GET", "/threads/" + newer, alice_).body["removed"], true);
  EXPECT_EQ(titles(api("GET", "/communities/" + id + "/threads", bob_).body),
            (std::vector<std::string>{"Older"}));
  ASSERT_EQ(api("POST", "/posts/" + newer + "/restore", alice_).status, 200);
  EXPECT_EQ(api("GET", "/threads/" + newer, bob_).status, 200);

  // Reports: anyone who takes part reports; managers list and resolve.
  EXPECT_EQ(api("POST", "/posts/" + newer + "/report", carol_, {{"reason", ""}}).status, 422);
  ASSERT_EQ(api("POST", "/posts/" + newer + "/report", carol_, {{"reason", "spam"}}).status, 200);
  EXPECT_EQ(api("GET", "/communities/" + id + "/reports", bob_).status, 403);
  auto reports = api("GET", "/communities/" + id + "/reports", alice_);
  ASSERT_EQ(reports.status, 200);
  ASSERT_EQ(reports.body.size(), 1u);
  EXPECT_EQ(reports.body[0]["reason"], "spam");
  EXPECT_EQ(reports.body[0]["reporter"]["handle"], "carol");
  EXPECT_EQ(reports.body[0]["post"]["id"], newer);
  const std::string report = reports.body[0]["id"];
  EXPECT_EQ(api("POST", "/reports/" + report + "/resolve", bob_).status, 403);
  auto resolved = api("POST", "/reports/" + report + "/resolve", alice_);
  ASSERT_EQ(resolved.status, 200);
  EXPECT_FALSE(resolved.body["resolved_at"].is_null());
  EXPECT_EQ(api("GET", "/communities/" + id + "/reports", alice_).body.size(), 0u);
  EXPECT_EQ(api("GET", "/communities/" + id + "/reports?state=all", alice_).body.size(), 1u);

  // Ban: the banned person can neither post nor rejoin; unban.
  EXPECT_EQ(api("POST", "/communities/" + id + "/bans", bob_, {{"person", "carol"}}).status, 403);
  EXPECT_EQ(api("POST", "/communities/" + id + "/bans", alice_,
                {{"person", "bob"}, {"expires_at", "2001-01-01T00:00:00Z"}})
                .status,
            422);
  auto banned =
      api("POST", "/communities/" + id + "/bans", alice_,
          {{"person", "bob"}, {"reason", "spam"}, {"expires_at", "2099-01-01T00:00:00Z"}});
  ASSERT_EQ(banned.status, 200) << banned.body;
  EXPECT_EQ(banned.body["state"], "banned");
  EXPECT_EQ(banned.body["ban"]["reason"], "spam");
  EXPECT_EQ(
      api("POST", "/communities/" + id + "/threads", bob_, {{"title", "x"}, {"body", "y"}}).status,
      403);
  EXPECT_EQ(api("POST", "/communities/" + id + "/join", bob_).status, 403);
  EXPECT_EQ(api("GET", "/communities/" + id, bob_).body["me"]["membership"], "banned");
  EXPECT_EQ(api("GET", "/communities/" + id + "/bans", alice_).body.size(), 1u);
  const std::string bob_id = banned.body["person"]["id"];
  ASSERT_EQ(api("DELETE", "/communities/" + id + "/bans/" + bob_id, alice_).status, 200);
  EXPECT_EQ(api("POST", "/communities/" + id + "/join", bob_).status, 200);

  // A moderator appointed by handle gets the manager tools; removed again.
  EXPECT_EQ(api("POST", "/communities/" + id + "/moderators", bob_, {{"person", "carol"}}).status,
            403);
  EXPECT_EQ(api("POST", "/communities/" + id + "/moderators", alice_, {}).status, 422);
  api("POST", "/communities/" + id + "/join", carol_);
  auto appointed =
      api("POST", "/communities/" + id + "/moderators", alice_, {{"person", "@carol"}});
  ASSERT_EQ(appointed.status, 200) << appointed.body;
  EXPECT_EQ(appointed.body["role"], "moderator");
  EXPECT_EQ(api("POST", "/posts/" + newer + "/pin", carol_).status, 200);
  EXPECT_EQ(api("GET", "/communities/" + id, bob_).body["managers"].size(), 2u);
  const std::string carol_id = appointed.body["person"]["id"];
  ASSERT_EQ(api("DELETE", "/communities/" + id + "/moderators/" + carol_id, alice_).status, 200);
  EXPECT_EQ(api("POST", "/posts/" + newer + "/unpin", carol_).status, 403);

  // Every step is in the moderation log, readable by members.
  auto log = api("GET", "/communities/" + id + "/modlog", bob_);
  ASSERT_EQ(log.status, 200);
  std::vector<std::string> actions;
  for (const auto& e : log.body)
    actions.push_back(e["action"]);
  for (const char* expected :
       {"pin", "lock", "unlock", "remove_post", "restore_post", "resolve_report", "ban", "unban",
        "add_moderator", "remove_moderator"})
    EXPECT_NE(std::find(actions.begin(), actions.end(), expected), actions.end()) << expected;
  EXPECT_EQ(log.body.back()["action"], "pin");
  EXPECT_EQ(log.body.back()["moderator"]["handle"], "alice");
}

TEST_F(CommunityApi, HomeFeedUnreadMarkersAndInsights) {
  const std::string id = create("insightful");
  api("POST", "/communities/" + id + "/join", bob_);
  const std::string q = thread(id, alice_, "Anyone?", {{"question", true}});
  thread(id, alice_, "Unanswered", {{"question", true}});
  auto home = api("GET", "/home", bob_);
  ASSERT_EQ(home.status, 200) << home.body;
  ASSERT_GE(home.body.size(), 2u);
  EXPECT_EQ(home.body[1]["id"], q);
  EXPECT_EQ(home.body[1]["read"]["unread"], true);
  auto read = api("POST", "/threads/" + q + "/read", bob_);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_TRUE(read.body.contains("read_at"));
  auto unread = api("GET", "/home?unread=true", bob_);
  for (const auto& t : unread.body)
    EXPECT_NE(t["id"], q);
  ASSERT_EQ(api("POST", "/posts/" + q + "/comments", alice_, {{"body", "Me!"}}).status, 200);
  ASSERT_EQ(api("POST", "/posts/" + q + "/comments", bob_, {{"body", "Answer"}}).status, 200);
  // Alice's new comment makes it unread again (bob's own does not count).
  home = api("GET", "/home?unread=true", bob_);
  ASSERT_GE(home.body.size(), 2u);
  EXPECT_EQ(home.body[0]["title"], "Unanswered");
  EXPECT_EQ(home.body[1]["id"], q);
  EXPECT_EQ(home.body[1]["read"]["new_comments"], 1);

  EXPECT_EQ(api("GET", "/communities/" + id + "/insights", bob_).status, 403);
  EXPECT_EQ(api("GET", "/communities/" + id + "/insights?days=0", alice_).status, 422);
  auto insights = api("GET", "/communities/" + id + "/insights?days=7", alice_);
  ASSERT_EQ(insights.status, 200) << insights.body;
  const auto& in = insights.body;
  EXPECT_EQ(in["members"]["total"], 2);
  ASSERT_EQ(in["members"]["series"].size(), 7u);
  EXPECT_EQ(in["members"]["series"].back()["total"], 2);
  EXPECT_EQ(in["activity"].back()["threads"], 2);
  EXPECT_EQ(in["activity"].back()["comments"], 2);
  EXPECT_EQ(in["active_members"]["day"], 2);
  EXPECT_EQ(in["questions"]["total"], 2);
  EXPECT_EQ(in["questions"]["answered"], 1);
  EXPECT_EQ(in["questions"]["unanswered"], 1);
  EXPECT_EQ(in["questions"]["unanswered_threads"][0]["title"], "Unanswered");
  EXPECT_FALSE(in["questions"]["median_seconds_to_first_answer"].is_null());
  EXPECT_EQ(in["members_by_instance"][0]["host"], server_->host());
  EXPECT_EQ(in["members_by_instance"][0]["local"], true);
}

TEST_F(CommunityApi, QuestionsPollsAndEvents) {
  const std::string id = create("qapollevent");
  for (const auto* token : {&bob_, &carol_})
    api("POST", "/communities/" + id + "/join", *token);

  // Q&A: the asker accepts an answer; others may not; clearing it again.
  const std::string question = thread(id, bob_, "Which CI?", {{"question", true}});
  auto answer = api("POST", "/posts/" + question + "/comments", alice_, {{"body", "Ours"}});
  ASSERT_EQ(answer.status, 200);
  const std::string answer_id = answer.body["id"];
  EXPECT_EQ(api("POST", "/posts/" + answer_id + "/accept", carol_).status, 403);
  auto accepted = api("POST", "/posts/" + answer_id + "/accept", bob_);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.body["accepted_answer_id"], answer_id);
  EXPECT_EQ(api("GET", "/threads/" + question, carol_).body["comments"][0]["accepted"], true);
  auto cleared = api("DELETE", "/posts/" + answer_id + "/accept", bob_);
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.body["accepted_answer_id"].is_null());

  // A poll: one vote per person, tallies and my choices.
  auto poll =
      api("POST", "/communities/" + id + "/threads", alice_,
          {{"title", "Lunch?"},
           {"body", "Pick one"},
           {"poll", {{"options", {"Pizza", "Salad"}}, {"ends_at", "2099-01-01T00:00:00Z"}}}});
  ASSERT_EQ(poll.status, 200) << poll.body;
  ASSERT_TRUE(poll.body["poll"].is_object()) << poll.body;
  EXPECT_EQ(poll.body["poll"]["options"][1]["name"], "Salad");
  const std::string poll_id = poll.body["id"];
  EXPECT_EQ(api("POST", "/posts/" + poll_id + "/votes", carol_, {{"choices", {"Soup"}}}).status,
            422);
  auto voted = api("POST", "/posts/" + poll_id + "/votes", carol_, {{"choices", {"Salad"}}});
  ASSERT_EQ(voted.status, 200) << voted.body;
  EXPECT_EQ(voted.body["poll"]["options"][1]["votes"], 1);
  EXPECT_EQ(voted.body["poll"]["my_choices"], json({"Salad"}));
  EXPECT_GE(api("POST", "/posts/" + poll_id + "/votes", carol_, {{"choices", {"Pizza"}}}).status,
            400);
  EXPECT_EQ(api("GET", "/threads/" + poll_id, alice_).body["poll"]["voters_count"], 1);

  // An event: answers counted, withdrawn; an event needs a start.
  EXPECT_EQ(api("POST", "/communities/" + id + "/threads", alice_,
                {{"title", "Meetup"}, {"body", "x"}, {"event", {{"location_name", "Hall"}}}})
                .status,
            422);
  auto event = api("POST", "/communities/" + id + "/threads", alice_,
                   {{"title", "Meetup"},
                    {"body", "Come"},
                    {"event", {{"starts_at", "2099-05-01T18:00:00Z"}, {"location_name", "Hall"}}}});
  ASSERT_EQ(event.status, 200) << event.body;
  EXPECT_EQ(event.body["event"]["location_name"], "Hall");
  const std::string event_id = event.body["id"];
  EXPECT_EQ(api("POST", "/posts/" + event_id + "/rsvp", carol_, {{"status", "perhaps"}}).status,
            422);
  auto going = api("POST", "/posts/" + event_id + "/rsvp", carol_, {{"status", "going"}});
  ASSERT_EQ(going.status, 200) << going.body;
  EXPECT_EQ(going.body["event"]["rsvps"]["going"], 1);
  EXPECT_EQ(going.body["event"]["my_rsvp"], "going");
  auto withdrawn = api("DELETE", "/posts/" + event_id + "/rsvp", carol_);
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  EXPECT_EQ(withdrawn.body["event"]["rsvps"]["going"], 0);
  EXPECT_TRUE(withdrawn.body["event"]["my_rsvp"].is_null());
}

TEST_F(CommunityApi, PrivateCommunityContentIsHiddenFromOutsiders) {
  const std::string id = create("secret", {{"visibility", "private"}});
  const std::string t = thread(id, alice_, "Plans");
  auto about = api("GET", "/communities/" + id, carol_);
  ASSERT_EQ(about.status, 200);  // the about page, so carol can ask to join
  EXPECT_EQ(about.body["visibility"], "private");
  EXPECT_EQ(api("GET", "/communities/" + id + "/threads", carol_).status, 404);
  EXPECT_EQ(api("GET", "/communities/" + id + "/members", carol_).status, 404);
  EXPECT_EQ(api("GET", "/threads/" + t, carol_).status, 404);
  EXPECT_EQ(api("POST", "/posts/" + t + "/comments", carol_, {{"body", "hi"}}).status, 403);
  EXPECT_EQ(api("POST", "/communities/" + id + "/join", carol_).body["membership"], "pending");
  EXPECT_EQ(api("GET", "/threads/" + t, carol_).status, 404);
  EXPECT_EQ(api("GET", "/threads/" + t, alice_).status, 200);
}

// ---------------------------------------------------------------------------------------------
// Two instances: bob on B joins a community hosted on A and posts into it, all through the API.

TEST(CommunityApiFederation, PersonJoinsARemoteCommunityAndPostsIntoIt) {
  auto a = start_instance("community-api-fed", "a", {"alice"});
  auto b = start_instance("community-api-fed", "b", {"bob"});
  const std::string alice = token_for(*a, "alice");
  const std::string bob = token_for(*b, "bob");
  auto created =
      call(*a, "POST", kApi + "/communities", alice, {{"handle", "guild"}, {"title", "The Guild"}});
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string on_a = created.body["id"];

  // B has never seen the community: resolve fetches it, join sends the Follow.
  auto resolved = call(*b, "GET", kApi + "/communities/resolve?q=guild@" + a->host(), bob);
  ASSERT_EQ(resolved.status, 200) << resolved.body << b->output();
  EXPECT_EQ(resolved.body["local"], false);
  const std::string on_b = resolved.body["id"];
  auto joined = call(*b, "POST", kApi + "/communities/" + on_b + "/join", bob);
  ASSERT_EQ(joined.status, 200) << joined.body;
  EXPECT_EQ(joined.body["membership"], "pending");
  ASSERT_TRUE(eventually([&] {
    return call(*b, "GET", kApi + "/communities/" + on_b, bob).body["me"]["membership"] == "member";
  })) << a->output()
      << b->output();
  auto directory = call(*b, "GET", kApi + "/communities?scope=remote&membership=joined", bob);
  ASSERT_EQ(directory.body.size(), 1u);

  auto posted = call(*b, "POST", kApi + "/communities/" + on_b + "/threads", bob,
                     {{"title", "Hello from B"}, {"body", "Greetings"}});
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(posted.body["community"]["local"], false);
  ASSERT_TRUE(eventually([&] {
    auto threads = call(*a, "GET", kApi + "/communities/" + on_a + "/threads", alice);
    return threads.body.is_array() && !threads.body.empty() &&
           threads.body[0]["title"] == "Hello from B";
  })) << a->output()
      << b->output();
  auto on_a_threads = call(*a, "GET", kApi + "/communities/" + on_a + "/threads", alice);
  EXPECT_EQ(on_a_threads.body[0]["author"]["acct"], "bob@" + b->host());
  // Bob's home feed on B has the thread of the remote community.
  auto home = call(*b, "GET", kApi + "/home", bob);
  ASSERT_EQ(home.body.size(), 1u);
  EXPECT_EQ(home.body[0]["title"], "Hello from B");
  // Settings of a community hosted elsewhere are edited on its instance.
  EXPECT_EQ(call(*b, "PATCH", kApi + "/communities/" + on_b, bob, {{"title", "x"}}).status, 422);
  EXPECT_EQ(upload(*b, "/communities/" + on_b + "/icon", bob, png_file(64, 64)).status, 403);

  // alice's new icon and banner reach B with the Updates of the Group.
  ASSERT_EQ(upload(*a, "/communities/" + on_a + "/icon", alice, png_file(64, 64)).status, 200);
  auto with_images = upload(*a, "/communities/" + on_a + "/header", alice, png_file(90, 30));
  ASSERT_EQ(with_images.status, 200) << with_images.body;
  ASSERT_FALSE(media_path(*a, with_images.body["icon"]).empty()) << with_images.body;
  ASSERT_FALSE(media_path(*a, with_images.body["header"]).empty()) << with_images.body;
  ASSERT_TRUE(eventually([&] {
    const json seen = call(*b, "GET", kApi + "/communities/" + on_b, bob).body;
    return seen["icon"] == with_images.body["icon"] && seen["header"] == with_images.body["header"];
  })) << a->output()
      << b->output();

  for (auto* inst : {a.get(), b.get()}) {
    EXPECT_TRUE(inst->stop());
    std::filesystem::remove_all(inst->dir);
  }
}

// ---------------------------------------------------------------------------------------------
// Three instances: bob on B, appointed moderator of a community hosted on A, moderates it through
// B's API; A checks and applies, and carol's instance C follows A's Announces.

TEST(CommunityApiFederation, AModeratorOnAnotherInstanceModeratesThroughTheApi) {
  auto a = start_instance("community-api-mod", "a", {"alice"});
  auto b = start_instance("community-api-mod", "b", {"bob"});
  auto c = start_instance("community-api-mod", "c", {"carol"});
  const std::string alice = token_for(*a, "alice");
  const std::string bob = token_for(*b, "bob");
  const std::string carol = token_for(*c, "carol");
  auto created =
      call(*a, "POST", kApi + "/communities", alice, {{"handle", "watch"}, {"title", "Watch"}});
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string on_a = created.body["id"];
  const auto join = [&](const Instance& at, const std::string& token) {
    auto resolved = call(at, "GET", kApi + "/communities/resolve?q=watch@" + a->host(), token);
    EXPECT_EQ(resolved.status, 200) << resolved.body;
    const std::string id = resolved.body.value("id", "");
    EXPECT_EQ(call(at, "POST", kApi + "/communities/" + id + "/join", token).status, 200);
    return id;
  };
  const std::string on_b = join(*b, bob);
  const std::string on_c = join(*c, carol);
  const auto me = [&](const Instance& at, const std::string& id, const std::string& token) {
    return call(at, "GET", kApi + "/communities/" + id, token).body["me"];
  };
  ASSERT_TRUE(eventually([&] {
    return me(*b, on_b, bob)["membership"] == "member" &&
           me(*c, on_c, carol)["membership"] == "member";
  })) << a->output();

  // carol's thread, seen on every instance.
  auto posted = call(*c, "POST", kApi + "/communities/" + on_c + "/threads", carol,
                     {{"title", "Noise"}, {"body", "Buy now"}});
  ASSERT_EQ(posted.status, 200) << posted.body;
  const std::string ap_id = posted.body["ap_id"];
  const auto thread_on = [&](const Instance& at, const std::string& community,
                             const std::string& token) {
    auto threads = call(at, "GET", kApi + "/communities/" + community + "/threads", token);
    for (const auto& t : threads.body)
      if (t.is_object() && t.value("ap_id", "") == ap_id)
        return t;
    return json();
  };
  ASSERT_TRUE(eventually([&] {
    return !thread_on(*a, on_a, alice).is_null() && !thread_on(*b, on_b, bob).is_null();
  })) << a->output();
  const std::string t_b = thread_on(*b, on_b, bob)["id"];
  const std::string t_c = posted.body["id"];

  // Not a moderator yet: refused on B, nothing sent.
  EXPECT_EQ(call(*b, "POST", kApi + "/posts/" + t_b + "/lock", bob).status, 403);
  // alice appoints bob on A; A's announced Add gives bob the role on B.
  auto appointed = call(*a, "POST", kApi + "/communities/" + on_a + "/moderators", alice,
                        {{"person", "bob@" + b->host()}});
  ASSERT_EQ(appointed.status, 200) << appointed.body;
  ASSERT_TRUE(eventually([&] { return me(*b, on_b, bob)["role"] == "moderator"; })) << b->output();

  // Lock and pin through B's API: applied on B at once, then on A and, by A's Announce, on C.
  auto locked = call(*b, "POST", kApi + "/posts/" + t_b + "/lock", bob);
  ASSERT_EQ(locked.status, 200) << locked.body;
  EXPECT_EQ(locked.body["locked"], true);
  ASSERT_EQ(call(*b, "POST", kApi + "/posts/" + t_b + "/pin", bob).status, 200);
  ASSERT_TRUE(eventually([&] {
    const json on_host = thread_on(*a, on_a, alice);
    const json on_carol = thread_on(*c, on_c, carol);
    return on_host.value("locked", false) && on_host.value("pinned", false) &&
           on_carol.value("locked", false) && on_carol.value("pinned", false);
  })) << a->output()
      << c->output();
  // A locked thread takes no more comments from carol.
  EXPECT_EQ(
      call(*c, "POST", kApi + "/posts/" + t_c + "/comments", carol, {{"body", "more"}}).status,
      403);

  // A removal with a reason, then a ban of carol: C learns both from A.
  ASSERT_EQ(call(*b, "POST", kApi + "/posts/" + t_b + "/remove", bob, {{"reason", "spam"}}).status,
            200);
  auto banned = call(*b, "POST", kApi + "/communities/" + on_b + "/bans", bob,
                     {{"person", "carol@" + c->host()}, {"reason", "spam"}});
  ASSERT_EQ(banned.status, 200) << banned.body;
  ASSERT_TRUE(eventually([&] {
    return me(*c, on_c, carol)["membership"] == "banned" &&
           thread_on(*a, on_a, alice).value("removed", false);
  })) << a->output()
      << c->output();
  auto log = call(*a, "GET", kApi + "/communities/" + on_a + "/modlog", alice);
  ASSERT_EQ(log.status, 200) << log.body;
  std::vector<std::string> actions;
  for (const auto& entry : log.body)
    actions.push_back(entry.value("action", ""));
  for (const char* action : {"lock", "pin", "remove_post", "ban"})
    EXPECT_NE(std::find(actions.begin(), actions.end(), action), actions.end()) << action;

  for (auto* inst : {a.get(), b.get(), c.get()}) {
    EXPECT_TRUE(inst->stop());
    std::filesystem::remove_all(inst->dir);
  }
}
