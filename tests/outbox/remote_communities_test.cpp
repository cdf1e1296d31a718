// RemoteCommunities: what a local person sends to a community hosted elsewhere, compared field
// by field with Lemmy's own fixtures for the same activity, and the rules (membership, bans,
// locks, posting policy) that refuse with nothing stored or queued.
#include "guildhall/federation/outbox/remote_communities.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "guildhall/federation/discovery/activities.hpp"
#include "guildhall/storage/database.hpp"
#include "guildhall/storage/federation_queue.hpp"

using namespace guildhall;
using federation::outbox::RemoteCommunities;
using nlohmann::json;
using storage::Id;

namespace {

const std::filesystem::path kLemmy = std::filesystem::path(GUILDHALL_SHARED_DIR) / "fixtures" /
                                     "activitypub" / "lemmy" / "activities";
const std::string kPublic = "https://www.w3.org/ns/activitystreams#Public";
const std::string kGroup = "https://lemmy.test/c/main";

json lemmy(const std::string& name) {
  std::ifstream in(kLemmy / name);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

// Every property Lemmy sends is present in ours with the same JSON type, recursively through
// embedded objects (arrays are compared by their first element). `optional` names properties
// Lemmy sends that this activity of ours legitimately lacks.
void expect_lemmy_shape(const json& ours, const json& theirs, const std::string& path,
                        const std::vector<std::string>& optional = {}) {
  for (const auto& [key, value] : theirs.items()) {
    if (key == "@context" || std::find(optional.begin(), optional.end(), key) != optional.end())
      continue;
    SCOPED_TRACE(path + "." + key);
    ASSERT_TRUE(ours.contains(key)) << "missing " << path << "." << key << " in " << ours.dump();
    const json& mine = ours[key];
    if (value.is_object() && mine.is_object()) {
      expect_lemmy_shape(mine, value, path + "." + key, optional);
    } else if (key != "object") {  // Lemmy embeds or references; checked by value in each test
      EXPECT_EQ(mine.type_name(), std::string(value.type_name())) << path << "." << key;
    }
  }
}

class RemoteCommunitiesOutbox : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = storage::open_database("sqlite::memory:").value();
    db_->migrate().value();
    alice_ = db_->transact([&](storage::Tx& tx) -> core::Result<Id> {
                  storage::NewUser u;
                  u.actor.handle = "alice";
                  u.actor.ap_id = urls_.user("alice");
                  u.actor.inbox_url = u.actor.ap_id + "/inbox";
                  u.actor.private_key_pem = "test key";
                  u.password_hash = "$argon2id$unused";
                  auto created = tx.users().create(u);
                  if (!created)
                    return std::move(created).error();
                  return created->actor.id;
                })
                 .value();
    group_ = remote_group(kGroup, storage::CommunitySettings{});
    communities_ = std::make_unique<RemoteCommunities>(*db_, urls_, [this] { ++notified_; });
  }

  Id remote_group(const std::string& ap_id, const storage::CommunitySettings& settings) {
    storage::RemoteActorForm f;
    f.ap_id = ap_id;
    f.kind = storage::ActorKind::group;
    f.handle = ap_id.substr(ap_id.find_last_of('/') + 1);
    f.domain = "lemmy.test";
    f.inbox_url = ap_id + "/inbox";
    f.followers_url = ap_id + "/followers";
    f.featured_url = ap_id + "/featured";
    f.moderators_url = ap_id + "/moderators";
    return db_
        ->transact([&](storage::Tx& tx) { return tx.communities().upsert_remote(f, settings); })
        .value()
        .actor.id;
  }

  void set_member(Id group, storage::MemberState state,
                  storage::MemberRole role = storage::MemberRole::member) {
    storage::MembershipForm form;
    form.community_id = group;
    form.actor_id = alice_;
    form.state = state;
    form.role = role;
    db_->transact([&](storage::Tx& tx) -> core::Result<void> {
         auto m = tx.memberships().upsert(form);
         if (!m)
           return std::move(m).error();
         auto r = tx.memberships().set_role(group, alice_, role);
         if (!r)
           return std::move(r).error();
         return {};
       })
        .value();
  }

