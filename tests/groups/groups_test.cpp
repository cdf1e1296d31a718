// The group engine: membership (open, approval, bans), posting policy refusals that store nothing,
// distribution (one delivery per follower instance, the activity announced unchanged), edits,
// deletes, moderator removal, reactions, lock, pin, moderators and the moderation log, for remote
// members (through the inbox) and local ones (through outbox::Communities).
#include "guildhall/federation/discovery/group_outbox.hpp"

#include "group_fixture.hpp"

namespace guildhall::federation::groups::testing {
namespace {

const std::string kPublic = "https://www.w3.org/ns/activitystreams#Public";

class Groups : public GroupFixture {
 protected:
  Groups() {
    outbox::CommunityInput input;
    input.welcome = "Welcome to **the garden**";
    garden_ = make_group("garden", input);
  }

  // alice and bob join the open group; their Accepts and welcomes are drained.
  void join_both() {
    ASSERT_EQ(send(activity("Follow", "https://a.example/follows/1", kAlice, group_id("garden"))),
              202);
    ASSERT_EQ(
        send(activity("Follow", "https://b.example/follows/1", kBob, group_id("garden")), kBob),
        202);
    sent();
  }

  storage::CommunityView garden_;
};

TEST_F(Groups, FollowOfAnOpenGroupIsAcceptedWithTheWelcomeMessage) {
  ASSERT_EQ(send(activity("Follow", "https://a.example/follows/1", kAlice, group_id("garden"))),
            202);
  const auto m = membership(garden_, alice_.id);
  EXPECT_EQ(m.state, storage::MemberState::accepted);
  EXPECT_EQ(m.follow_ap_id, "https://a.example/follows/1");
  const auto out = sent();
  const auto accepts = of_type(out, "Accept");
  ASSERT_EQ(accepts.size(), 1u);
  EXPECT_EQ(accepts[0].inbox, kAlice + "/inbox");
  EXPECT_EQ(accepts[0].body["actor"], group_id("garden"));
  EXPECT_EQ(accepts[0].body["object"]["id"], "https://a.example/follows/1");
  EXPECT_EQ(accepts[0].body["object"]["type"], "Follow");
  EXPECT_EQ(accepts[0].body["object"]["actor"], kAlice);
  const auto welcome = of_type(out, "Create", "Note");
  ASSERT_EQ(welcome.size(), 1u);
  EXPECT_EQ(welcome[0].body["to"], json::array({kAlice}));
  EXPECT_EQ(welcome[0].body["object"]["attributedTo"], group_id("garden"));
  EXPECT_NE(
      welcome[0].body["object"]["content"].get<std::string>().find("<strong>the garden</strong>"),
      std::string::npos);
  EXPECT_EQ(welcome[0].body["object"]["to"], json::array({kAlice}));
  // Membership is never announced to the other followers.
  EXPECT_TRUE(of_type(out, "Announce").empty());
  EXPECT_EQ(outbox_count(garden_), 0);
}

TEST_F(Groups, JoinAndLeaveAreAcceptedLikeFollowAndUndo) {
  ASSERT_EQ(send(activity("Join", "https://a.example/joins/1", kAlice, group_id("garden"))), 202);
  EXPECT_EQ(membership(garden_, alice_.id).state, storage::MemberState::accepted);
  EXPECT_EQ(of_type(sent(), "Accept")[0].body["object"]["type"], "Join");
  ASSERT_EQ(send(activity("Leave", "https://a.example/leaves/1", kAlice, group_id("garden"))), 202);
  EXPECT_FALSE(has_membership(garden_, alice_.id));
  ASSERT_EQ(send(activity("Follow", "https://a.example/follows/2", kAlice, group_id("garden"))),
            202);
  ASSERT_TRUE(has_membership(garden_, alice_.id));
  // Undo by id only: the membership remembers the Follow's id.
  ASSERT_EQ(
      send(activity("Undo", "https://a.example/undos/1", kAlice, "https://a.example/follows/2")),
      202);
  EXPECT_FALSE(has_membership(garden_, alice_.id));
}

TEST_F(Groups, ApprovalGroupKeepsJoinsPendingUntilAManagerAnswers) {
  outbox::CommunityInput input;
  input.join_policy = storage::JoinPolicy::approval;
  input.welcome = "hello";
  const auto club = make_group("club", input);
  ASSERT_EQ(send(activity("Follow", "https://a.example/follows/9", kAlice, group_id("club"))), 202);
  ASSERT_EQ(send(activity("Follow", "https://b.example/follows/9", kBob, group_id("club")), kBob),
            202);
  EXPECT_EQ(membership(club, alice_.id).state, storage::MemberState::pending);
  EXPECT_TRUE(sent().empty());
  // Only managers answer.
  EXPECT_EQ(communities_.approve(erin_.id, club.actor.id, alice_.id).error().kind,
            core::ErrorKind::forbidden);
  auto approved = communities_.approve(dave_.id, club.actor.id, alice_.id);
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  EXPECT_EQ(approved->state, storage::MemberState::accepted);
  ASSERT_TRUE(communities_.reject(dave_.id, club.actor.id, bob_.id).ok());
  EXPECT_FALSE(has_membership(club, bob_.id));
  const auto out = sent();
  ASSERT_EQ(of_type(out, "Accept").size(), 1u);
  EXPECT_EQ(of_type(out, "Accept")[0].body["object"]["id"], "https://a.example/follows/9");
  EXPECT_EQ(of_type(out, "Create", "Note").size(), 1u);  // alice's welcome
  ASSERT_EQ(of_type(out, "Reject").size(), 1u);
  EXPECT_EQ(of_type(out, "Reject")[0].inbox, kBob + "/inbox");
  EXPECT_EQ(of_type(out, "Reject")[0].body["object"]["id"], "https://b.example/follows/9");
  const auto log = modlog(club);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].action, storage::ModerationAction::reject_member);
  EXPECT_EQ(log[1].action, storage::ModerationAction::approve_member);
  // A local person's join is pending too, and the welcome comes once accepted.
  auto joined = communities_.join(erin_.id, club.actor.id);
  ASSERT_TRUE(joined.ok());
  EXPECT_EQ(joined->membership.state, storage::MemberState::pending);
  EXPECT_TRUE(joined->welcome_html.empty());
}

