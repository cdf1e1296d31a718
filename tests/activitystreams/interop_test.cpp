// Field-level checks on real payloads from each software we federate with.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace as = guildhall::activitystreams;
using as::Kind;
using as::testing::embedded;
using as::testing::load;
using Strings = std::vector<std::string>;

namespace {

as::TimePoint utc(const char* text) {
  as::TimePoint t;
  EXPECT_TRUE(guildhall::core::parse_rfc3339(text, t)) << text;
  return t;
}

}  // namespace

// --- Lemmy ---------------------------------------------------------------------------------------

TEST(Lemmy, GroupActor) {
  const auto g = load("lemmy/objects/group.json");
  EXPECT_EQ(g.kind, Kind::group);
  EXPECT_TRUE(as::is_actor(g.kind));
  EXPECT_EQ(g.id, "https://enterprise.lemmy.ml/c/tenforward");
  EXPECT_EQ(g.preferred_username, "tenforward");
  EXPECT_EQ(g.name, "Ten Forward");
  EXPECT_EQ(g.inbox, "https://enterprise.lemmy.ml/c/tenforward/inbox");
  EXPECT_EQ(g.outbox, "https://enterprise.lemmy.ml/c/tenforward/outbox");
  EXPECT_EQ(g.followers, "https://enterprise.lemmy.ml/c/tenforward/followers");
  EXPECT_EQ(g.featured, "https://enterprise.lemmy.ml/c/tenforward//featured");
  EXPECT_EQ(g.shared_inbox, "https://enterprise.lemmy.ml/inbox");
  ASSERT_EQ(g.attributed_to.size(), 1u);  // the moderators collection, by id
  EXPECT_EQ(g.attributed_to[0].id(), "https://enterprise.lemmy.ml/c/tenforward/moderators");
  EXPECT_FALSE(g.attributed_to[0].is_embedded());
  EXPECT_EQ(g.posting_restricted_to_mods, false);
  EXPECT_EQ(g.sensitive, false);
  ASSERT_EQ(g.public_keys.size(), 1u);
  EXPECT_EQ(g.public_keys[0].id, "https://enterprise.lemmy.ml/c/tenforward#main-key");
  EXPECT_EQ(g.public_keys[0].owner, g.id);
  EXPECT_TRUE(g.public_keys[0].pem.starts_with("-----BEGIN PUBLIC KEY-----"));
  ASSERT_EQ(g.languages.size(), 2u);
  EXPECT_EQ(g.languages[1], (as::Language{"de", "Deutsch"}));
  EXPECT_EQ(g.icon, "https://enterprise.lemmy.ml/pictrs/image/waqyZwLAy4.webp");
  EXPECT_EQ(g.image, "https://enterprise.lemmy.ml/pictrs/image/Wt8zoMcCmE.jpg");
  ASSERT_TRUE(g.source);
  EXPECT_EQ(g.source->media_type, "text/markdown");
  EXPECT_EQ(g.published, utc("2019-06-02T16:43:50.799554Z"));
  // Lemmy's post-tag (flair) is an unknown type: kept, with its raw JSON.
  ASSERT_EQ(g.tag.size(), 1u);
  const auto& flair = embedded(g.tag[0]);
  EXPECT_EQ(flair.kind, Kind::unknown);
  EXPECT_EQ(flair.type_name(), "CommunityPostTag");
  EXPECT_EQ(flair.raw.at("preferredUsername"), "news");
  // Extension properties stay reachable through raw.
  EXPECT_EQ(g.raw.at("description"), "A description of ten forward.");
}