  // A thread of the remote community by someone there.
  storage::Post remote_thread(const std::string& ap_id) {
    return db_
        ->transact([&](storage::Tx& tx) -> core::Result<storage::Post> {
          storage::RemoteActorForm f;
          f.ap_id = "https://lemmy.test/u/picard";
          f.handle = "picard";
          f.domain = "lemmy.test";
          f.inbox_url = f.ap_id + "/inbox";
          auto author = tx.actors().upsert_remote(f);
          if (!author)
            return std::move(author).error();
          storage::NewPost p;
          p.ap_id = ap_id;
          p.author_id = author->id;
          p.community_id = group_;
          p.title = "Hello";
          p.content_html = "<p>hi</p>";
          p.context_url = ap_id + "/context";  // as Lemmy publishes it
          p.is_local = false;
          return tx.posts().create(p);
        })
        .value();
  }

  // Everything queued so far, as (inbox, JSON), oldest first.
  std::vector<std::pair<std::string, json>> queued() {
    auto jobs = db_->transact([&](storage::Tx& tx) {
                     return tx.delivery_queue().claim({.owner = "test",
                                                       .now = core::SystemClock::instance().now(),
                                                       .limit = 1000,
                                                       .per_host_limit = 1000,
                                                       .lease = std::chrono::minutes(5)});
                   })
                    .value();
    std::vector<std::pair<std::string, json>> out;
    for (const auto& job : jobs)
      out.emplace_back(job.inbox_url, json::parse(job.payload));
    return out;
  }

  json only_queued() {
    auto q = queued();
    EXPECT_EQ(q.size(), 1u);
    if (q.empty())
      return json::object();
    EXPECT_EQ(q[0].first, kGroup + "/inbox");  // always the group's inbox
    return q[0].second;
  }

  std::size_t pending() {
    return static_cast<std::size_t>(db_->read([&](storage::Tx& tx) {
                                         return tx.delivery_queue().depth(
                                             core::SystemClock::instance().now());
                                       })
                                        .value()
                                        .pending);
  }

  federation::Urls urls_{"https://us.test"};
  std::unique_ptr<storage::Database> db_;
  Id alice_ = 0;
  Id group_ = 0;
  std::unique_ptr<RemoteCommunities> communities_;
  int notified_ = 0;
};

TEST_F(RemoteCommunitiesOutbox, JoinSendsLemmysFollowAndLeaveItsUndo) {
  auto joined = communities_->join(alice_, group_);
  ASSERT_TRUE(joined.ok()) << joined.error().message;
  EXPECT_EQ(joined->state, storage::MemberState::pending);
  json follow = only_queued();
  expect_lemmy_shape(follow, lemmy("following/follow.json"), "Follow");
  EXPECT_EQ(follow["type"], "Follow");
  EXPECT_EQ(follow["actor"], urls_.user("alice"));
  EXPECT_EQ(follow["object"], kGroup);
  EXPECT_EQ(follow["to"], json::array({kGroup}));
  EXPECT_EQ(follow["id"], *joined->follow_ap_id);
  EXPECT_EQ(notified_, 1);

  // Joining again while pending sends nothing new.
  ASSERT_TRUE(communities_->join(alice_, group_).ok());
  EXPECT_EQ(pending(), 1u);

  ASSERT_TRUE(communities_->leave(alice_, group_).ok());
  json undo = queued().back().second;
  expect_lemmy_shape(undo, lemmy("following/undo_follow.json"), "Undo");
  EXPECT_EQ(undo["object"]["id"], *joined->follow_ap_id);
  EXPECT_EQ(undo["object"]["object"], kGroup);
  EXPECT_FALSE(
      db_->read([&](storage::Tx& tx) { return tx.memberships().get(group_, alice_); }).ok());
}