TEST_F(Groups, BannedPeopleCannotRejoinPostOrReact) {
  join_both();
  auto thread = communities_.post_thread(dave_.id, garden_.actor.id, {.title = "Rules"});
  ASSERT_TRUE(thread.ok()) << thread.error().message;
  ASSERT_TRUE(communities_
                  .ban(dave_.id, garden_.actor.id, alice_.id, std::string("spam"),
                       clock_.now() + std::chrono::hours(24))
                  .ok());
  auto m = membership(garden_, alice_.id);
  EXPECT_EQ(m.state, storage::MemberState::banned);
  EXPECT_EQ(m.ban_reason, "spam");
  const auto bans = of_type(sent(), "Announce", "Block");
  ASSERT_EQ(bans.size(), 2u);  // the followers' b.example, and the banned person's a.example
  EXPECT_EQ(bans[0].body["object"]["target"], group_id("garden"));
  EXPECT_EQ(bans[0].body["object"]["summary"], "spam");
  EXPECT_TRUE(bans[0].body["object"].contains("endTime"));

  ASSERT_EQ(send(activity("Follow", "https://a.example/follows/2", kAlice, group_id("garden"))),
            202);
  EXPECT_EQ(membership(garden_, alice_.id).state, storage::MemberState::banned);
  EXPECT_EQ(of_type(sent(), "Reject").size(), 1u);
  ASSERT_EQ(send(create_page("https://a.example/post/1", kAlice, group_id("garden"), "Spam")), 202);
  EXPECT_FALSE(post_by_ap_id("https://a.example/post/1"));
  json like = activity("Like", "https://a.example/likes/1", kAlice, thread->ap_id);
  ASSERT_EQ(send(like), 202);
  EXPECT_TRUE(
      db_->read([&](storage::Tx& tx) { return tx.reactions().list_for_post(thread->id, {}); })
          .value()
          .empty());
  // Leaving does not lift a ban; unbanning does, and then they may join again.
  ASSERT_EQ(
      send(activity("Undo", "https://a.example/undos/2", kAlice, "https://a.example/follows/2")),
      202);
  EXPECT_EQ(membership(garden_, alice_.id).state, storage::MemberState::banned);
  ASSERT_TRUE(communities_.unban(dave_.id, garden_.actor.id, alice_.id).ok());
  EXPECT_FALSE(has_membership(garden_, alice_.id));
  ASSERT_EQ(send(activity("Follow", "https://a.example/follows/3", kAlice, group_id("garden"))),
            202);
  EXPECT_EQ(membership(garden_, alice_.id).state, storage::MemberState::accepted);
  const auto log = modlog(garden_);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].action, storage::ModerationAction::unban);
  EXPECT_EQ(log[1].action, storage::ModerationAction::ban);
  EXPECT_EQ(log[1].reason, "spam");
}

TEST_F(Groups, ABanWithRemoveDataRemovesTheirPostsInThisCommunityOnly) {
  join_both();
  ASSERT_EQ(send(create_page("https://a.example/post/1", kAlice, group_id("garden"), "One")), 202);
  auto other = make_group("other");
  ASSERT_EQ(send(create_page("https://a.example/post/2", kAlice, group_id("other"), "Two")), 202);
  ASSERT_TRUE(communities_.set_moderator(dave_.id, garden_.actor.id, bob_.id, true).ok());
  json block = activity("Block", "https://b.example/blocks/1", kBob, kAlice);
  block["target"] = group_id("garden");
  block["removeData"] = true;
  block["summary"] = "spam";
  ASSERT_EQ(send(block, kBob, "/c/garden/inbox"), 202);
  EXPECT_EQ(membership(garden_, alice_.id).state, storage::MemberState::banned);
  EXPECT_TRUE(post_by_ap_id("https://a.example/post/1")->removed_at);
  EXPECT_FALSE(post_by_ap_id("https://a.example/post/2")->removed_at);
  (void)other;
}

