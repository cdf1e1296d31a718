#pragma once

// Conformance of the community API's reads (community_queries.hpp, migration 0009) on every
// backend: the directory, thread sorts, the home feed's read markers and the insights figures,
// from fixed data under a manual clock.

#include "conformance.hpp"

namespace guildhall::storage::testing {

template <typename Backend>
class CommunityQueriesConformance : public StorageConformance<Backend> {
 protected:
  // 2026-11-20T12:00:00Z: day 20412 since the epoch.
  static constexpr std::int64_t kStartMillis = 1'763'640'000'000;

  void SetUp() override {
    StorageConformance<Backend>::SetUp();
    if (!this->db_)
      return;
    // Reopened with a manual clock, so created_at values (memberships, reactions) are fixed.
    this->db_.reset();
    auto options = StorageConformance<Backend>::options();
    options.clock = &clock_;
    auto db = open_database(this->url_, options);
    ASSERT_TRUE(db.ok()) << db.error().message;
    this->db_ = std::move(*db);
  }

  static TimePoint at(std::int64_t offset_minutes) {
    return TimePoint(std::chrono::milliseconds(kStartMillis)) +
           std::chrono::minutes(offset_minutes);
  }

  Post thread(Id author, Id community, const std::string& title, TimePoint published,
              bool question = false) {
    auto p = new_thread(author, community, title);
    p.published_at = published;
    p.is_question = question;
    return this->tx([&](Tx& t) { return t.posts().create(p); }).value();
  }
  Post comment(Id author, Id parent, const std::string& name, TimePoint published) {
    auto p = new_comment(author, parent, name);
    p.published_at = published;
    return this->tx([&](Tx& t) { return t.posts().create(p); }).value();
  }
  void join(Id community, Id person, MemberState state = MemberState::accepted) {
    ASSERT_OK(this->tx([&](Tx& t) {
      return t.memberships().create({.community_id = community,
                                     .actor_id = person,
                                     .role = MemberRole::member,
                                     .state = state,
                                     .follow_ap_id = std::nullopt});
    }));
  }
  void react(Id post, Id actor, ReactionKind kind, const std::string& emoji = {}) {
    ASSERT_OK(this->tx([&](Tx& t) {
      return t.reactions().add({.post_id = post,
                                .actor_id = actor,
                                .kind = kind,
                                .emoji = emoji,
                                .emoji_icon_url = std::nullopt,
                                .ap_id = std::nullopt});
    }));
  }
  std::vector<ThreadSummary> threads(const ThreadQuery& q) {
    return this->db_->read([&](Tx& t) { return t.community_queries().threads(q); }).value();
  }
  static std::vector<std::string> titles(const std::vector<ThreadSummary>& list) {
    std::vector<std::string> out;
    for (const auto& s : list)
      out.push_back(s.post.title.value_or(""));
    return out;
  }

  core::ManualClock clock_{at(0)};
};

TYPED_TEST_SUITE_P(CommunityQueriesConformance);

TYPED_TEST_P(CommunityQueriesConformance, DirectoryFiltersByTextScopeLanguageAndMembership) {
  const auto olga = this->user("olga");
  const auto pia = this->user("pia");
  const auto garden = this->community("garden", olga.actor.id);
  const auto kitchen = this->community("kitchen", olga.actor.id);
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.communities().update(kitchen.actor.id,
                                  {.title = std::optional<std::string>("Cooking Club"),
                                   .languages = std::vector<std::string>{"de"}});
  }));
  this->join(garden.actor.id, pia.actor.id);
  auto remote_form = remote_person("rust", "lemmy.test");
  remote_form.kind = ActorKind::group;
  ASSERT_OK(this->tx([&](Tx& t) { return t.communities().upsert_remote(remote_form, {}); }));

  auto names = [&](const DirectoryQuery& q) {
    std::vector<std::string> out;
    for (const auto& c :
         this->db_->read([&](Tx& t) { return t.community_queries().directory(q); }).value())
      out.push_back(c.actor.handle);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names({.viewer_id = pia.actor.id}), (V{"rust", "kitchen", "garden"}));
  EXPECT_EQ(names({.viewer_id = pia.actor.id, .text = "COOKING"}), (V{"kitchen"}));
  EXPECT_EQ(names({.viewer_id = pia.actor.id, .text = "about **gar"}), (V{"garden"}));
  EXPECT_EQ(names({.viewer_id = pia.actor.id, .text = "100%"}), V{});
  EXPECT_EQ(names({.viewer_id = pia.actor.id, .scope = CommunityScope::remote}), (V{"rust"}));
  EXPECT_EQ(names({.viewer_id = pia.actor.id, .scope = CommunityScope::local}),
            (V{"kitchen", "garden"}));
  // A community that lists no language accepts any.
  EXPECT_EQ(names({.viewer_id = pia.actor.id, .language = "de"}), (V{"rust", "kitchen"}));
  EXPECT_EQ(names({.viewer_id = pia.actor.id, .membership = DirectoryMembership::joined}),
            (V{"garden"}));
  EXPECT_EQ(names({.viewer_id = pia.actor.id, .membership = DirectoryMembership::managed}), V{});
  EXPECT_EQ(names({.viewer_id = olga.actor.id, .membership = DirectoryMembership::managed}),
            (V{"kitchen", "garden"}));
  EXPECT_EQ(names({.viewer_id = pia.actor.id, .page = {.before = kitchen.actor.id, .limit = 5}}),
            (V{"garden"}));
}