TEST_F(RemoteCommunitiesOutbox, ThreadIsLemmysCreatePage) {
  set_member(group_, storage::MemberState::accepted);
  auto post = communities_->post_thread(alice_, group_,
                                        {.title = "Hello *forum*",
                                         .markdown = "Some **text**",
                                         .language = "fr",
                                         .link = "https://example.com/read"});
  ASSERT_TRUE(post.ok()) << post.error().message;
  EXPECT_EQ(post->community_id, group_);
  EXPECT_EQ(post->title, "Hello *forum*");
  EXPECT_EQ(post->link_url, "https://example.com/read");
  json create = only_queued();
  expect_lemmy_shape(create, lemmy("create_or_update/create_page.json"), "Create");
  EXPECT_EQ(create["object"]["attachment"],
            json::array({{{"type", "Link"}, {"href", "https://example.com/read"}}}));
  EXPECT_EQ(create["object"]["context"], post->ap_id + "/context");
  EXPECT_EQ(create["type"], "Create");
  EXPECT_EQ(create["to"], json::array({kPublic}));
  EXPECT_EQ(create["cc"], json::array({kGroup}));
  EXPECT_EQ(create["audience"], kGroup);
  const json& page = create["object"];
  EXPECT_EQ(page["type"], "Page");
  EXPECT_EQ(page["id"], post->ap_id);
  EXPECT_EQ(page["attributedTo"], urls_.user("alice"));
  EXPECT_EQ(page["to"], json::array({kGroup, kPublic}));
  EXPECT_EQ(page["audience"], kGroup);
  EXPECT_EQ(page["name"], "Hello *forum*");
  EXPECT_EQ(page["content"], "<p>Some <strong>text</strong></p>\n");
  EXPECT_EQ(page["mediaType"], "text/html");
  EXPECT_EQ(page["source"], json({{"content", "Some **text**"}, {"mediaType", "text/markdown"}}));
  EXPECT_EQ(page["language"]["identifier"], "fr");
}

TEST_F(RemoteCommunitiesOutbox, PrivateCommunityContentIsNeverPublic) {
  storage::CommunitySettings settings;
  settings.visibility = storage::CommunityVisibility::private_;
  settings.join_policy = storage::JoinPolicy::approval;
  const Id hidden = remote_group("https://lemmy.test/c/hidden", settings);
  set_member(hidden, storage::MemberState::accepted);
  ASSERT_TRUE(communities_->post_thread(alice_, hidden, {.title = "t", .markdown = "x"}).ok());
  json create = queued().back().second;
  EXPECT_EQ(create["object"]["to"],
            json::array({"https://lemmy.test/c/hidden", "https://lemmy.test/c/hidden/followers"}));
  EXPECT_EQ(create.dump().find(kPublic), std::string::npos);
}

TEST_F(RemoteCommunitiesOutbox, CommentIsLemmysCreateNote) {
  set_member(group_, storage::MemberState::accepted);
  storage::Post thread = remote_thread("https://lemmy.test/post/1");
  auto comment = communities_->comment(alice_, thread.id, {.markdown = "hello"});
  ASSERT_TRUE(comment.ok()) << comment.error().message;
  EXPECT_EQ(comment->thread_id, thread.id);
  EXPECT_EQ(comment->community_id, group_);
  json create = only_queued();
  // Lemmy also mentions the parent's author (tag, cc); we address the group only.
  expect_lemmy_shape(create, lemmy("create_or_update/create_comment.json"), "Create",
                     {"tag", "cc"});
  const json& note = create["object"];
  EXPECT_EQ(note["type"], "Note");
  EXPECT_EQ(note["inReplyTo"], "https://lemmy.test/post/1");
  EXPECT_EQ(note["audience"], kGroup);
  EXPECT_FALSE(note.contains("name"));
  EXPECT_EQ(note["context"], "https://lemmy.test/post/1/context");  // the thread's, from Lemmy
  EXPECT_EQ(create["cc"], json::array({kGroup}));
}

TEST_F(RemoteCommunitiesOutbox, EditIsLemmysUpdateAndDeleteHasNoSummary) {
  set_member(group_, storage::MemberState::accepted);
  auto post = communities_->post_thread(alice_, group_, {.title = "t", .markdown = "one"});
  ASSERT_TRUE(post.ok());
  auto edited = communities_->edit(alice_, post->id, {.title = "t2", .markdown = "two"});
  ASSERT_TRUE(edited.ok()) << edited.error().message;
  EXPECT_EQ(edited->title, "t2");
  json update = queued()[1].second;
  expect_lemmy_shape(update, lemmy("create_or_update/update_page.json"), "Update",
                     {"attachment"});  // no link
  EXPECT_EQ(update["object"]["context"], post->ap_id + "/context");
  EXPECT_EQ(update["object"]["name"], "t2");
  EXPECT_TRUE(update["object"].contains("updated"));

  ASSERT_TRUE(communities_->remove(alice_, post->id).ok());
  json del = queued().back().second;
  expect_lemmy_shape(del, lemmy("deletion/delete_page.json"), "Delete");
  EXPECT_EQ(del["object"], post->ap_id);
  EXPECT_EQ(del["cc"], json::array({kGroup}));
  EXPECT_FALSE(del.contains("summary"));  // Lemmy reads a summary as a moderator's removal
  EXPECT_TRUE(db_->read([&](storage::Tx& tx) { return tx.posts().get(post->id); })->deleted_at);
}

