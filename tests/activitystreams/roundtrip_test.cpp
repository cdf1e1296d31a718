// Our own output: built with the public API, serialised, parsed back, and compared.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace as = guildhall::activitystreams;
using as::Kind;
using nlohmann::json;
using Strings = std::vector<std::string>;

namespace {

const std::string kHost = "https://guild.example";
const std::string kGroup = kHost + "/c/tea";
const std::string kAlice = kHost + "/u/alice";

as::TimePoint at(std::int64_t ns_since_epoch) {
  return as::TimePoint(std::chrono::duration_cast<as::TimePoint::duration>(
      std::chrono::nanoseconds(ns_since_epoch)));
}

as::Object mention(const std::string& href, const std::string& name) {
  as::Object m = as::make_object(Kind::mention, "");
  m.href = href;
  m.name = name;
  return m;
}

as::Object page() {
  as::Object p = as::make_object(Kind::page, kHost + "/post/1");
  p.attributed_to = {as::Ref(kAlice)};
  p.to = {kGroup, std::string(as::kPublic)};
  p.cc = {kAlice + "/followers"};
  p.audience = {kGroup};
  p.name = "Green or black?";
  p.content = "<p>Discuss.</p>";
  p.media_type = "text/html";
  p.source = as::Source{"Discuss.", "text/markdown"};
  p.languages = {{"en", "English"}};
  p.sensitive = false;
  p.published = at(1'700'000'000'123'456'789);  // sub-millisecond precision survives
  p.updated = at(1'700'000'100'000'000'000);
  p.context = as::Ref(kHost + "/post/1/context");
  p.url = "https://tea.example/article";
  p.tag = {as::Ref(mention(kGroup, "@tea@guild.example"))};
  as::Object link = as::make_object(Kind::link, "");
  link.href = "https://tea.example/article";
  link.media_type = "text/html";
  p.attachment = {as::Ref(link)};
  p.image = kHost + "/media/thumb.webp";
  p.stickied = false;
  p.comments_enabled = true;
  return p;
}

as::Object create_page() {
  as::Object create =
      as::make_activity(Kind::create, kHost + "/activities/create/1", kAlice, as::Ref(page()));
  create.to = {kGroup, std::string(as::kPublic)};
  create.cc = {kAlice + "/followers"};
  create.audience = {kGroup};
  return create;
}

as::Object follow() {
  as::Object f =
      as::make_activity(Kind::follow, kHost + "/activities/follow/1", kAlice, as::Ref(kGroup));
  f.to = {kGroup};
  return f;
}

as::Object group() {
  as::Object g = as::make_object(Kind::group, kGroup);
  g.preferred_username = "tea";
  g.name = "Tea";
  g.summary = "<p>All about tea</p>";
  g.source = as::Source{"All about tea", "text/markdown"};
  g.inbox = kGroup + "/inbox";
  g.outbox = kGroup + "/outbox";
  g.followers = kGroup + "/followers";
  g.featured = kGroup + "/featured";
  g.moderators = kGroup + "/moderators";
  g.attributed_to = {as::Ref(kGroup + "/moderators")};
  g.shared_inbox = kHost + "/inbox";
  g.public_keys = {{kGroup + "#main-key", kGroup, "-----BEGIN PUBLIC KEY-----\nAAA\n"}};
  g.posting_restricted_to_mods = false;
  g.manually_approves_followers = false;
  g.discoverable = true;
  g.sensitive = false;
  g.icon = kHost + "/media/icon.png";
  g.languages = {{"en", "English"}, {"fr", "Français"}};
  g.published = at(1'600'000'000'000'000'000);
  return g;
}

std::vector<as::Object> everything_we_emit() {
  std::vector<as::Object> all;
  all.push_back(page());
  all.push_back(create_page());
  all.push_back(follow());
  all.push_back(group());

  as::Object accept =
      as::make_activity(Kind::accept, kGroup + "/activities/accept/1", kGroup, as::Ref(follow()));
  accept.to = {kAlice};
  all.push_back(accept);

  as::Object reject = accept;
  reject.kind = Kind::reject;
  all.push_back(reject);

  as::Object announce = as::make_activity(Kind::announce, kGroup + "/activities/announce/1", kGroup,
                                          as::Ref(create_page()));
  announce.to = {std::string(as::kPublic)};
  announce.cc = {kGroup + "/followers"};
  all.push_back(announce);

  as::Object note = as::make_object(Kind::note, kHost + "/comment/1");
  note.attributed_to = {as::Ref(kAlice)};
  note.in_reply_to = as::Ref(kHost + "/post/1");
  note.content = "<p>Green.</p>";
  note.content_map = {{"en", "<p>Green.</p>"}};
  note.to = {std::string(as::kPublic)};
  note.cc = {kGroup};
  note.audience = {kGroup};
  note.tag = {as::Ref(mention("https://b.example/u/bob", "@bob@b.example"))};
  all.push_back(note);

  as::Object like =
      as::make_activity(Kind::like, kHost + "/activities/like/1", kAlice, as::Ref(note.id));
  like.audience = {kGroup};
  all.push_back(like);
  as::Object dislike = like;
  dislike.kind = Kind::dislike;
  dislike.id = kHost + "/activities/dislike/1";
  all.push_back(dislike);
  all.push_back(as::make_activity(Kind::undo, kHost + "/activities/undo/1", kAlice, as::Ref(like)));

  as::Object tombstone = as::make_object(Kind::tombstone, note.id);
  tombstone.former_type = "Note";
  tombstone.deleted = at(1'700'000'200'000'000'000);
  as::Object del =
      as::make_activity(Kind::delete_, kHost + "/activities/delete/1", kAlice, as::Ref(tombstone));
  del.to = {std::string(as::kPublic)};
  del.cc = {kGroup};
  all.push_back(del);
  as::Object removal = as::make_activity(Kind::delete_, kHost + "/activities/delete/2",
                                         kHost + "/u/mod", as::Ref(note.id));
  removal.summary = "off topic";
  all.push_back(removal);

  as::Object block = as::make_activity(Kind::block, kHost + "/activities/block/1", kHost + "/u/mod",
                                       as::Ref("https://b.example/u/bob"));
  block.target = as::Ref(kGroup);
  block.summary = "spam";
  block.remove_data = true;
  block.end_time = at(1'800'000'000'000'000'000);
  all.push_back(block);

  as::Object lock = as::make_activity(Kind::lock, kHost + "/activities/lock/1", kHost + "/u/mod",
                                      as::Ref(kHost + "/post/1"));
  lock.summary = "heated";
  all.push_back(lock);

  as::Object add = as::make_activity(Kind::add, kHost + "/activities/add/1", kHost + "/u/mod",
                                     as::Ref(kHost + "/post/1"));
  add.target = as::Ref(kGroup + "/featured");
  all.push_back(add);
  as::Object remove = add;
  remove.kind = Kind::remove;
  all.push_back(remove);

  as::Object update = as::make_activity(Kind::update, kGroup + "/activities/update/1",
                                        kHost + "/u/mod", as::Ref(group()));
  all.push_back(update);

  as::Object flag = as::make_activity(Kind::flag, kHost + "/activities/flag/1", kAlice, {});
  flag.object = {as::Ref(kHost + "/post/1"), as::Ref("https://b.example/u/bob")};
  flag.summary = "spam";
  flag.to = {kGroup};
  all.push_back(flag);

  as::Object emoji = as::make_object(Kind::emoji, kHost + "/emoji/tea");
  emoji.name = ":tea:";
  emoji.icon = kHost + "/emoji/tea.png";
  as::Object react =
      as::make_activity(Kind::emoji_react, kHost + "/activities/react/1", kAlice, as::Ref(note.id));
  react.content = ":tea:";
  react.tag = {as::Ref(emoji)};
  all.push_back(react);

  as::Object person = as::make_object(Kind::person, kAlice);
  person.preferred_username = "alice";
  person.inbox = kAlice + "/inbox";
  person.outbox = kAlice + "/outbox";
  person.followers = kAlice + "/followers";
  person.following = kAlice + "/following";
  person.shared_inbox = kHost + "/inbox";
  person.public_keys = {{kAlice + "#main-key", kAlice, "PEM"},
                        {kAlice + "#ed25519-key", kAlice, "ED"}};
  person.also_known_as = {"https://old.example/u/alice"};
  person.discoverable = true;
  all.push_back(person);

  as::Object move =
      as::make_activity(Kind::move, kHost + "/activities/move/1", "https://old.example/u/alice",
                        as::Ref("https://old.example/u/alice"));
  move.target = as::Ref(kAlice);
  all.push_back(move);

  as::Object question = as::make_object(Kind::question, kHost + "/post/2");
  question.attributed_to = {as::Ref(kAlice)};
  question.name = "Milk first?";
  question.any_of = {{"yes", 3}, {"no", 5}, {"never", std::nullopt}};
  question.voters_count = 8;
  question.end_time = at(1'700'086'400'000'000'000);
  question.closed_at = question.end_time;
  question.closed = true;
  all.push_back(question);

  as::Object place = as::make_object(Kind::place, "");
  place.name = "The Tea House";
  as::Object event = as::make_object(Kind::event, kHost + "/post/3");
  event.name = "Tasting";
  event.start_time = at(1'700'000'000'000'000'000);
  event.end_time = at(1'700'007'200'000'000'000);
  event.location = as::Ref(place);
  all.push_back(event);

  as::Object page_of_outbox =
      as::make_object(Kind::ordered_collection_page, kGroup + "/outbox?page=1");
  page_of_outbox.part_of = as::Ref(kGroup + "/outbox");
  page_of_outbox.next = as::Ref(kGroup + "/outbox?page=2");
  page_of_outbox.items = {as::Ref(announce), as::Ref(kHost + "/activities/x")};
  as::Object outbox = as::make_object(Kind::ordered_collection, kGroup + "/outbox");
  outbox.total_items = 2;
  outbox.first = as::Ref(page_of_outbox);
  all.push_back(outbox);
  as::Object followers = as::make_object(Kind::collection, kGroup + "/followers");
  followers.total_items = 0;
  all.push_back(followers);

  as::Object join =
      as::make_activity(Kind::join, kHost + "/activities/join/1", kAlice, as::Ref(kGroup));
  all.push_back(join);
  as::Object leave = join;
  leave.kind = Kind::leave;
  all.push_back(leave);

  as::Object odd = as::make_object(Kind::unknown, kHost + "/x");
  odd.other_types = {"ChatMessage", "litepub:Other"};
  all.push_back(odd);
  as::Object multi = as::make_object(Kind::note, kHost + "/y");
  multi.other_types = {"Hashtag"};
  all.push_back(multi);
  return all;
}

}  // namespace