TEST_F(Groups, ReportsReachTheModeratorsAndTheAuthorsServerOnly) {
  join_both();
  ASSERT_EQ(send(create_page("https://a.example/post/1", kAlice, group_id("garden"), "Rude")), 202);
  ASSERT_TRUE(communities_.set_moderator(dave_.id, garden_.actor.id, bob_.id, true).ok());
  sent();
  const auto rude = *post_by_ap_id("https://a.example/post/1");
  ASSERT_TRUE(communities_.report(erin_.id, rude.id, std::string("insults")).ok());
  const auto out = sent();
  const auto flags = of_type(out, "Announce", "Flag");
  std::set<std::string> inboxes;
  for (const auto& f : flags)
    inboxes.insert(f.inbox);
  // bob moderates (b.example); alice wrote it (a.example). No other follower gets it.
  EXPECT_EQ(inboxes, (std::set<std::string>{"https://a.example/inbox", "https://b.example/inbox"}));
  ASSERT_FALSE(flags.empty());
  EXPECT_EQ(flags[0].body["object"]["summary"], "insults");
  EXPECT_EQ(flags[0].body["object"]["to"], json::array({group_id("garden")}));
  EXPECT_EQ(outbox_count(garden_), 2);  // the Create and the Add: reports are not listed

  // Only moderators read and resolve them.
  EXPECT_EQ(communities_.reports(erin_.id, garden_.actor.id, true, {}).error().kind,
            core::ErrorKind::forbidden);
  auto open = communities_.reports(dave_.id, garden_.actor.id, true, {});
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].post_id, rude.id);
  EXPECT_EQ((*open)[0].target_actor_id, alice_.id);
  EXPECT_EQ((*open)[0].reporter_id, erin_.id);
  // A remote report (Lemmy's shape: to the group) lands in the same list.
  json flag = activity("Flag", "https://b.example/flags/1", kBob, rude.ap_id);
  flag["to"] = {group_id("garden")};
  flag["summary"] = "<p>also rude</p>";
  ASSERT_EQ(send(flag, kBob), 202);
  EXPECT_EQ(communities_.reports(dave_.id, garden_.actor.id, true, {})->size(), 2u);
  EXPECT_EQ(communities_.resolve_report(erin_.id, (*open)[0].id).error().kind,
            core::ErrorKind::forbidden);
  auto resolved = communities_.resolve_report(dave_.id, (*open)[0].id);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->resolved_by, dave_.id);
  EXPECT_EQ(communities_.reports(dave_.id, garden_.actor.id, true, {})->size(), 1u);
  EXPECT_EQ(modlog(garden_)[0].action, storage::ModerationAction::resolve_report);
}