TEST(Lemmy, Page) {
  const auto p = load("lemmy/objects/page.json");
  EXPECT_EQ(p.kind, Kind::page);
  EXPECT_EQ(p.id, "https://enterprise.lemmy.ml/post/55143");
  EXPECT_EQ(p.name, "Post title");
  EXPECT_EQ(p.content, "<p>This is a post in the /c/tenforward community</p>\n");
  EXPECT_EQ(p.media_type, "text/html");
  EXPECT_EQ(p.to, (Strings{"https://enterprise.lemmy.ml/c/tenforward", std::string(as::kPublic)}));
  EXPECT_TRUE(p.is_public());
  EXPECT_EQ(p.audience, Strings{"https://enterprise.lemmy.ml/c/tenforward"});
  EXPECT_EQ(p.author().value(), "https://enterprise.lemmy.ml/u/picard");
  EXPECT_EQ(p.language(), "fr");
  EXPECT_EQ(p.context.id(), "https://enterprise.lemmy.ml/post/55143/context");
  EXPECT_TRUE(p.in_reply_to.empty());
  ASSERT_EQ(p.attachment.size(), 1u);
  EXPECT_EQ(embedded(p.attachment[0]).kind, Kind::link);
  EXPECT_EQ(embedded(p.attachment[0]).href,
            "https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png");
  ASSERT_EQ(p.tag.size(), 2u);
  const auto& mention = embedded(p.tag[1]);
  EXPECT_EQ(mention.kind, Kind::mention);
  EXPECT_EQ(mention.href, "https://enterprise.lemmy.ml/c/tenforward");
  EXPECT_EQ(mention.name, "@tenforward@enterprise.lemmy.ml");
}

TEST(Lemmy, PageWithImageAndLinkAttachments) {
  const auto p = load("lemmy/objects/page_image_and_link.json");
  ASSERT_EQ(p.attachment.size(), 2u);
  const auto& image = embedded(p.attachment[0]);
  EXPECT_EQ(image.kind, Kind::image);
  EXPECT_EQ(image.url, "https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png");
  EXPECT_EQ(image.media_type, "image/png");
  EXPECT_EQ(embedded(p.attachment[1]).href, "https://example.com/some-article");
}

TEST(Lemmy, CommentNote) {
  const auto n = load("lemmy/objects/comment.json");
  EXPECT_EQ(n.kind, Kind::note);
  EXPECT_EQ(n.in_reply_to.id(), "https://enterprise.lemmy.ml/post/55143");
  EXPECT_EQ(n.cc, Strings{"https://enterprise.lemmy.ml/u/picard"});
  EXPECT_EQ(n.source->content, "first comment!");
  EXPECT_EQ(n.updated, utc("2021-03-01T13:43:03.955787Z"));
  EXPECT_EQ(n.raw.at("distinguished"), false);
}

TEST(Lemmy, AnnounceCreatePage) {
  const auto a = load("lemmy/activities/community/announce_create_page.json");
  EXPECT_EQ(a.kind, Kind::announce);
  EXPECT_EQ(a.actor.id(), "http://enterprise.lemmy.ml/c/main");
  EXPECT_EQ(a.cc, Strings{"http://enterprise.lemmy.ml/c/main/followers"});
  const auto& create = embedded(a.object_ref());
  EXPECT_EQ(create.kind, Kind::create);
  EXPECT_EQ(create.id,
            "http://enterprise.lemmy.ml/activities/create/2807c9ec-3ad8-4859-a9e0-28b59b6e499f");
  EXPECT_EQ(create.actor.id(), "http://enterprise.lemmy.ml/u/lemmy_beta");
  const auto& page = embedded(create.object_ref());
  EXPECT_EQ(page.kind, Kind::page);
  EXPECT_EQ(page.id, "http://enterprise.lemmy.ml/post/7");
  EXPECT_EQ(page.name, "post 4");
  EXPECT_EQ(page.stickied, false);
  EXPECT_EQ(page.comments_enabled, true);
  EXPECT_EQ(page.audience, Strings{"http://enterprise.lemmy.ml/u/main"});
}