TEST_F(RemoteCommunitiesOutbox, VotesAreLemmysLikeDislikeAndUndo) {
  set_member(group_, storage::MemberState::accepted);
  storage::Post thread = remote_thread("https://lemmy.test/post/1");
  ASSERT_TRUE(communities_->react(alice_, thread.id, storage::ReactionKind::like).ok());
  json like = only_queued();
  expect_lemmy_shape(like, lemmy("voting/like_note.json"), "Like");
  EXPECT_EQ(like["object"], "https://lemmy.test/post/1");
  EXPECT_EQ(like["audience"], kGroup);
  EXPECT_FALSE(like.contains("to"));  // votes are not public
  // Again: nothing new. A downvote replaces the upvote.
  ASSERT_TRUE(communities_->react(alice_, thread.id, storage::ReactionKind::like).ok());
  EXPECT_EQ(pending(), 1u);
  ASSERT_TRUE(communities_->react(alice_, thread.id, storage::ReactionKind::dislike).ok());
  auto counts =
      db_->read([&](storage::Tx& tx) { return tx.reactions().counts(thread.id); }).value();
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].kind, storage::ReactionKind::dislike);
  ASSERT_TRUE(communities_->unreact(alice_, thread.id, storage::ReactionKind::dislike).ok());
  json undo = queued().back().second;
  expect_lemmy_shape(undo, lemmy("voting/undo_dislike_page.json"), "Undo");
  EXPECT_EQ(undo["object"]["type"], "Dislike");
  EXPECT_EQ(undo["object"]["object"], "https://lemmy.test/post/1");
}

TEST_F(RemoteCommunitiesOutbox, EmojiReactionAndReport) {
  set_member(group_, storage::MemberState::accepted);
  storage::Post thread = remote_thread("https://lemmy.test/post/1");
  ASSERT_TRUE(communities_->react(alice_, thread.id, storage::ReactionKind::emoji, "🎉").ok());
  json react = queued().back().second;
  EXPECT_EQ(react["type"], "EmojiReact");
  EXPECT_EQ(react["content"], "🎉");
  EXPECT_EQ(react["audience"], kGroup);
  ASSERT_TRUE(communities_->report(alice_, thread.id, "spam").ok());
  json flag = queued().back().second;
  expect_lemmy_shape(flag, lemmy("community/report_page.json"), "Flag");
  EXPECT_EQ(flag["to"], json::array({kGroup}));
  EXPECT_EQ(flag["object"], "https://lemmy.test/post/1");
  EXPECT_EQ(flag["summary"], "spam");
}