TEST_F(Groups, PostingPolicyRefusalsStoreNothing) {
  outbox::CommunityInput mods_only;
  mods_only.posting_policy = storage::PostingPolicy::moderators;
  const auto news = make_group("news", mods_only);
  outbox::CommunityInput approval;
  approval.join_policy = storage::JoinPolicy::approval;
  const auto club = make_group("club", approval);
  ASSERT_EQ(send(activity("Follow", "https://a.example/follows/1", kAlice, group_id("news"))), 202);
  sent();

  // A member of a moderators-only community may not start a thread ...
  ASSERT_EQ(send(create_page("https://a.example/post/1", kAlice, group_id("news"), "Mine")), 202);
  EXPECT_FALSE(post_by_ap_id("https://a.example/post/1"));
  // ... nor may a non-member post in an approval community ...
  ASSERT_EQ(send(create_page("https://a.example/post/2", kAlice, group_id("club"), "Hi")), 202);
  EXPECT_FALSE(post_by_ap_id("https://a.example/post/2"));
  // ... and the same rules hold for local people.
  auto refused = communities_.post_thread(erin_.id, news.actor.id, {.title = "Mine"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, core::ErrorKind::forbidden);
  EXPECT_NE(refused.error().message.find("moderators"), std::string::npos);
  refused = communities_.post_thread(erin_.id, club.actor.id, {.title = "Hi"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, core::ErrorKind::forbidden);
  EXPECT_EQ(outbox_count(news), 0);
  EXPECT_EQ(outbox_count(club), 0);
  EXPECT_TRUE(sent().empty());
  EXPECT_TRUE(db_->read([&](storage::Tx& tx) { return tx.posts().list_by_author(erin_.id, {}); })
                  .value()
                  .empty());
  // Moderators may; comments are open to members in a moderators-only community.
  auto by_owner = communities_.post_thread(dave_.id, news.actor.id, {.title = "News"});
  ASSERT_TRUE(by_owner.ok());
  ASSERT_EQ(send(create_comment("https://a.example/comment/1", kAlice, group_id("news"),
                                by_owner->ap_id)),
            202);
  EXPECT_TRUE(post_by_ap_id("https://a.example/comment/1"));
  // Bad input is invalid_input: a thread without a title, a language the community does not take.
  EXPECT_EQ(communities_.post_thread(dave_.id, news.actor.id, {.title = " "}).error().kind,
            core::ErrorKind::invalid_input);
  outbox::CommunityInput french;
  french.languages = {"fr"};
  const auto cafe = make_group("cafe", french);
  EXPECT_EQ(communities_.post_thread(dave_.id, cafe.actor.id, {.title = "Hello", .language = "en"})
                .error()
                .kind,
            core::ErrorKind::invalid_input);
}

TEST_F(Groups, TheGroupAnnouncesOncePerFollowerInstanceWithTheActivityUnchanged) {
  // carol shares alice's instance (and its shared inbox).
  const std::string carol_id = "https://a.example/users/carol";
  resolver_.add(carol_id + "#main-key", carol_id,
                sig::PublicKey::from_pem(sig::testing::k_bob_public).value());
  const auto carol = add_remote(carol_id, "carol", "a.example");
  join_both();
  ASSERT_EQ(send(activity("Follow", "https://a.example/follows/c", carol_id, group_id("garden")),
                 carol_id),
            202);
  sent();

  const json create = create_page("https://b.example/post/7", kBob, group_id("garden"), "Seeds");
  ASSERT_EQ(send(create, kBob), 202);
  auto stored = post_by_ap_id("https://b.example/post/7");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->community_id, garden_.actor.id);
  EXPECT_EQ(stored->title, "Seeds");
  EXPECT_EQ(stored->content_source, "Body of Seeds");
  EXPECT_FALSE(stored->is_local);

  const auto out = sent();
  const auto wrapped = of_type(out, "Announce", "Create");
  ASSERT_EQ(wrapped.size(), 2u);
  std::set<std::string> inboxes;
  for (const auto& s : wrapped) {
    inboxes.insert(s.inbox);
    EXPECT_EQ(s.body["object"], create);  // byte for byte what bob sent
    EXPECT_EQ(s.body["actor"], group_id("garden"));
    EXPECT_EQ(s.body["to"], json::array({kPublic}));
    EXPECT_EQ(s.body["cc"], json::array({group_id("garden") + "/followers"}));
  }
  EXPECT_EQ(inboxes, (std::set<std::string>{"https://a.example/inbox", "https://b.example/inbox"}));
  // One activity, delivered to two inboxes: the same id.
  EXPECT_EQ(wrapped[0].body["id"], wrapped[1].body["id"]);
  // Mastodon-style followers get the bare Page announced too.
  const auto boosts = of_type(out, "Announce", "Page");
  ASSERT_EQ(boosts.size(), 2u);
  EXPECT_EQ(boosts[0].body["object"], create["object"]);
  EXPECT_EQ(outbox_count(garden_), 1);
  (void)carol;
}

TEST_F(Groups, LocalThreadsAndCommentsTakeTheSamePath) {
  join_both();
  auto thread = communities_.post_thread(
      erin_.id, garden_.actor.id,
      {.title = "Tomatoes", .markdown = "Grow **them**", .language = "en", .is_question = true});
  ASSERT_TRUE(thread.ok()) << thread.error().message;
  EXPECT_TRUE(thread->is_local);
  EXPECT_TRUE(thread->is_question);
  EXPECT_EQ(thread->ap_id, kOrigin + "/posts/" + core::to_string_id(thread->id));
  EXPECT_EQ(thread->content_source, "Grow **them**");
  EXPECT_NE(thread->content_html.find("<strong>them</strong>"), std::string::npos);
  auto comment = communities_.comment(dave_.id, thread->id, {.markdown = "Yes"});
  ASSERT_TRUE(comment.ok()) << comment.error().message;
  EXPECT_EQ(comment->thread_id, thread->id);
  EXPECT_EQ(comment->community_id, garden_.actor.id);

  const auto out = sent();
  const auto creates = of_type(out, "Announce", "Create");
  ASSERT_EQ(creates.size(), 4u);  // thread and comment, to two instances each
  const json& page = creates[0].body["object"]["object"];
  EXPECT_EQ(page["type"], "Page");
  EXPECT_EQ(page["name"], "Tomatoes");
  EXPECT_EQ(page["audience"], group_id("garden"));  // a string, as Lemmy requires
  EXPECT_EQ(creates[0].body["object"]["audience"], group_id("garden"));
  EXPECT_EQ(page["attributedTo"], kErin);
  EXPECT_EQ(page["source"]["content"], "Grow **them**");
  EXPECT_EQ(page["language"]["identifier"], "en");
  EXPECT_EQ(creates[0].body["object"]["cc"], json::array({group_id("garden")}));
  const json& note = creates[2].body["object"]["object"];
  EXPECT_EQ(note["type"], "Note");
  EXPECT_EQ(note["inReplyTo"], thread->ap_id);
  // A comment is not boosted as a bare object (Lemmy does not either).
  EXPECT_EQ(of_type(out, "Announce", "Page").size(), 2u);
  EXPECT_EQ(of_type(out, "Announce", "Note").size(), 0u);
}

TEST_F(Groups, MastodonNoteMentioningTheGroupBecomesAThreadTitledByItsFirstLine) {
  json note{
      {"id", "https://a.example/statuses/1"},
      {"type", "Note"},
      {"attributedTo", kAlice},
      {"to", {kPublic}},
      {"cc", {group_id("garden")}},
      {"content",
       "<p><span class=\"h-card\"><a href=\"https://us.example/c/garden\" "
       "class=\"u-url mention\">@<span>garden</span></a></span> Best compost?</p><p>I "
       "wonder.</p>"},
      {"tag",
       {{{"type", "Mention"}, {"href", group_id("garden")}, {"name", "@garden@us.example"}}}}};
  ASSERT_EQ(send(activity("Create", "https://a.example/statuses/1/activity", kAlice, note)), 202);
  auto stored = post_by_ap_id("https://a.example/statuses/1");
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->is_thread());
  EXPECT_EQ(stored->community_id, garden_.actor.id);
  EXPECT_EQ(stored->title, "Best compost?");
}

