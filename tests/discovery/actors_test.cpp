// Actor converters against the shapes peers already parse: Lemmy's Group/Person/Application and
// Mastodon's Person fixtures, key by key and shape by shape.
#include "guildhall/federation/discovery/actors.hpp"

#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/federation/urls.hpp"

namespace {

namespace as = guildhall::activitystreams;
namespace disc = guildhall::federation::discovery;
namespace storage = guildhall::storage;
using guildhall::federation::Urls;
using nlohmann::json;

json fixture(const std::string& path) {
  std::ifstream in(std::string(GUILDHALL_SHARED_DIR) + "/fixtures/activitypub/" + path);
  EXPECT_TRUE(in.good()) << path;
  return json::parse(in);
}

const Urls kUrls("https://guild.example");
constexpr char kPem[] = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n";

storage::Actor local_actor(storage::ActorKind kind, const std::string& ap_id,
                           const std::string& handle) {
  storage::Actor a;
  a.id = 42;
  a.kind = kind;
  a.ap_id = ap_id;
  a.handle = handle;
  a.inbox_url = Urls::inbox(ap_id);
  a.shared_inbox_url = kUrls.shared_inbox();
  a.outbox_url = Urls::outbox(ap_id);
  a.followers_url = Urls::followers(ap_id);
  a.following_url = Urls::following(ap_id);
  a.featured_url = Urls::featured(ap_id);
  a.public_key_id = Urls::key_id(ap_id);
  a.public_key_pem = kPem;
  a.created_at = guildhall::core::TimePoint(std::chrono::seconds(1700000000));
  a.updated_at = a.created_at + std::chrono::hours(5);
  return a;
}

storage::Actor alice() {
  auto a = local_actor(storage::ActorKind::person, kUrls.user("alice"), "alice");
  a.url = kUrls.user_profile("alice");
  a.display_name = "Alice";
  a.summary_html = "<p>Hi <strong>there</strong></p>";
  a.summary_source = "Hi **there**";
  a.icon_url = "https://media.guild.example/alice.png";
  return a;
}

storage::CommunityView devs() {
  storage::CommunityView g;
  g.actor = local_actor(storage::ActorKind::group, kUrls.group("devs"), "devs");
  g.actor.url = g.actor.ap_id;
  g.actor.moderators_url = Urls::moderators(g.actor.ap_id);
  g.actor.display_name = "Developers";
  g.actor.icon_url = "https://media.guild.example/devs.png";
  g.community.description_source = "Talk **code**";
  g.community.description_html = "<p>Talk <strong>code</strong></p>";
  g.community.languages = {"fr", "de"};
  return g;
}

// Every key of `theirs` is in `ours` with the same JSON type, recursively for objects and for the
// first element of arrays of objects, unless listed in `not_yet`.
void expect_same_shape(const json& theirs, const json& ours, const std::set<std::string>& not_yet,
                       const std::string& where = "") {
  for (const auto& [k, v] : theirs.items()) {
    if (not_yet.contains(k))
      continue;
    ASSERT_TRUE(ours.contains(k)) << where << k << " missing; ours: " << ours.dump(2);
    const json& mine = ours[k];
    EXPECT_EQ(mine.type_name(), std::string(v.type_name())) << where << k;
    if (v.is_object() && mine.is_object())
      expect_same_shape(v, mine, {}, where + k + ".");
    if (v.is_array() && mine.is_array() && !v.empty() && !mine.empty() && v[0].is_object())
      expect_same_shape(v[0], mine[0], {}, where + k + "[0].");
  }
}

as::Object parsed(const json& doc) {
  auto r = as::parse(doc.dump());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message) << "\n" << doc.dump(2);
  return r.ok() ? *r : as::Object{};
}

// Valid AS2 for our parser, and stable through parse -> serialize -> parse.
void expect_round_trip(const json& doc) {
  const as::Object once = parsed(doc);
  auto twice = as::parse(as::serialize(once));
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(*twice, once);
}

TEST(GroupDocument, HasEveryFieldOfLemmysGroupInTheSameShape) {
  // Not yet: `description` (Lemmy's short tagline, no such field), `image` (banner, not stored),
  // `tag` (community post tags, not modelled).
  expect_same_shape(fixture("lemmy/objects/group.json"), disc::group_document(devs()),
                    {"description", "image", "tag"});
}