TEST(RoundTrip, EverythingWeEmitParsesBackEqual) {
  for (const auto& original : everything_we_emit()) {
    const std::string text = as::serialize(original);
    auto parsed = as::parse(text);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message << "\n" << text;
    EXPECT_TRUE(*parsed == original) << text << "\n--- reserialised:\n" << as::serialize(*parsed);
    EXPECT_EQ(as::serialize(*parsed), text) << "serialisation must be a fixed point";
  }
}

TEST(RoundTrip, CreatePageWireShape) {
  const json j = as::to_json(create_page());
  ASSERT_TRUE(j.at("@context").is_array());
  EXPECT_EQ(j["@context"][0], "https://www.w3.org/ns/activitystreams");
  EXPECT_EQ(j["@context"][1], "https://w3id.org/security/v1");
  const json& aliases = j["@context"][2];
  EXPECT_EQ(aliases.at("stickied"), "lemmy:stickied");
  EXPECT_EQ(aliases.at("postingRestrictedToMods"), "lemmy:postingRestrictedToMods");
  EXPECT_EQ(aliases.at("sensitive"), "as:sensitive");
  EXPECT_EQ(aliases.at("language"), "sc:inLanguage");
  EXPECT_EQ(aliases.at("featured").at("@id"), "toot:featured");
  EXPECT_EQ(aliases.at("moderators").at("@type"), "@id");

  EXPECT_EQ(j.at("type"), "Create");
  EXPECT_EQ(j.at("actor"), kAlice);
  const json& object = j.at("object");
  EXPECT_FALSE(object.contains("@context")) << "only the top level carries @context";
  EXPECT_EQ(object.at("type"), "Page");
  EXPECT_EQ(object.at("attributedTo"), kAlice);  // one author: a plain string, as Lemmy sends
  EXPECT_EQ(object.at("to"), json({kGroup, std::string(as::kPublic)}));
  EXPECT_EQ(object.at("audience"), kGroup);  // one audience: a string, as Lemmy reads it
  EXPECT_EQ(object.at("language"), json({{"identifier", "en"}, {"name", "English"}}));
  EXPECT_EQ(object.at("published"), "2023-11-14T22:13:20.123456789Z");
  EXPECT_EQ(object.at("image"), json({{"type", "Image"}, {"url", kHost + "/media/thumb.webp"}}));
  EXPECT_EQ(object.at("tag")[0].at("type"), "Mention");
}