TEST_F(Groups, EditsKeepHistoryOnlyTheAuthorEditsAndDeleteTombstones) {
  join_both();
  ASSERT_EQ(send(create_page("https://a.example/post/1", kAlice, group_id("garden"), "First")),
            202);
  sent();
  json update = create_page("https://a.example/post/1", kAlice, group_id("garden"), "Second");
  update["type"] = "Update";
  update["id"] = "https://a.example/post/1/update";
  update["object"]["updated"] = "2026-03-01T12:00:00Z";
  ASSERT_EQ(send(update), 202);
  auto edited = post_by_ap_id("https://a.example/post/1");
  ASSERT_TRUE(edited);
  EXPECT_EQ(edited->title, "Second");
  auto history =
      db_->read([&](storage::Tx& tx) { return tx.posts().revisions(edited->id); }).value();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].title, "First");
  EXPECT_EQ(of_type(sent(), "Announce", "Update").size(), 2u);

  // bob cannot edit alice's post, not even through the group; a local non-author neither.
  json forged = update;
  forged["actor"] = kBob;
  forged["id"] = "https://b.example/forged";
  forged["object"]["name"] = "Forged";
  EXPECT_EQ(send(forged, kBob), 403);
  EXPECT_EQ(post_by_ap_id("https://a.example/post/1")->title, "Second");
  EXPECT_EQ(
      communities_.edit(erin_.id, edited->id, {.title = "Mine", .markdown = "x"}).error().kind,
      core::ErrorKind::forbidden);

  ASSERT_EQ(send(activity("Delete", "https://a.example/post/1/delete", kAlice,
                          "https://a.example/post/1")),
            202);
  auto gone = post_by_ap_id("https://a.example/post/1");
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->deleted_at.has_value());
  EXPECT_FALSE(gone->removed_at.has_value());
  const auto deletes = of_type(sent(), "Announce", "Delete");
  ASSERT_EQ(deletes.size(), 2u);
  EXPECT_FALSE(deletes[0].body["object"].contains("summary"));  // an author's deletion
}

TEST_F(Groups, ModeratorRemovalIsLoggedAnnouncedAndRestorable) {
  join_both();
  ASSERT_EQ(send(create_page("https://a.example/post/1", kAlice, group_id("garden"), "Ads")), 202);
  sent();
  const auto ads = *post_by_ap_id("https://a.example/post/1");
  // Not a moderator: refused, nothing changes.
  EXPECT_EQ(communities_.remove_post(erin_.id, ads.id, std::string("no")).error().kind,
            core::ErrorKind::forbidden);
  ASSERT_TRUE(communities_.remove_post(dave_.id, ads.id, std::string("advertising")).ok());
  auto removed = post_row(ads.id);
  EXPECT_TRUE(removed.removed_at.has_value());
  EXPECT_FALSE(removed.deleted_at.has_value());
  const auto announced = of_type(sent(), "Announce", "Delete");
  ASSERT_EQ(announced.size(), 2u);
  EXPECT_EQ(announced[0].body["object"]["summary"], "advertising");  // Lemmy: removal
  EXPECT_EQ(announced[0].body["object"]["actor"], kDave);
  ASSERT_TRUE(communities_.restore_post(dave_.id, ads.id).ok());
  EXPECT_FALSE(post_row(ads.id).removed_at.has_value());
  EXPECT_EQ(of_type(sent(), "Announce", "Undo").size(), 2u);
  const auto log = modlog(garden_);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].action, storage::ModerationAction::remove_post);
  EXPECT_EQ(log[1].reason, "advertising");
  EXPECT_EQ(log[1].target_post_id, ads.id);
  EXPECT_EQ(log[1].target_actor_id, alice_.id);
  EXPECT_EQ(log[0].action, storage::ModerationAction::restore_post);
  // A remote moderator's removal (Lemmy's Delete with summary) works the same way.
  ASSERT_TRUE(communities_.set_moderator(dave_.id, garden_.actor.id, bob_.id, true).ok());
  json removal = activity("Delete", "https://b.example/removals/1", kBob, ads.ap_id);
  removal["summary"] = "spam";
  removal["cc"] = {group_id("garden")};
  ASSERT_EQ(send(removal, kBob, "/c/garden/inbox"), 202);
  EXPECT_TRUE(post_row(ads.id).removed_at.has_value());
  EXPECT_EQ(modlog(garden_)[0].moderator_id, bob_.id);
}

