// WebFinger resources and documents, host-meta, NodeInfo, content negotiation, collection shapes.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/federation/discovery/collections.hpp"
#include "guildhall/federation/discovery/negotiation.hpp"
#include "guildhall/federation/discovery/nodeinfo.hpp"
#include "guildhall/federation/discovery/webfinger.hpp"

namespace {

namespace as = guildhall::activitystreams;
namespace disc = guildhall::federation::discovery;
namespace storage = guildhall::storage;
using guildhall::core::ErrorKind;
using guildhall::federation::Urls;
using nlohmann::json;
using Scope = disc::WebfingerQuery::Scope;

const Urls kUrls("https://guild.example");

// --- WebFinger resources -------------------------------------------------------------------------

struct ResourceCase {
  std::string resource;
  std::optional<disc::WebfingerQuery> expected;  // nullopt: an error of `error`
  ErrorKind error = ErrorKind::not_found;
};

class WebfingerResource : public ::testing::TestWithParam<ResourceCase> {};

TEST_P(WebfingerResource, Parses) {
  const auto& c = GetParam();
  auto r = disc::parse_webfinger_resource(c.resource, kUrls);
  if (c.expected) {
    ASSERT_TRUE(r.ok()) << c.resource << ": " << r.error().message;
    EXPECT_EQ(*r, *c.expected) << c.resource;
  } else {
    ASSERT_FALSE(r.ok()) << c.resource;
    EXPECT_EQ(r.error().kind, c.error) << c.resource << ": " << r.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WebfingerResource,
    ::testing::Values(
        ResourceCase{"acct:alice@guild.example", disc::WebfingerQuery{Scope::any, "alice"}},
        ResourceCase{"acct:Alice@GUILD.example.", disc::WebfingerQuery{Scope::any, "alice"}},
        ResourceCase{"ACCT:alice@guild.example", disc::WebfingerQuery{Scope::any, "alice"}},
        ResourceCase{"alice@guild.example", disc::WebfingerQuery{Scope::any, "alice"}},
        ResourceCase{"@alice@guild.example", disc::WebfingerQuery{Scope::any, "alice"}},
        ResourceCase{"acct:guild.example@guild.example", disc::WebfingerQuery{Scope::instance, ""}},
        ResourceCase{"https://guild.example/users/alice",
                     disc::WebfingerQuery{Scope::person, "alice"}},
        ResourceCase{"https://GUILD.example/c/devs", disc::WebfingerQuery{Scope::group, "devs"}},
        ResourceCase{"https://guild.example/c/devs/", disc::WebfingerQuery{Scope::group, "devs"}},
        ResourceCase{"https://guild.example/@alice", disc::WebfingerQuery{Scope::any, "alice"}},
        ResourceCase{"https://guild.example/actor", disc::WebfingerQuery{Scope::instance, ""}},
        // Not here: another host, unknown paths, names no local handle can have.
        ResourceCase{"acct:alice@other.example", std::nullopt, ErrorKind::not_found},
        ResourceCase{"acct:alice@guild.example.evil", std::nullopt, ErrorKind::not_found},
        ResourceCase{"https://other.example/users/alice", std::nullopt, ErrorKind::not_found},
        ResourceCase{"https://guild.example/posts/1", std::nullopt, ErrorKind::not_found},
        ResourceCase{"https://guild.example/users/alice/inbox", std::nullopt, ErrorKind::not_found},
        ResourceCase{"https://guild.example/users/alice?x=1", std::nullopt, ErrorKind::not_found},
        ResourceCase{"acct:al.ice@guild.example", std::nullopt, ErrorKind::not_found},
        ResourceCase{"acct:" + std::string(31, 'a') + "@guild.example", std::nullopt,
                     ErrorKind::not_found},
        // Malformed.
        ResourceCase{"", std::nullopt, ErrorKind::invalid_input},
        ResourceCase{"acct:", std::nullopt, ErrorKind::invalid_input},
        ResourceCase{"acct:alice", std::nullopt, ErrorKind::invalid_input},
        ResourceCase{"acct:@guild.example", std::nullopt, ErrorKind::invalid_input},
        ResourceCase{"acct:alice@", std::nullopt, ErrorKind::invalid_input},
        ResourceCase{"alice", std::nullopt, ErrorKind::invalid_input},
        ResourceCase{"mailto:alice@guild.example", std::nullopt, ErrorKind::invalid_input},
        ResourceCase{"acct:alice @guild.example", std::nullopt, ErrorKind::invalid_input},
        ResourceCase{"https://user@guild.example/users/alice", std::nullopt,
                     ErrorKind::invalid_input},
        ResourceCase{"acct:" + std::string(3000, 'a') + "@guild.example", std::nullopt,
                     ErrorKind::invalid_input}));

TEST(WebfingerResourceWithPort, HostIncludesThePort) {
  const Urls urls("http://localhost:8080");
  auto r = disc::parse_webfinger_resource("acct:alice@localhost:8080", urls);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->handle, "alice");
  EXPECT_FALSE(disc::parse_webfinger_resource("acct:alice@localhost", urls).ok());
  auto instance = disc::parse_webfinger_resource("acct:localhost:8080@localhost:8080", urls);
  ASSERT_TRUE(instance.ok());
  EXPECT_EQ(instance->scope, Scope::instance);
}

// --- WebFinger documents -------------------------------------------------------------------------

storage::Actor actor(storage::ActorKind kind, std::string ap_id, std::string handle) {
  storage::Actor a;
  a.kind = kind;
  a.ap_id = std::move(ap_id);
  a.handle = std::move(handle);
  return a;
}

TEST(WebfingerDocument, PersonHasSelfAndProfilePage) {
  auto a = actor(storage::ActorKind::person, kUrls.user("alice"), "alice");
  a.url = kUrls.user_profile("alice");
  const json jrd = disc::webfinger_document(a, kUrls);
  EXPECT_EQ(jrd["subject"], "acct:alice@guild.example");
  EXPECT_EQ(jrd["aliases"],
            json({"https://guild.example/users/alice", "https://guild.example/@alice"}));
  ASSERT_EQ(jrd["links"].size(), 2u);
  EXPECT_EQ(jrd["links"][0], json({{"rel", "http://webfinger.net/rel/profile-page"},
                                   {"type", "text/html"},
                                   {"href", "https://guild.example/@alice"}}));
  EXPECT_EQ(jrd["links"][1]["rel"], "self");
  EXPECT_EQ(jrd["links"][1]["type"], "application/activity+json");
  EXPECT_EQ(jrd["links"][1]["href"], "https://guild.example/users/alice");
  EXPECT_EQ(jrd["links"][1]["properties"]["https://www.w3.org/ns/activitystreams#type"], "Person");
}

TEST(WebfingerDocument, MatchesLemmysLinkShape) {
  // Lemmy's answer (kept by WordPress's tests): profile-page, then self with the AS2 type.
  std::ifstream in(std::string(GUILDHALL_SHARED_DIR) +
                   "/fixtures/activitypub/from-wordpress-activitypub-repo/fixtures/"
                   "lemmy-ml-well-known-webfinger.json");
  const json lemmy = json::parse(json::parse(in)["body"].get<std::string>());
  auto g = actor(storage::ActorKind::group, kUrls.group("devs"), "devs");
  g.url = g.ap_id;
  const json ours = disc::webfinger_document(g, kUrls);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(ours["links"][i]["rel"], lemmy["links"][i]["rel"]);
    EXPECT_EQ(ours["links"][i]["type"], lemmy["links"][i]["type"]);
  }
  EXPECT_EQ(ours["links"][1]["properties"]["https://www.w3.org/ns/activitystreams#type"], "Group");
  EXPECT_EQ(ours["aliases"], json({"https://guild.example/c/devs"})) << "no duplicate alias";
}