TYPED_TEST_P(CommunityQueriesConformance, ThreadsSortByNewActiveAndTopWithPinnedFirst) {
  const auto olga = this->user("olga");
  const auto pia = this->user("pia");
  const auto garden = this->community("garden", olga.actor.id);
  const Id g = garden.actor.id;
  const auto first = this->thread(olga.actor.id, g, "first", this->at(0));
  const auto second = this->thread(olga.actor.id, g, "second", this->at(10));
  const auto third = this->thread(olga.actor.id, g, "third", this->at(20));
  const auto pinned = this->thread(olga.actor.id, g, "pinned", this->at(5));
  const auto removed = this->thread(olga.actor.id, g, "removed", this->at(30));
  const auto gone = this->thread(olga.actor.id, g, "gone", this->at(31));
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().set_pinned(pinned.id, true); }));
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().set_removed(removed.id, true); }));
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().soft_delete(gone.id); }));
  // The first thread has the latest comment; a deleted comment does not count.
  this->comment(pia.actor.id, first.id, "late", this->at(40));
  const auto deleted = this->comment(pia.actor.id, second.id, "deleted", this->at(50));
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().soft_delete(deleted.id); }));
  this->react(second.id, pia.actor.id, ReactionKind::like);
  this->react(second.id, olga.actor.id, ReactionKind::like);
  this->react(third.id, pia.actor.id, ReactionKind::dislike);

  using V = std::vector<std::string>;
  ThreadQuery q{.community_id = g};
  EXPECT_EQ(this->titles(this->threads(q)), (V{"pinned", "third", "second", "first"}));
  q.include_removed = true;
  EXPECT_EQ(this->titles(this->threads(q)), (V{"pinned", "removed", "third", "second", "first"}));
  q.include_removed = false;
  q.sort = ThreadSort::active;
  const auto active = this->threads(q);
  EXPECT_EQ(this->titles(active), (V{"pinned", "first", "third", "second"}));
  EXPECT_EQ(active[1].comment_count, 1);
  EXPECT_EQ(active[1].last_activity_at, this->at(40));
  EXPECT_EQ(active[3].comment_count, 0);
  EXPECT_EQ(active[3].last_activity_at, this->at(10));
  q.sort = ThreadSort::top;
  const auto top = this->threads(q);
  EXPECT_EQ(this->titles(top), (V{"pinned", "second", "first", "third"}));
  EXPECT_EQ(top[1].score, 2);
  EXPECT_EQ(top[3].score, -1);
  // The top period, and paging: pinned threads lead the first page only.
  q.published_since = this->at(10);
  EXPECT_EQ(this->titles(this->threads(q)), (V{"second", "third"}));
  q.published_since.reset();
  q.page.limit = 2;
  EXPECT_EQ(this->titles(this->threads(q)), (V{"pinned", "second", "first"}));
  q.offset = 2;
  EXPECT_EQ(this->titles(this->threads(q)), (V{"third"}));
  ThreadQuery newest{.community_id = g, .page = {.before = third.id, .limit = 10}};
  EXPECT_EQ(this->titles(this->threads(newest)), (V{"second", "first"}));
  EXPECT_ERROR(this->db_->read([&](Tx& t) {
    return t.community_queries().threads({.community_id = g, .member_id = olga.actor.id});
  }),
               invalid_input);
}