TEST_F(Groups, VotesAndEmojiReactionsAndTheirUndo) {
  join_both();
  auto thread = communities_.post_thread(dave_.id, garden_.actor.id, {.title = "Vote"});
  ASSERT_TRUE(thread.ok());
  sent();
  const auto counts = [&] {
    return db_->read([&](storage::Tx& tx) { return tx.reactions().counts(thread->id); }).value();
  };
  json like = activity("Like", "https://a.example/likes/1", kAlice, thread->ap_id);
  like["audience"] = group_id("garden");
  ASSERT_EQ(send(like), 202);
  json dislike = activity("Dislike", "https://a.example/dislikes/1", kAlice, thread->ap_id);
  ASSERT_EQ(send(dislike), 202);
  auto c = counts();
  ASSERT_EQ(c.size(), 1u);  // the dislike replaced the like
  EXPECT_EQ(c[0].kind, storage::ReactionKind::dislike);
  json react = activity("EmojiReact", "https://a.example/reacts/1", kAlice, thread->ap_id);
  react["content"] = "🌱";
  ASSERT_EQ(send(react), 202);
  ASSERT_TRUE(communities_.react(erin_.id, thread->id, storage::ReactionKind::emoji, "🌱").ok());
  c = counts();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].kind, storage::ReactionKind::emoji);
  EXPECT_EQ(c[1].count, 2);
  const auto out = sent();
  EXPECT_EQ(of_type(out, "Announce", "Like").size(), 2u);
  EXPECT_EQ(of_type(out, "Announce", "Dislike").size(), 2u);
  EXPECT_EQ(of_type(out, "Announce", "EmojiReact").size(), 4u);
  // Undo by the embedded copy and by the local API.
  ASSERT_EQ(send(activity("Undo", "https://a.example/undos/1", kAlice, dislike)), 202);
  ASSERT_TRUE(communities_.unreact(erin_.id, thread->id, storage::ReactionKind::emoji, "🌱").ok());
  c = counts();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].count, 1);
  EXPECT_EQ(of_type(sent(), "Announce", "Undo").size(), 4u);
  // Someone else's reaction cannot be undone.
  EXPECT_EQ(
      send(activity("Undo", "https://b.example/undos/1", kBob, "https://a.example/reacts/1"), kBob),
      202);
  EXPECT_EQ(counts()[0].count, 1);
}

TEST_F(Groups, DeleteBeforeCreateLeavesNothingBehind) {
  join_both();
  json del =
      activity("Delete", "https://a.example/post/5/delete", kAlice, "https://a.example/post/5");
  del["cc"] = {group_id("garden")};
  ASSERT_EQ(send(del), 202);
  ASSERT_EQ(send(create_page("https://a.example/post/5", kAlice, group_id("garden"), "Late")), 202);
  EXPECT_FALSE(post_by_ap_id("https://a.example/post/5"));
  EXPECT_TRUE(sent().empty());
}

TEST_F(Groups, LockedThreadsRefuseCommentsUntilUnlocked) {
  join_both();
  auto thread = communities_.post_thread(dave_.id, garden_.actor.id, {.title = "Closed"});
  ASSERT_TRUE(thread.ok());
  ASSERT_TRUE(communities_.lock(dave_.id, thread->id, true).ok());
  EXPECT_TRUE(post_row(thread->id).locked);
  ASSERT_EQ(
      send(create_comment("https://b.example/comment/1", kBob, group_id("garden"), thread->ap_id),
           kBob),
      202);
  EXPECT_FALSE(post_by_ap_id("https://b.example/comment/1"));
  EXPECT_EQ(communities_.comment(erin_.id, thread->id, {.markdown = "hey"}).error().kind,
            core::ErrorKind::forbidden);
  // bob is no moderator: his Lock is refused.
  json lock = activity("Lock", "https://b.example/locks/1", kBob, thread->ap_id);
  EXPECT_EQ(send(activity("Undo", "https://b.example/undos/1", kBob, lock), kBob), 202);
  EXPECT_TRUE(post_row(thread->id).locked);
  ASSERT_TRUE(communities_.lock(dave_.id, thread->id, false).ok());
  ASSERT_EQ(
      send(create_comment("https://b.example/comment/2", kBob, group_id("garden"), thread->ap_id),
           kBob),
      202);
  EXPECT_TRUE(post_by_ap_id("https://b.example/comment/2"));
  const auto out = sent();
  EXPECT_EQ(of_type(out, "Announce", "Lock").size(), 2u);
  EXPECT_EQ(of_type(out, "Announce", "Undo").size(), 2u);
}