TEST(Lemmy, LikeAndDislike) {
  const auto like = load("lemmy/activities/voting/like_note.json");
  EXPECT_EQ(like.kind, Kind::like);
  EXPECT_EQ(like.actor.id(), "http://ds9.lemmy.ml/u/lemmy_alpha");
  EXPECT_EQ(like.object_ref().id(), "http://ds9.lemmy.ml/comment/1");
  EXPECT_FALSE(like.object_ref().is_embedded());
  EXPECT_EQ(like.audience, Strings{"https://enterprise.lemmy.ml/c/tenforward"});
  EXPECT_TRUE(like.to.empty());  // votes are deliberately not public
  EXPECT_FALSE(like.is_public());

  const auto dislike = load("lemmy/activities/voting/dislike_page.json");
  EXPECT_EQ(dislike.kind, Kind::dislike);
  EXPECT_EQ(dislike.object_ref().id(), "http://ds9.lemmy.ml/post/1");
}

TEST(Lemmy, UndoLikeEmbedsTheLike) {
  const auto undo = load("lemmy/activities/voting/undo_like_note.json");
  EXPECT_EQ(undo.kind, Kind::undo);
  const auto& like = embedded(undo.object_ref());
  EXPECT_EQ(like.kind, Kind::like);
  EXPECT_EQ(like.actor.id(), undo.actor.id());
  EXPECT_FALSE(like.object_ref().id().empty());
}

TEST(Lemmy, DeleteWithSummaryIsAModRemoval) {
  const auto d = load("lemmy/activities/deletion/remove_note.json");
  EXPECT_EQ(d.kind, Kind::delete_);
  EXPECT_EQ(d.summary, "bad comment");
  EXPECT_EQ(d.object_ref().id(), "http://ds9.lemmy.ml/comment/1");
  EXPECT_EQ(d.cc, Strings{"http://enterprise.lemmy.ml/c/main"});

  const auto author_delete = load("lemmy/activities/deletion/delete_page.json");
  EXPECT_EQ(author_delete.kind, Kind::delete_);
  EXPECT_FALSE(author_delete.summary.has_value());

  const auto delete_user = load("lemmy/activities/deletion/delete_user.json");
  EXPECT_EQ(delete_user.remove_data, true);
  EXPECT_EQ(delete_user.object_ref().id(), delete_user.actor.id());
}

TEST(Lemmy, BlockWithTargetAndExpiry) {
  const auto b = load("lemmy/activities/block/block_user.json");
  EXPECT_EQ(b.kind, Kind::block);
  EXPECT_EQ(b.object_ref().id(), "http://ds9.lemmy.ml/u/lemmy_alpha");
  EXPECT_EQ(b.target.id(), "http://enterprise.lemmy.ml/c/main");
  EXPECT_EQ(b.remove_data, true);
  EXPECT_EQ(b.summary, "spam post");
  EXPECT_EQ(b.end_time, utc("2021-11-01T12:23:50.151874Z"));

  const auto undo = load("lemmy/activities/block/undo_block_user.json");
  EXPECT_EQ(undo.kind, Kind::undo);
  EXPECT_EQ(embedded(undo.object_ref()).kind, Kind::block);
}

TEST(Lemmy, LockAndUndoLock) {
  const auto lock = load("lemmy/activities/community/lock_page.json");
  EXPECT_EQ(lock.kind, Kind::lock);
  EXPECT_EQ(lock.object_ref().id(), "http://lemmy-alpha:8541/post/2");
  EXPECT_EQ(lock.summary, "A reason for the lock");
  EXPECT_EQ(lock.audience, Strings{"http://lemmy-alpha:8541/c/main"});
  const auto undo = load("lemmy/activities/community/undo_lock_page.json");
  EXPECT_EQ(embedded(undo.object_ref()).kind, Kind::lock);
}

TEST(Lemmy, AddModeratorAndFeatured) {
  const auto add = load("lemmy/activities/community/add_mod.json");
  EXPECT_EQ(add.kind, Kind::add);
  EXPECT_FALSE(add.object_ref().empty());
  EXPECT_TRUE(add.target.id().ends_with("/moderators"));
  const auto featured = load("lemmy/activities/community/add_featured_post.json");
  EXPECT_TRUE(featured.target.id().ends_with("/featured"));
}