TYPED_TEST_P(CommunityQueriesConformance, HomeFeedCoversJoinedCommunitiesWithReadMarkers) {
  const auto olga = this->user("olga");
  const auto pia = this->user("pia");
  const auto garden = this->community("garden", olga.actor.id);
  const auto kitchen = this->community("kitchen", olga.actor.id);
  auto remote_form = remote_person("rust", "lemmy.test");
  remote_form.kind = ActorKind::group;
  const auto rust =
      this->tx([&](Tx& t) { return t.communities().upsert_remote(remote_form, {}); }).value();
  this->join(garden.actor.id, pia.actor.id);
  this->join(rust.actor.id, pia.actor.id);
  this->join(kitchen.actor.id, pia.actor.id, MemberState::pending);
  const auto remote_author = this->remote("ferris", "lemmy.test");
  const auto tulips = this->thread(olga.actor.id, garden.actor.id, "tulips", this->at(0));
  this->thread(olga.actor.id, kitchen.actor.id, "soup", this->at(1));
  auto remote_thread = new_thread(remote_author.id, rust.actor.id, "borrowck");
  remote_thread.ap_id = "https://lemmy.test/post/1";
  remote_thread.is_local = false;
  remote_thread.published_at = this->at(2);
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().create(remote_thread); }));
  this->thread(pia.actor.id, garden.actor.id, "mine", this->at(3));

  using V = std::vector<std::string>;
  ThreadQuery home{.member_id = pia.actor.id, .reader_id = pia.actor.id};
  auto feed = this->threads(home);
  ASSERT_EQ(this->titles(feed), (V{"mine", "borrowck", "tulips"}));
  EXPECT_FALSE(feed[0].unread);  // one's own thread
  EXPECT_TRUE(feed[1].unread);
  EXPECT_TRUE(feed[2].unread);
  EXPECT_FALSE(feed[2].read_at.has_value());

  this->clock_.set(this->at(60));
  auto read_at =
      this->tx([&](Tx& t) { return t.community_queries().mark_read(pia.actor.id, tulips.id); });
  ASSERT_OK(read_at);
  EXPECT_EQ(*read_at, this->at(60));
  feed = this->threads(home);
  EXPECT_FALSE(feed[2].unread);
  EXPECT_EQ(feed[2].read_at, this->at(60));
  // A comment by someone else after reading makes it unread again; one's own does not.
  this->comment(olga.actor.id, tulips.id, "news", this->at(61));
  this->comment(pia.actor.id, tulips.id, "reply", this->at(62));
  feed = this->threads(home);
  EXPECT_TRUE(feed[2].unread);
  EXPECT_EQ(feed[2].new_comments, 1);
  home.unread_only = true;
  EXPECT_EQ(this->titles(this->threads(home)), (V{"borrowck", "tulips"}));
  // Marking again moves the marker; a comment cannot be marked as a thread.
  this->clock_.set(this->at(70));
  ASSERT_OK(
      this->tx([&](Tx& t) { return t.community_queries().mark_read(pia.actor.id, tulips.id); }));
  EXPECT_EQ(this->titles(this->threads(home)), (V{"borrowck"}));
  const auto one =
      this->db_->read([&](Tx& t) { return t.community_queries().thread(tulips.id, pia.actor.id); });
  ASSERT_OK(one);
  EXPECT_EQ(one->comment_count, 2);
  EXPECT_FALSE(one->unread);
  const auto comments =
      this->db_->read([&](Tx& t) { return t.posts().list_thread(tulips.id, {}); }).value();
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.community_queries().mark_read(pia.actor.id, comments.front().id);
  }),
               not_found);
  EXPECT_ERROR(this->db_->read([&](Tx& t) {
    return t.community_queries().thread(comments.front().id, std::nullopt);
  }),
               not_found);
}