TEST_F(Groups, PinsAndRemoteModeratorsGoThroughTheCollections) {
  join_both();
  auto thread = communities_.post_thread(dave_.id, garden_.actor.id, {.title = "Read me"});
  ASSERT_TRUE(thread.ok());
  ASSERT_TRUE(communities_.pin(dave_.id, thread->id, true).ok());
  EXPECT_TRUE(post_row(thread->id).pinned);
  ASSERT_TRUE(communities_.set_moderator(dave_.id, garden_.actor.id, alice_.id, true).ok());
  EXPECT_EQ(membership(garden_, alice_.id).role, storage::MemberRole::moderator);
  const auto out = sent();
  const auto adds = of_type(out, "Announce", "Add");
  ASSERT_EQ(adds.size(), 4u);
  EXPECT_EQ(adds[0].body["object"]["target"], group_id("garden") + "/featured");
  EXPECT_EQ(adds[2].body["object"]["target"], group_id("garden") + "/moderators");
  EXPECT_EQ(adds[2].body["object"]["object"], kAlice);
  // The new remote moderator unpins through the featured collection.
  json remove = activity("Remove", "https://a.example/removes/1", kAlice, thread->ap_id);
  remove["target"] = group_id("garden") + "/featured";
  ASSERT_EQ(send(remove), 202);
  EXPECT_FALSE(post_row(thread->id).pinned);
  // bob is not one: his Add to the moderators collection is refused.
  json add = activity("Add", "https://b.example/adds/1", kBob, kBob);
  add["target"] = group_id("garden") + "/moderators";
  EXPECT_EQ(send(add, kBob), 202);
  EXPECT_EQ(membership(garden_, bob_.id).role, storage::MemberRole::member);
  const auto log = modlog(garden_);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].action, storage::ModerationAction::unpin);
  EXPECT_EQ(log[0].moderator_id, alice_.id);
  EXPECT_EQ(log[1].action, storage::ModerationAction::add_moderator);
  EXPECT_EQ(log[2].action, storage::ModerationAction::pin);
}

TEST_F(Groups, ModerationLogIsForMembersOfAPrivateCommunity) {
  outbox::CommunityInput input;
  input.visibility = storage::CommunityVisibility::private_;
  const auto team = make_group("team", input);
  auto thread = communities_.post_thread(dave_.id, team.actor.id, {.title = "Plans"});
  ASSERT_TRUE(thread.ok());
  ASSERT_TRUE(communities_.lock(dave_.id, thread->id, true).ok());
  EXPECT_EQ(communities_.moderation_log(erin_.id, team.actor.id, {}).error().kind,
            core::ErrorKind::forbidden);
  ASSERT_TRUE(communities_.join(erin_.id, team.actor.id).ok());
  ASSERT_TRUE(communities_.approve(dave_.id, team.actor.id, erin_.id).ok());
  auto log = communities_.moderation_log(erin_.id, team.actor.id, {});
  ASSERT_TRUE(log.ok()) << log.error().message;
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].action, storage::ModerationAction::approve_member);
  EXPECT_EQ((*log)[1].action, storage::ModerationAction::lock);
  // A private community's Announces go to its followers only, never Public.
  ASSERT_EQ(send(activity("Follow", "https://a.example/follows/1", kAlice, group_id("team"))), 202);
  ASSERT_TRUE(communities_.approve(dave_.id, team.actor.id, alice_.id).ok());
  sent();
  ASSERT_TRUE(communities_.lock(dave_.id, thread->id, false).ok());
  ASSERT_TRUE(communities_.comment(erin_.id, thread->id, {.markdown = "ok"}).ok());
  for (const auto& s : of_type(sent(), "Announce")) {
    EXPECT_EQ(s.body["to"], json::array({group_id("team") + "/followers"}));
    EXPECT_FALSE(s.body.contains("cc"));
    EXPECT_EQ(s.body.dump().find(kPublic), std::string::npos);
  }
}