TEST_F(RemoteCommunitiesOutbox, RefusalsStoreAndQueueNothing) {
  storage::Post thread = remote_thread("https://lemmy.test/post/1");
  auto expect_refused = [&](core::Result<storage::Post> r, core::ErrorKind kind) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, kind) << r.error().message;
  };
  // Not a member yet, then only pending.
  expect_refused(communities_->post_thread(alice_, group_, {.title = "t", .markdown = "x"}),
                 core::ErrorKind::forbidden);
  set_member(group_, storage::MemberState::pending);
  expect_refused(communities_->comment(alice_, thread.id, {.markdown = "x"}),
                 core::ErrorKind::forbidden);
  // A locked thread takes no comments.
  set_member(group_, storage::MemberState::accepted);
  db_->transact([&](storage::Tx& tx) { return tx.posts().set_locked(thread.id, true); }).value();
  expect_refused(communities_->comment(alice_, thread.id, {.markdown = "x"}),
                 core::ErrorKind::forbidden);
  // Empty title, empty text.
  expect_refused(communities_->post_thread(alice_, group_, {.title = " ", .markdown = "x"}),
                 core::ErrorKind::invalid_input);
  expect_refused(communities_->post_thread(alice_, group_, {.title = "t", .markdown = ""}),
                 core::ErrorKind::invalid_input);
  // Moderators-only posting (postingRestrictedToMods).
  storage::CommunitySettings mods_only;
  mods_only.posting_policy = storage::PostingPolicy::moderators;
  const Id announcements = remote_group("https://lemmy.test/c/announcements", mods_only);
  set_member(announcements, storage::MemberState::accepted);
  expect_refused(communities_->post_thread(alice_, announcements, {.title = "t", .markdown = "x"}),
                 core::ErrorKind::forbidden);
  // Banned: no post, no rejoin.
  set_member(group_, storage::MemberState::banned);
  expect_refused(communities_->post_thread(alice_, group_, {.title = "t", .markdown = "x"}),
                 core::ErrorKind::forbidden);
  auto rejoin = communities_->join(alice_, group_);
  ASSERT_FALSE(rejoin.ok());
  EXPECT_EQ(rejoin.error().kind, core::ErrorKind::forbidden);
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(notified_, 0);
  storage::PageRequest page;
  auto threads =
      db_->read([&](storage::Tx& tx) { return tx.posts().list_community_threads(group_, page); })
          .value();
  EXPECT_EQ(threads.size(), 1u);  // only the remote thread
}

TEST_F(RemoteCommunitiesOutbox, LocalCommunitiesAreNotJoinedOverFederation) {
  storage::NewCommunity local;
  local.actor.handle = "devs";
  local.actor.ap_id = urls_.group("devs");
  local.actor.inbox_url = local.actor.ap_id + "/inbox";
  local.owner_actor_id = alice_;
  const Id devs = db_->transact([&](storage::Tx& tx) { return tx.communities().create(local); })
                      .value()
                      .actor.id;
  auto joined = communities_->join(alice_, devs);
  ASSERT_FALSE(joined.ok());
  EXPECT_EQ(joined.error().kind, core::ErrorKind::invalid_input);
}

}  // namespace

namespace {

// GET /activities/{id}: what a server verifying a group's Announce fetches from us.
TEST_F(RemoteCommunitiesOutbox, OurPublicActivitiesAreServedOthersAreNot) {
  auto served = [&](const json& activity) {
    const std::string id = activity["id"];
    Id snowflake = 0;
    EXPECT_TRUE(core::parse_id(id.substr(id.find_last_of('/') + 1), snowflake));
    return db_->read(
        [&](storage::Tx& tx) { return federation::discovery::public_activity(tx, snowflake); });
  };
  set_member(group_, storage::MemberState::accepted);
  auto post = communities_->post_thread(alice_, group_, {.title = "t", .markdown = "x"});
  ASSERT_TRUE(post.ok());
  storage::Post thread = remote_thread("https://lemmy.test/post/1");
  ASSERT_TRUE(communities_->react(alice_, thread.id, storage::ReactionKind::like).ok());
  auto sent = queued();
  ASSERT_EQ(sent.size(), 2u);
  auto create = served(sent[0].second);
  ASSERT_TRUE(create.ok());
  EXPECT_EQ((*create)["object"]["id"], post->ap_id);
  EXPECT_TRUE(served(sent[1].second).ok());  // a vote in a public community

  // A report (addressed to the group only), and everything in a private community: hidden.
  ASSERT_TRUE(communities_->report(alice_, thread.id, "spam").ok());
  storage::CommunitySettings settings;
  settings.visibility = storage::CommunityVisibility::private_;
  const Id hidden = remote_group("https://lemmy.test/c/hidden", settings);
  set_member(hidden, storage::MemberState::accepted);
  ASSERT_TRUE(communities_->post_thread(alice_, hidden, {.title = "t", .markdown = "x"}).ok());
  auto later = queued();
  ASSERT_EQ(later.size(), 2u);
  for (const auto& [inbox, activity] : later) {
    auto r = served(activity);
    ASSERT_FALSE(r.ok()) << activity.dump();
    EXPECT_EQ(r.error().kind, core::ErrorKind::not_found);
  }
  // Deleted since: its Create is no longer served; the Delete is.
  ASSERT_TRUE(communities_->remove(alice_, post->id).ok());
  EXPECT_FALSE(served(sent[0].second).ok());
  EXPECT_TRUE(served(queued().back().second).ok());
  EXPECT_FALSE(
      db_->read([&](storage::Tx& tx) { return federation::discovery::public_activity(tx, 12345); })
          .ok());
}

}  // namespace