TEST(Lemmy, FollowAcceptUndo) {
  const auto follow = load("lemmy/activities/following/follow.json");
  EXPECT_EQ(follow.kind, Kind::follow);
  const auto accept = load("lemmy/activities/following/accept.json");
  EXPECT_EQ(accept.kind, Kind::accept);
  const auto& inner = embedded(accept.object_ref());
  EXPECT_EQ(inner.kind, Kind::follow);
  EXPECT_EQ(inner.id, follow.id);
  EXPECT_EQ(inner.object_ref().id(), accept.actor.id());
}

TEST(Lemmy, ModeratorsCollection) {
  const auto c = load("lemmy/collections/group_moderators.json");
  EXPECT_EQ(c.kind, Kind::ordered_collection);
  ASSERT_FALSE(c.items.empty());
  EXPECT_FALSE(c.items[0].id().empty());
}

TEST(Lemmy, OutboxHoldsAnnouncedCreates) {
  const auto outbox = load("lemmy/collections/group_outbox.json");
  EXPECT_EQ(outbox.kind, Kind::ordered_collection);
  ASSERT_FALSE(outbox.items.empty());
  const auto& announce = embedded(outbox.items[0]);
  EXPECT_EQ(announce.kind, Kind::announce);
  EXPECT_EQ(embedded(announce.object_ref()).kind, Kind::create);
}

// --- Mastodon ------------------------------------------------------------------------------------

TEST(Mastodon, NoteWithContentMapAndMention) {
  const auto n = load("mastodon/objects/note_1.json");
  EXPECT_EQ(n.kind, Kind::note);
  EXPECT_EQ(n.in_reply_to.id(), "https://mamot.fr/users/retiolus/statuses/107224244380204526");
  EXPECT_EQ(n.to, Strings{"https://mastodon.madrid/users/felix/followers"});
  EXPECT_EQ(n.cc, (Strings{std::string(as::kPublic), "https://mamot.fr/users/retiolus"}));
  EXPECT_TRUE(n.is_public());
  ASSERT_EQ(n.content_map.size(), 1u);
  EXPECT_EQ(n.content, n.content_map.at("en"));
  EXPECT_EQ(n.language(), "en");
  EXPECT_FALSE(n.summary.has_value());  // "summary": null
  EXPECT_EQ(n.url, "https://mastodon.madrid/@felix/107224289116410645");
  EXPECT_TRUE(n.conversation.starts_with("tag:mamot.fr,2021-11-05"));
  ASSERT_EQ(n.tag.size(), 1u);
  EXPECT_EQ(embedded(n.tag[0]).kind, Kind::mention);
  EXPECT_EQ(embedded(n.tag[0]).href, "https://mamot.fr/users/retiolus");
  // replies is an embedded Collection whose first page is embedded too.
  const auto& replies = embedded(n.replies);
  EXPECT_EQ(replies.kind, Kind::collection);
  EXPECT_EQ(embedded(replies.first).kind, Kind::collection_page);
  EXPECT_EQ(embedded(replies.first).part_of.id(), replies.id);
}

TEST(Mastodon, QuestionWithVotes) {
  const auto create = load("from-pleroma-repo/fixtures/mastodon-question-activity.json");
  const auto& q = embedded(create.object_ref());
  EXPECT_EQ(q.kind, Kind::question);
  ASSERT_EQ(q.one_of.size(), 4u);
  EXPECT_TRUE(q.any_of.empty());
  EXPECT_EQ(q.one_of[1], (as::PollOption{"Everyone knows that!", 1}));
  EXPECT_EQ(q.end_time, utc("2019-05-11T09:03:36Z"));
}

TEST(Mastodon, LikeOfALemmyPage) {
  const auto like = load("mastodon/activities/like_page.json");
  EXPECT_EQ(like.kind, Kind::like);
  EXPECT_FALSE(like.object_ref().id().empty());
}

// --- Mbin ----------------------------------------------------------------------------------------