TEST(GroupDocument, CarriesTheGroupFields) {
  auto g = devs();
  g.community.posting_policy = storage::PostingPolicy::moderators;
  const json doc = disc::group_document(g);
  EXPECT_EQ(doc["@context"], as::default_context());
  EXPECT_EQ(doc["type"], "Group");
  EXPECT_EQ(doc["id"], "https://guild.example/c/devs");
  EXPECT_EQ(doc["preferredUsername"], "devs");
  EXPECT_EQ(doc["name"], "Developers");
  EXPECT_EQ(doc["summary"], "<p>Talk <strong>code</strong></p>");
  EXPECT_EQ(doc["source"], json({{"content", "Talk **code**"}, {"mediaType", "text/markdown"}}));
  EXPECT_EQ(doc["icon"],
            json({{"type", "Image"}, {"url", "https://media.guild.example/devs.png"}}));
  EXPECT_EQ(doc["attributedTo"], "https://guild.example/c/devs/moderators");
  EXPECT_EQ(doc["moderators"], "https://guild.example/c/devs/moderators");
  EXPECT_EQ(doc["featured"], "https://guild.example/c/devs/featured");
  EXPECT_EQ(doc["followers"], "https://guild.example/c/devs/followers");
  EXPECT_EQ(doc["outbox"], "https://guild.example/c/devs/outbox");
  EXPECT_EQ(doc["inbox"], "https://guild.example/c/devs/inbox");
  EXPECT_EQ(doc["endpoints"]["sharedInbox"], "https://guild.example/inbox");
  EXPECT_EQ(doc["publicKey"]["id"], "https://guild.example/c/devs#main-key");
  EXPECT_EQ(doc["publicKey"]["owner"], "https://guild.example/c/devs");
  EXPECT_EQ(doc["publicKey"]["publicKeyPem"], kPem);
  EXPECT_EQ(doc["postingRestrictedToMods"], true);
  EXPECT_EQ(doc["manuallyApprovesFollowers"], false);
  EXPECT_EQ(doc["discoverable"], true);
  EXPECT_EQ(doc["published"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(doc["updated"], "2023-11-15T03:13:20.000Z");
  EXPECT_EQ(doc["language"], json::parse(R"([{"identifier":"fr","name":"Français"},
                                              {"identifier":"de","name":"Deutsch"}])"));
  EXPECT_FALSE(doc.contains("following")) << "groups follow nobody (as in Lemmy)";
  expect_round_trip(doc);
  const as::Object o = parsed(doc);
  EXPECT_EQ(o.kind, as::Kind::group);
  EXPECT_EQ(o.posting_restricted_to_mods, true);
  ASSERT_EQ(o.attributed_to.size(), 1u);
  EXPECT_EQ(o.attributed_to[0].id(), o.moderators);
  ASSERT_EQ(o.languages.size(), 2u);
  EXPECT_EQ(o.languages[1].identifier, "de");
}

TEST(GroupDocument, OneLanguageIsStillAList) {
  auto g = devs();
  g.community.languages = {"xx-unknown"};
  const json doc = disc::group_document(g);
  ASSERT_TRUE(doc["language"].is_array()) << "Lemmy's Group.language is a Vec";
  EXPECT_EQ(doc["language"][0], json({{"identifier", "xx-unknown"}, {"name", "xx-unknown"}}));
}

TEST(GroupDocument, NoLanguagesNoDescriptionNoIcon) {
  auto g = devs();
  g.community.languages.clear();
  g.community.description_html.clear();
  g.community.description_source.clear();
  g.actor.icon_url.reset();
  g.actor.display_name.reset();
  const json doc = disc::group_document(g);
  EXPECT_FALSE(doc.contains("language"));
  EXPECT_FALSE(doc.contains("summary"));
  EXPECT_FALSE(doc.contains("source"));
  EXPECT_FALSE(doc.contains("icon"));
  EXPECT_EQ(doc["name"], "devs");
  expect_round_trip(doc);
}

TEST(GroupDocument, PrivateOrApprovalGroupsApproveFollowersManually) {
  auto g = devs();
  g.community.visibility = storage::CommunityVisibility::private_;
  EXPECT_EQ(disc::group_document(g)["manuallyApprovesFollowers"], true);
  g = devs();
  g.community.join_policy = storage::JoinPolicy::approval;
  EXPECT_EQ(disc::group_document(g)["manuallyApprovesFollowers"], true);
}

TEST(PersonDocument, HasEveryFieldOfLemmysPersonInTheSameShape) {
  // Not yet: `image` (banner), `matrixUserId` (not stored).
  expect_same_shape(fixture("lemmy/objects/person.json"), disc::person_document(alice()),
                    {"image", "matrixUserId"});
}

TEST(PersonDocument, HasMastodonsPersonFields) {
  // Not ours: `devices` (E2EE), `featuredTags`, `tag`/`attachment` (profile fields, none yet).
  // `summary` is set on Mastodon's even when empty; ours only when there is one.
  auto a = alice();
  json theirs = fixture("mastodon/objects/person.json");
  theirs["icon"].erase("mediaType");
  expect_same_shape(theirs, disc::person_document(a),
                    {"devices", "featuredTags", "tag", "attachment"});
}

TEST(PersonDocument, CarriesThePersonFields) {
  const json doc = disc::person_document(alice());
  EXPECT_EQ(doc["type"], "Person");
  EXPECT_EQ(doc["id"], "https://guild.example/users/alice");
  EXPECT_EQ(doc["url"], "https://guild.example/@alice");
  EXPECT_EQ(doc["name"], "Alice");
  EXPECT_EQ(doc["following"], "https://guild.example/users/alice/following");
  EXPECT_EQ(doc["featured"], "https://guild.example/users/alice/featured");
  EXPECT_EQ(doc["source"]["mediaType"], "text/markdown");
  EXPECT_EQ(doc["discoverable"], true);
  EXPECT_EQ(doc["manuallyApprovesFollowers"], false);
  EXPECT_FALSE(doc.contains("attributedTo"));
  EXPECT_FALSE(doc.contains("postingRestrictedToMods"));
  expect_round_trip(doc);
  EXPECT_EQ(parsed(doc).public_keys.at(0).pem, kPem);
}

TEST(PersonDocument, MinimalUserHasNoEmptyFields) {
  auto a = local_actor(storage::ActorKind::person, kUrls.user("bob"), "bob");
  a.updated_at = a.created_at;
  const json doc = disc::person_document(a);
  for (const char* absent : {"name", "summary", "source", "icon", "updated"})
    EXPECT_FALSE(doc.contains(absent)) << absent;
  EXPECT_EQ(doc["url"], a.ap_id) << "without a profile page the id is the page";
  expect_round_trip(doc);
}

TEST(InstanceActorDocument, IsAnApplicationLikeLemmysAndMbins) {
  auto a = local_actor(storage::ActorKind::application, kUrls.instance_actor(), "guild.example");
  a.display_name = "Guild";
  a.manually_approves_followers = true;
  const json doc = disc::instance_actor_document(a, "https://guild.example/");
  EXPECT_EQ(doc["type"], "Application");
  EXPECT_EQ(doc["preferredUsername"], "guild.example");
  EXPECT_EQ(doc["url"], "https://guild.example/");
  EXPECT_FALSE(doc.contains("followers"));
  // Lemmy's: description/content/source/language describe the site; not ours yet.
  expect_same_shape(fixture("lemmy/objects/instance.json"), doc,
                    {"description", "content", "mediaType", "source", "language"});
  json mbin = fixture("mbin/objects/instance.json");
  mbin.erase("@context");
  expect_same_shape(mbin, doc, {});
  expect_round_trip(doc);
}

TEST(TombstoneDocument, KeepsTheFormerType) {
  auto g = devs();
  g.actor.deleted_at = g.actor.updated_at;
  const json doc = disc::tombstone_document(g.actor);
  EXPECT_EQ(doc["type"], "Tombstone");
  EXPECT_EQ(doc["formerType"], "Group");
  EXPECT_EQ(doc["id"], g.actor.ap_id);
  EXPECT_TRUE(doc.contains("deleted"));
  expect_round_trip(doc);
}

TEST(LanguageName, KnownAndUnknown) {
  EXPECT_EQ(disc::language_name("en"), "English");
  EXPECT_EQ(disc::language_name("fr"), "Français");
  EXPECT_EQ(disc::language_name("tlh"), "tlh");
}

}  // namespace