TEST(HostMeta, PointsAtWebfinger) {
  const std::string xml = disc::host_meta_xml(kUrls);
  EXPECT_NE(xml.find("<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">"),
            std::string::npos);
  EXPECT_NE(xml.find("template=\"https://guild.example/.well-known/webfinger?resource={uri}\""),
            std::string::npos);
  const json j = disc::host_meta_json(kUrls);
  EXPECT_EQ(j["links"][0]["rel"], "lrdd");
  EXPECT_EQ(j["links"][0]["template"],
            "https://guild.example/.well-known/webfinger?resource={uri}");
}

// --- NodeInfo ------------------------------------------------------------------------------------

disc::NodeInfoInput node_input() {
  disc::NodeInfoInput in;
  in.software_version = "0.1.0";
  in.open_registrations = true;
  in.usage = {3, 2, 3, 10, 20};
  in.node_name = "Guild";
  in.node_description = "A guild";
  return in;
}

TEST(NodeInfo, Version21Document) {
  auto doc = disc::nodeinfo_document("2.1", node_input());
  ASSERT_TRUE(doc.ok());
  const json& j = *doc;
  EXPECT_EQ(j["version"], "2.1");
  EXPECT_EQ(j["software"], json({{"name", "guildhall"}, {"version", "0.1.0"}}));
  EXPECT_EQ(j["protocols"], json({"activitypub"}));
  EXPECT_EQ(j["services"], json({{"inbound", json::array()}, {"outbound", json::array()}}));
  EXPECT_EQ(j["openRegistrations"], true);
  EXPECT_EQ(j["usage"]["users"], json({{"total", 3}, {"activeMonth", 2}, {"activeHalfyear", 3}}));
  EXPECT_EQ(j["usage"]["localPosts"], 10);
  EXPECT_EQ(j["usage"]["localComments"], 20);
  EXPECT_EQ(j["metadata"]["nodeName"], "Guild");
  EXPECT_EQ(j["metadata"]["nodeDescription"], "A guild");
}

TEST(NodeInfo, Version20HasOnlyTheSchemasKeys) {
  auto doc = disc::nodeinfo_document("2.0", node_input());
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ((*doc)["version"], "2.0");
  std::vector<std::string> top;
  for (const auto& [k, v] : doc->items())
    top.push_back(k);
  EXPECT_EQ(top, (std::vector<std::string>{"metadata", "openRegistrations", "protocols", "services",
                                           "software", "usage", "version"}));
  EXPECT_EQ((*doc)["software"].size(), 2u) << "2.0 allows only name and version";
}

TEST(NodeInfo, UnknownVersionAndContentTypes) {
  EXPECT_EQ(disc::nodeinfo_document("1.0", node_input()).error().kind, ErrorKind::not_found);
  EXPECT_EQ(disc::nodeinfo_content_type("2.1"),
            "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"");
  const json links = disc::nodeinfo_links(kUrls);
  ASSERT_EQ(links["links"].size(), 2u);
  EXPECT_EQ(links["links"][0]["rel"], "http://nodeinfo.diaspora.software/ns/schema/2.0");
  EXPECT_EQ(links["links"][0]["href"], "https://guild.example/nodeinfo/2.0");
  EXPECT_EQ(links["links"][1]["href"], "https://guild.example/nodeinfo/2.1");
}

// --- Content negotiation -------------------------------------------------------------------------

TEST(Negotiation, DocumentForPeersPageForBrowsers) {
  using R = disc::Representation;
  const std::vector<std::pair<std::optional<std::string>, R>> cases = {
      {std::nullopt, R::activity_json},
      {"application/activity+json", R::activity_json},
      {"application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"", R::activity_json},
      {"application/ld+json", R::activity_json},
      {"application/json", R::activity_json},
      {"Application/Activity+JSON", R::activity_json},
      {"*/*", R::activity_json},
      {"", R::activity_json},
      {"application/activity+json, text/html", R::activity_json},
      {"application/activity+json, application/ld+json, text/html;q=0.1", R::activity_json},
      // Firefox and Chrome.
      {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", R::html},
      {"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
       "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
       R::html},
      {"text/html", R::html},
      {"text/html;q=0.9, application/activity+json;q=0.5", R::html},
      {"application/activity+json;q=0.9, text/html;q=0.5", R::activity_json},
      {"text/html;q=0", R::activity_json},
      {"garbage;;;,,", R::activity_json},
  };
  for (const auto& [accept, expected] : cases)
    EXPECT_EQ(disc::negotiate(accept ? std::optional<std::string_view>(*accept) : std::nullopt),
              expected)
        << accept.value_or("(none)");
}

// --- Collections ---------------------------------------------------------------------------------

as::Object parsed(const json& doc) {
  auto r = as::parse(doc.dump());
  EXPECT_TRUE(r.ok()) << doc.dump(2);
  return r.ok() ? *r : as::Object{};
}

TEST(Collections, PageParam) {
  EXPECT_FALSE(disc::parse_page_param(std::nullopt).value().has_value());
  EXPECT_EQ(disc::parse_page_param("1").value(), 1);
  EXPECT_EQ(disc::parse_page_param("1000").value(), 1000);
  for (const char* bad : {"0", "-1", "1001", "x", "1x", "", "true", "99999999999999999999"})
    EXPECT_FALSE(disc::parse_page_param(std::string_view(bad)).ok()) << bad;
}

TEST(Collections, PagedFrontAndPages) {
  const std::string id = "https://guild.example/users/alice/followers";
  const json front = disc::paged_collection(id, 45, true);
  EXPECT_EQ(front["type"], "OrderedCollection");
  EXPECT_EQ(front["totalItems"], 45);
  EXPECT_EQ(front["first"], id + "?page=1");
  EXPECT_FALSE(front.contains("orderedItems"));
  EXPECT_FALSE(disc::paged_collection(id, 45, false).contains("first"));

  const json page = disc::collection_page(id, 2, 45, {"https://a.example/u/1"}, true);
  EXPECT_EQ(page["type"], "OrderedCollectionPage");
  EXPECT_EQ(page["id"], id + "?page=2");
  EXPECT_EQ(page["partOf"], id);
  EXPECT_EQ(page["next"], id + "?page=3");
  EXPECT_EQ(page["prev"], id + "?page=1");
  EXPECT_EQ(page["orderedItems"], json({"https://a.example/u/1"}));
  const as::Object o = parsed(page);
  EXPECT_EQ(o.kind, as::Kind::ordered_collection_page);
  EXPECT_EQ(o.part_of.id(), id);
  ASSERT_EQ(o.items.size(), 1u);

  const json last = disc::collection_page(id, 1, 0, {}, false);
  EXPECT_EQ(last["orderedItems"], json::array());
  EXPECT_FALSE(last.contains("next"));
  EXPECT_FALSE(last.contains("prev"));
}

TEST(Collections, GroupFollowersAreLemmysShapeWithPages) {
  std::ifstream in(std::string(GUILDHALL_SHARED_DIR) +
                   "/fixtures/activitypub/lemmy/collections/group_followers.json");
  const json lemmy = json::parse(in);
  const json ours =
      disc::group_followers_collection("https://guild.example/c/devs/followers", 3, true);
  for (const auto& [k, v] : lemmy.items()) {
    ASSERT_TRUE(ours.contains(k)) << k;
    EXPECT_EQ(ours[k].type_name(), std::string(v.type_name())) << k;
  }
  EXPECT_EQ(ours["type"], "Collection");
  EXPECT_EQ(ours["items"], json::array());
  EXPECT_EQ(ours["first"], "https://guild.example/c/devs/followers?page=1");
  EXPECT_EQ(parsed(ours).total_items, 3);
}

TEST(Collections, InlineIsLemmysModeratorsShape) {
  std::ifstream in(std::string(GUILDHALL_SHARED_DIR) +
                   "/fixtures/activitypub/lemmy/collections/group_moderators.json");
  const json lemmy = json::parse(in);
  const json ours = disc::inline_collection("https://guild.example/c/devs/moderators",
                                            {"https://guild.example/users/alice"});
  for (const auto& [k, v] : lemmy.items())
    EXPECT_EQ(ours[k].type_name(), std::string(v.type_name())) << k;
  EXPECT_EQ(ours["orderedItems"], json({"https://guild.example/users/alice"}));
  EXPECT_EQ(ours["totalItems"], 1);
  const json empty = disc::inline_collection("https://guild.example/c/devs/outbox", {});
  EXPECT_EQ(empty["orderedItems"], json::array()) << "Lemmy requires orderedItems";
  EXPECT_EQ(empty["totalItems"], 0);
  EXPECT_EQ(parsed(empty).kind, as::Kind::ordered_collection);
}

}  // namespace