TEST(Mbin, AnnounceCreateEntry) {
  const auto a =
      load("from-mbin-repo/outbox-json-snapshots/AnnounceTest__testAnnounceCreateEntry__1.json");
  EXPECT_EQ(a.actor.id(), "https://kbin.test/m/test");
  EXPECT_EQ(a.cc,
            (Strings{"https://kbin.test/m/test/followers", "https://kbin.test/u/user/followers"}));
  EXPECT_FALSE(a.published.has_value());  // "SCRUBBED_DATE" is tolerated as absent
  const auto& page = embedded(embedded(a.object_ref()).object_ref());
  EXPECT_EQ(page.kind, Kind::page);
  EXPECT_EQ(page.name, "test");
  EXPECT_FALSE(page.content.has_value());  // content null, contentMap {"en": null}
  EXPECT_TRUE(page.content_map.empty());
  EXPECT_FALSE(page.source.has_value());
  EXPECT_EQ(page.audience, Strings{"https://kbin.test/m/test"});
  EXPECT_EQ(page.comments_enabled, true);
  EXPECT_EQ(page.stickied, false);
  ASSERT_EQ(page.tag.size(), 1u);
  EXPECT_EQ(embedded(page.tag[0]).kind, Kind::hashtag);
  EXPECT_EQ(embedded(page.tag[0]).name, "#test");
}

TEST(Mbin, BlockUsesExpires) {
  const auto b = load("from-mbin-repo/outbox-json-snapshots/BlockTest__testBlockUser__1.json");
  EXPECT_EQ(b.kind, Kind::block);
  EXPECT_EQ(b.target.id(), "https://kbin.test/m/test");
  EXPECT_FALSE(b.end_time.has_value());  // "expires": null
}

TEST(Mbin, FlagWithContentAndAuthor) {
  const auto f = load("mbin/activities/flag.json");
  EXPECT_EQ(f.kind, Kind::flag);
  ASSERT_EQ(f.object.size(), 2u);
  EXPECT_EQ(f.object[0].id(), "https://lemmy-test/post/4");
  EXPECT_EQ(f.object[1].id(), "https://lemmy-test/u/BentiGorlich");
  EXPECT_TRUE(f.object_ref().empty());  // two objects: no single one to act on
  EXPECT_EQ(f.to, Strings{"https://lemmy-test/c/test_mag"});
}

// --- PieFed --------------------------------------------------------------------------------------

TEST(PieFed, AnnounceOfALikeWithItsOwnContext) {
  const auto a = load("from-piefed-repo/testing_data/body_1.json");
  EXPECT_EQ(a.kind, Kind::announce);
  const auto& like = embedded(a.object_ref());
  EXPECT_EQ(like.kind, Kind::like);
  EXPECT_EQ(like.actor.id(), "https://lemmy.blahaj.zone/u/RenegadeRangerX");
  EXPECT_EQ(like.audience, Strings{"https://lemmy.ml/c/memes"});
}

TEST(PieFed, AnnounceCreateNoteWithOffsetTimestamp) {
  const auto a = load("from-piefed-repo/testing_data/body_3.json");
  const auto& note = embedded(embedded(a.object_ref()).object_ref());
  EXPECT_EQ(note.kind, Kind::note);
  EXPECT_EQ(note.in_reply_to.id(), "https://lemm.ee/post/5204840");
  EXPECT_EQ(note.published, utc("2023-08-24T06:45:08.987710Z"));
  EXPECT_EQ(note.author().value(), "https://lemmy.world/u/Mojave");
}

// --- NodeBB, Friendica, Pleroma, PeerTube --------------------------------------------------------

TEST(NodeBB, TopicArticle) {
  const auto a = load("nodebb/objects/page.json");
  EXPECT_EQ(a.kind, Kind::article);
  EXPECT_EQ(a.name, "Welcome to your NodeBB!");
  EXPECT_EQ(a.context.id(), "https://bb.devnull.land/topic/1");
  EXPECT_EQ(a.audience, Strings{"https://bb.devnull.land/category/2"});
  EXPECT_EQ(a.to, (Strings{std::string(as::kPublic), "https://bb.devnull.land/category/2"}));
  EXPECT_FALSE(a.updated.has_value());  // null
  EXPECT_EQ(a.replies.id(), "https://bb.devnull.land/post/1/replies");
  EXPECT_EQ(a.raw.at("preview").at("type"), "Note");
}