TEST_F(Groups, SettingsUpdateIsAnnouncedAsUpdateGroup) {
  join_both();
  outbox::CommunitySettingsInput change;
  change.title = "The Secret Garden";
  change.description = "All about *plants*";
  change.rules = std::vector<std::string>{"Be kind"};
  EXPECT_EQ(communities_.update_settings(erin_.id, garden_.actor.id, change).error().kind,
            core::ErrorKind::forbidden);
  auto updated = communities_.update_settings(dave_.id, garden_.actor.id, change);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->actor.display_name, "The Secret Garden");
  EXPECT_NE(updated->community.description_html.find("<em>plants</em>"), std::string::npos);
  const auto out = of_type(sent(), "Announce", "Update");
  ASSERT_EQ(out.size(), 2u);
  const json& group = out[0].body["object"]["object"];
  EXPECT_EQ(group["type"], "Group");
  EXPECT_EQ(group["name"], "The Secret Garden");
  EXPECT_EQ(out[0].body["object"]["actor"], kDave);
  EXPECT_EQ(modlog(garden_)[0].action, storage::ModerationAction::update_community);
}

TEST_F(Groups, RemoteCommunitiesAndBadInputAreClearErrors) {
  storage::RemoteActorForm form;
  form.ap_id = "https://a.example/c/elsewhere";
  form.kind = storage::ActorKind::group;
  form.handle = "elsewhere";
  form.domain = "a.example";
  form.inbox_url = form.ap_id + "/inbox";
  auto remote = db_->transact([&](storage::Tx& tx) {
                     return tx.communities().upsert_remote(form, storage::CommunitySettings{});
                   })
                    .value();
  auto r = communities_.post_thread(dave_.id, remote.actor.id, {.title = "x"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, core::ErrorKind::invalid_input);
  EXPECT_NE(r.error().message.find("another instance"), std::string::npos);
  EXPECT_EQ(communities_.create(dave_.id, {.handle = "Bad Handle", .title = "x"}).error().kind,
            core::ErrorKind::invalid_input);
  EXPECT_EQ(communities_.create(dave_.id, {.handle = "dave", .title = "x"}).error().kind,
            core::ErrorKind::already_exists);
  EXPECT_EQ(communities_.create(dave_.id, {.handle = "ok", .title = ""}).error().kind,
            core::ErrorKind::invalid_input);
  EXPECT_EQ(communities_.react(dave_.id, 1, storage::ReactionKind::emoji, "").error().kind,
            core::ErrorKind::invalid_input);
  // The owner cannot leave (someone must manage the community).
  EXPECT_EQ(communities_.leave(dave_.id, garden_.actor.id).error().kind,
            core::ErrorKind::forbidden);
}

TEST_F(Groups, OutboxListsTheGroupsAnnouncesOfNewContentNewestFirstAndPaged) {
  std::vector<std::string> titles;
  for (int i = 0; i < 22; ++i) {
    auto t = communities_.post_thread(dave_.id, garden_.actor.id,
                                      {.title = "Thread " + std::to_string(i)});
    ASSERT_TRUE(t.ok());
    if (i == 0) {
      ASSERT_TRUE(communities_.react(dave_.id, t->id, storage::ReactionKind::like).ok());
    }
  }
  auto front =
      db_->read([&](storage::Tx& tx) { return discovery::group_outbox(tx, garden_, std::nullopt); })
          .value();
  EXPECT_EQ(front["type"], "OrderedCollection");
  EXPECT_EQ(front["totalItems"], 22);  // the Like is announced but not listed
  ASSERT_EQ(front["orderedItems"].size(), 20u);
  EXPECT_EQ(front["orderedItems"][0]["type"], "Announce");
  EXPECT_EQ(front["orderedItems"][0]["object"]["object"]["name"], "Thread 21");
  EXPECT_FALSE(front["orderedItems"][0].contains("@context"));
  EXPECT_EQ(front["first"], group_id("garden") + "/outbox?page=1");
  auto second = db_->read([&](storage::Tx& tx) {
                     return discovery::group_outbox(tx, garden_, std::int64_t{2});
                   })
                    .value();
  EXPECT_EQ(second["type"], "OrderedCollectionPage");
  ASSERT_EQ(second["orderedItems"].size(), 2u);
  EXPECT_EQ(second["orderedItems"][1]["object"]["object"]["name"], "Thread 0");
  EXPECT_FALSE(second.contains("next"));
  // A local-only community's outbox shows nothing. (A private one's is served to member
  // instances only: the route decides, routes/signed_fetch.hpp.)
  outbox::CommunityInput input;
  input.visibility = storage::CommunityVisibility::local_only;
  const auto team = make_group("team", input);
  ASSERT_TRUE(communities_.post_thread(dave_.id, team.actor.id, {.title = "Secret"}).ok());
  auto hidden =
      db_->read([&](storage::Tx& tx) { return discovery::group_outbox(tx, team, std::nullopt); })
          .value();
  EXPECT_EQ(hidden["totalItems"], 0);
  EXPECT_TRUE(hidden["orderedItems"].empty());
}

}  // namespace
}  // namespace guildhall::federation::groups::testing