TEST(RoundTrip, FollowWireShape) {
  const json j = as::to_json(follow());
  EXPECT_EQ(j.at("type"), "Follow");
  EXPECT_EQ(j.at("object"), kGroup);
  EXPECT_EQ(j.at("to"), json({kGroup}));
  EXPECT_EQ(j.size(), 6u) << j.dump();  // @context id type actor object to: nothing spurious
}

TEST(RoundTrip, TimesBeforeTheEpochAndWholeMilliseconds) {
  for (std::int64_t ns :
       {std::int64_t{-1'500'000'001}, std::int64_t{0}, std::int64_t{1'700'000'000'120'000'000}}) {
    as::Object o = as::make_object(Kind::note, kHost + "/t");
    o.published = at(ns);
    auto parsed = as::parse(as::serialize(o));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->published, o.published) << as::serialize(o);
  }
}

TEST(RoundTrip, RefsCompareDeeply) {
  EXPECT_EQ(as::Ref("https://a/1"), as::Ref(std::string("https://a/1")));
  EXPECT_NE(as::Ref("https://a/1"), as::Ref(as::make_object(Kind::note, "https://a/1")));
  EXPECT_EQ(as::Ref(page()), as::Ref(page()));
  as::Object changed = page();
  changed.name = "other";
  EXPECT_NE(as::Ref(page()), as::Ref(changed));
}