TEST(NodeBB, CategoryGroupWithHashKey) {
  const auto g = load("nodebb/objects/group.json");
  EXPECT_EQ(g.kind, Kind::group);
  EXPECT_EQ(g.public_keys.at(0).id, "https://bb.devnull.land/category/2#key");
  EXPECT_EQ(g.icon, "https://bb.devnull.land/assets/uploads/category/category-2-icon.png");
}

TEST(Friendica, CreateNoteIntoACommunity) {
  const auto c = load("friendica/activities/create_page_1.json");
  EXPECT_EQ(c.kind, Kind::create);
  const auto& note = embedded(c.object_ref());
  EXPECT_EQ(note.kind, Kind::note);
  EXPECT_EQ(note.language(), "fr");  // only from contentMap's key
  EXPECT_EQ(note.cc[1], "https://lemmy.qa.urbanwildlife.biz/c/lemmy_community");
}

TEST(Friendica, DislikeWithInstrument) {
  const auto d = load("friendica/activities/dislike_page.json");
  EXPECT_EQ(d.kind, Kind::dislike);
  EXPECT_EQ(d.actor.id(), "https://pirati.ca/profile/heluecht");
  EXPECT_TRUE(d.is_public());
}

TEST(Pleroma, NoteWithBareSourceAndEmptySummary) {
  const auto n = load("pleroma/objects/note.json");
  EXPECT_EQ(n.kind, Kind::note);
  EXPECT_EQ(n.source, (as::Source{"@popolon@pleroma.popolon.org Have what?", ""}));
  EXPECT_EQ(n.summary, "");
  EXPECT_FALSE(n.sensitive.has_value());  // null
  EXPECT_EQ(n.context.id(),
            "https://queer.hacktivis.me/contexts/34cba3d2-2f35-4169-aeff-56af9bfeb753");
  EXPECT_EQ(n.in_reply_to.id(), "https://enterprise.lemmy.ml/post/55143");
}

TEST(Pleroma, PollClosedWithoutZoneStillCountsAsClosed) {
  const auto q = load("from-pleroma-repo/fixtures/tesla_mock/poll_original.json");
  EXPECT_EQ(q.kind, Kind::question);
  EXPECT_TRUE(q.closed);
  EXPECT_FALSE(q.closed_at.has_value());  // "2019-09-19T00:32:36.785333" has no zone
  ASSERT_EQ(q.one_of.size(), 2u);
  EXPECT_EQ(q.one_of[0].votes, 4);
}

TEST(PeerTube, VideoAuthorIsThePersonNotTheChannel) {
  const auto v = load("peertube/objects/video.json");
  EXPECT_EQ(v.kind, Kind::video);
  ASSERT_EQ(v.attributed_to.size(), 2u);
  EXPECT_EQ(v.author().value(), "https://tilvids.com/accounts/thelinuxexperiment");
  EXPECT_EQ(v.url, "https://tilvids.com/videos/watch/e7946124-7b72-4ad7-9d22-844a84bb2de1");
}

TEST(Mobilizon, EventWithLocation) {
  const auto e = load("mobilizon/objects/event.json");
  EXPECT_EQ(e.kind, Kind::event);
  EXPECT_EQ(e.start_time, utc("2022-12-11T19:00:00+00:00"));
  EXPECT_EQ(e.end_time, utc("2022-12-11T21:00:00+00:00"));
  const auto& place = embedded(e.location);
  EXPECT_EQ(place.kind, Kind::place);
  EXPECT_EQ(place.name, "The Kenn Centre");
  EXPECT_EQ(e.comments_enabled, true);
}