namespace {

// A moderator of a remote community (appointed there) moderates from here in Lemmy's shapes; the
// effect is applied here at once; a plain member is refused with nothing queued.
TEST_F(RemoteCommunitiesOutbox, ModeratorsSendLemmysModerationToTheGroup) {
  storage::Post thread = remote_thread("https://lemmy.test/post/1");
  set_member(group_, storage::MemberState::accepted);
  EXPECT_EQ(communities_->lock(alice_, thread.id, true).error().kind, core::ErrorKind::forbidden);
  EXPECT_EQ(pending(), 0u);
  set_member(group_, storage::MemberState::accepted, storage::MemberRole::moderator);
  const auto stored = [&] {
    return db_->read([&](storage::Tx& tx) { return tx.posts().get(thread.id); }).value();
  };

  ASSERT_TRUE(communities_->lock(alice_, thread.id, true).ok());
  auto sent = queued();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].first, kGroup + "/inbox");
  json lock = sent[0].second;
  expect_lemmy_shape(lock, lemmy("community/lock_page.json"), "Lock", {"summary"});
  EXPECT_EQ(lock["object"], thread.ap_id);
  EXPECT_EQ(lock["cc"], json::array({kGroup}));
  EXPECT_TRUE(stored().locked);
  ASSERT_TRUE(communities_->lock(alice_, thread.id, false).ok());
  json unlock = queued().back().second;
  expect_lemmy_shape(unlock, lemmy("community/undo_lock_page.json"), "Undo", {"summary"});
  EXPECT_EQ(unlock["object"]["type"], "Lock");
  EXPECT_FALSE(stored().locked);

  ASSERT_TRUE(communities_->pin(alice_, thread.id, true).ok());
  json add = queued().back().second;
  expect_lemmy_shape(add, lemmy("community/add_featured_post.json"), "Add");
  EXPECT_EQ(add["target"], kGroup + "/featured");
  EXPECT_TRUE(stored().pinned);
  ASSERT_TRUE(communities_->pin(alice_, thread.id, false).ok());
  json remove = queued().back().second;
  expect_lemmy_shape(remove, lemmy("community/remove_featured_post.json"), "Remove");
  EXPECT_EQ(remove["type"], "Remove");
  EXPECT_FALSE(stored().pinned);

  ASSERT_TRUE(communities_->remove_post(alice_, thread.id, std::string("off topic")).ok());
  json del = queued().back().second;
  expect_lemmy_shape(del, lemmy("deletion/remove_note.json"), "Delete");
  EXPECT_EQ(del["summary"], "off topic");  // a summary: a moderator's removal, not a deletion
  EXPECT_TRUE(stored().removed_at);
  EXPECT_FALSE(stored().deleted_at);
  ASSERT_TRUE(communities_->restore_post(alice_, thread.id).ok());
  json restore = queued().back().second;
  expect_lemmy_shape(restore, lemmy("deletion/undo_remove_note.json"), "Undo");
  EXPECT_FALSE(stored().removed_at);

  const Id picard = thread.author_id;
  const auto until = core::TimePoint(std::chrono::milliseconds(1900000000000));
  ASSERT_TRUE(communities_->ban(alice_, group_, picard, std::string("spam"), until).ok());
  json block = queued().back().second;
  expect_lemmy_shape(block, lemmy("block/block_user.json"), "Block", {"removeData"});
  EXPECT_EQ(block["object"], "https://lemmy.test/u/picard");
  EXPECT_EQ(block["target"], kGroup);
  EXPECT_EQ(block["summary"], "spam");
  ASSERT_TRUE(communities_->unban(alice_, group_, picard).ok());
  json unblock = queued().back().second;
  // The unban names the person and the group; the ban's reason and end are not repeated.
  expect_lemmy_shape(unblock, lemmy("block/undo_block_user.json"), "Undo",
                     {"removeData", "summary", "endTime"});
  EXPECT_EQ(communities_->ban(alice_, group_, alice_, std::nullopt, std::nullopt).error().kind,
            core::ErrorKind::invalid_input);
}

}  // namespace