TYPED_TEST_P(CommunityQueriesConformance, InsightsFromFixedData) {
  const auto olga = this->user("olga");  // owner, joined on day 0 (the fixture's start)
  const auto garden = this->community("garden", olga.actor.id);
  const Id g = garden.actor.id;
  const auto pia = this->user("pia");
  const auto remote_a = this->remote("ann", "partner.test");
  const auto remote_b = this->remote("ben", "partner.test");
  const auto waiting = this->user("wanda");
  constexpr std::int64_t kDay = 24 * 60;
  this->clock_.set(this->at(kDay));  // day 1
  this->join(g, pia.actor.id);
  this->join(g, waiting.actor.id, MemberState::pending);
  this->clock_.set(this->at(3 * kDay));  // day 3
  this->join(g, remote_a.id);
  this->join(g, remote_b.id);

  // Questions: one answered after 30 minutes, one after 90 (median 60), one answered only by its
  // asker (unanswered), one with an accepted answer; a plain thread.
  const auto q1 = this->thread(pia.actor.id, g, "q1", this->at(kDay), true);
  this->comment(olga.actor.id, q1.id, "a1", this->at(kDay + 30));
  const auto q2 = this->thread(pia.actor.id, g, "q2", this->at(2 * kDay), true);
  this->comment(pia.actor.id, q2.id, "self", this->at(2 * kDay + 5));
  const auto q3 = this->thread(olga.actor.id, g, "q3", this->at(3 * kDay), true);
  const auto a3 = this->comment(remote_a.id, q3.id, "a3", this->at(3 * kDay + 90));
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().set_accepted_answer(q3.id, a3.id); }));
  this->thread(olga.actor.id, g, "plain", this->at(3 * kDay + 100));

  this->clock_.set(this->at(3 * kDay + 200));
  this->react(q1.id, remote_a.id, ReactionKind::like);
  this->react(q1.id, remote_b.id, ReactionKind::emoji, "🎉");
  this->react(q3.id, pia.actor.id, ReactionKind::dislike);

  // Now: day 3 (+ 4 hours); four days of figures.
  this->clock_.set(this->at(3 * kDay + 240));
  auto insights = this->db_->read(
      [&](Tx& t) { return t.community_queries().insights(g, this->at(3 * kDay + 240), 4); });
  ASSERT_OK(insights);
  const auto& in = *insights;
  EXPECT_EQ(in.members_total, 4);
  EXPECT_EQ(in.members_before_range, 0);
  ASSERT_EQ(in.days.size(), 4u);
  const std::int64_t day0 = this->kStartMillis / 86'400'000;
  EXPECT_EQ(in.days[0].day, day0);
  EXPECT_EQ(in.days[0].joined, 1);  // the owner
  EXPECT_EQ(in.days[1].joined, 1);  // pia; wanda is still pending
  EXPECT_EQ(in.days[2].joined, 0);
  EXPECT_EQ(in.days[3].joined, 2);
  EXPECT_EQ(in.days[1].threads, 1);
  EXPECT_EQ(in.days[1].comments, 1);
  EXPECT_EQ(in.days[2].threads, 1);
  EXPECT_EQ(in.days[2].comments, 1);
  EXPECT_EQ(in.days[3].threads, 2);
  EXPECT_EQ(in.days[3].comments, 1);
  EXPECT_EQ(in.days[3].reactions, 3);
  EXPECT_EQ(in.days[0].reactions, 0);
  // Active in the last 24 hours: olga (plain), ann (a3, reactions), ben and pia (reactions).
  EXPECT_EQ(in.active_day, 4);
  EXPECT_EQ(in.active_week, 4);
  ASSERT_EQ(in.reactions.size(), 3u);
  EXPECT_EQ(in.reactions[0].kind, ReactionKind::dislike);
  EXPECT_EQ(in.reactions[1].kind, ReactionKind::emoji);
  EXPECT_EQ(in.reactions[1].emoji, "🎉");
  EXPECT_EQ(in.reactions[2].kind, ReactionKind::like);
  EXPECT_EQ(in.questions.total, 3);
  EXPECT_EQ(in.questions.answered, 2);
  EXPECT_EQ(in.questions.accepted, 1);
  ASSERT_TRUE(in.questions.median_seconds_to_first_answer.has_value());
  EXPECT_EQ(*in.questions.median_seconds_to_first_answer, 60 * 60);
  ASSERT_EQ(in.questions.oldest_unanswered.size(), 1u);
  EXPECT_EQ(in.questions.oldest_unanswered[0].id, q2.id);
  ASSERT_EQ(in.members_by_instance.size(), 2u);
  // Two here and two on the partner: a tie puts this instance first.
  EXPECT_FALSE(in.members_by_instance[0].host.has_value());
  EXPECT_EQ(in.members_by_instance[0].members, 2);
  EXPECT_EQ(in.members_by_instance[1].host, "partner.test");
  EXPECT_EQ(in.members_by_instance[1].members, 2);

  // A range that starts after the first joins counts them as before it.
  auto later = this->db_->read(
      [&](Tx& t) { return t.community_queries().insights(g, this->at(3 * kDay + 240), 2); });
  ASSERT_OK(later);
  EXPECT_EQ(later->members_before_range, 2);
  EXPECT_ERROR(
      this->db_->read([&](Tx& t) { return t.community_queries().insights(g, this->at(0), 0); }),
      invalid_input);
}

REGISTER_TYPED_TEST_SUITE_P(CommunityQueriesConformance,
                            DirectoryFiltersByTextScopeLanguageAndMembership,
                            ThreadsSortByNewActiveAndTopWithPinnedFirst,
                            HomeFeedCoversJoinedCommunitiesWithReadMarkers, InsightsFromFixedData);

}  // namespace guildhall::storage::testing
