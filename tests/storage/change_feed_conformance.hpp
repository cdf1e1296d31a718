#pragma once

// Conformance of the change feed (changes.hpp): committed changes reach subscribers, rolled-back
// transactions and undone savepoints do not; on PostgreSQL a second Database on the same
// database (standing in for a second process) sees them too.

#include <condition_variable>

#include "client_api_conformance.hpp"

namespace guildhall::storage::testing {

// Collects changes from any thread; waits for them with a deadline.
class ChangeCollector {
 public:
  ChangeListener listener() {
    return [this](const Change& change) {
      std::lock_guard lock(mutex_);
      changes_.push_back(change);
      arrived_.notify_all();
    };
  }
  std::vector<Change> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(changes_, {});
  }
  // Waits until `change` arrived (true) or the deadline passed.
  bool wait_for(const Change& change, std::chrono::seconds deadline = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, deadline, [&] {
      return std::find(changes_.begin(), changes_.end(), change) != changes_.end();
    });
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Change> changes_;
};

template <typename Backend>
class ChangeFeedConformance : public ClientApiConformance<Backend> {};

TYPED_TEST_SUITE_P(ChangeFeedConformance);

TYPED_TEST_P(ChangeFeedConformance, CommittedChangesAreFedInOrder) {
  ChangeCollector feed;
  auto subscription = this->db_->subscribe_changes(feed.listener());
  ASSERT_OK(subscription);
  const auto alice = this->user("alice");
  const auto bob = this->user("bob");
  const Post thread = this->post(alice.actor.id, "thread");
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.posts().update(thread.id, {.content_html = std::string("<p>edited</p>")});
  }));
  auto like = this->tx(
      [&](Tx& t) { return t.reactions().add({.post_id = thread.id, .actor_id = bob.actor.id}); });
  ASSERT_OK(like);
  // The streaming API asks what the new row notifies, by the same derivation as the list.
  auto caused = this->tx([&](Tx& t) { return t.client_api().notifications_caused_by(like->id); });
  ASSERT_OK(caused);
  ASSERT_EQ(caused->size(), 1u);
  EXPECT_EQ(caused->front().first, alice.actor.id);
  EXPECT_EQ(caused->front().second.type, "favourite");
  EXPECT_EQ(caused->front().second.from_actor_id, bob.actor.id);
  EXPECT_TRUE(this->tx([&](Tx& t) { return t.client_api().notifications_caused_by(thread.id); })
                  .value()
                  .empty());  // a thread, not a reply: nobody to notify
  // Idempotent repeats change nothing, so they feed nothing.
  ASSERT_OK(this->tx(
      [&](Tx& t) { return t.reactions().add({.post_id = thread.id, .actor_id = bob.actor.id}); }));
  auto follow = this->tx([&](Tx& t) {
    return t.follows().create(bob.actor.id, alice.actor.id, FollowState::accepted, std::nullopt);
  });
  ASSERT_OK(follow);
  auto boost = this->tx([&](Tx& t) {
    return t.client_api().add_reblog(bob.actor.id, thread.id, "https://ex/boost/1");
  });
  ASSERT_OK(boost);
  ASSERT_OK(this->tx([&](Tx& t) {  // boosting again keeps the boost: no change
    return t.client_api().add_reblog(bob.actor.id, thread.id, "https://ex/boost/2");
  }));
  auto boosted = this->tx([&](Tx& t) { return t.client_api().notifications_caused_by(boost->id); });
  ASSERT_OK(boosted);
  ASSERT_EQ(boosted->size(), 1u);
  EXPECT_EQ(boosted->front().second.type, "reblog");
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().soft_delete(thread.id); }));
  const OAuthApp app = this->app("client-feed");
  auto token = this->tx([&](Tx& t) {
    return t.oauth().create_token(
        {.token_hash = "feed-token", .app_id = app.id, .user_id = alice.actor.id});
  });
  ASSERT_OK(token);
  ASSERT_OK(this->tx([&](Tx& t) { return t.oauth().revoke_token("feed-token", app.id); }));

  // Local changes are published before transact() returns.
  EXPECT_EQ(feed.take(), (std::vector<Change>{{ChangeKind::post_created, thread.id},
                                              {ChangeKind::post_edited, thread.id},
                                              {ChangeKind::reaction_added, like->id},
                                              {ChangeKind::follow_created, follow->id},
                                              {ChangeKind::reblog_created, boost->id},
                                              {ChangeKind::post_deleted, thread.id},
                                              {ChangeKind::token_revoked, token->id}}));
  this->db_->unsubscribe_changes(*subscription);
  this->post(alice.actor.id, "unseen");
  EXPECT_TRUE(feed.take().empty());
}

TYPED_TEST_P(ChangeFeedConformance, ModerationEntriesAndReportsAreFed) {
  ChangeCollector feed;
  auto subscription = this->db_->subscribe_changes(feed.listener());
  ASSERT_OK(subscription);
  const auto alice = this->user("alice");
  const auto bob = this->user("bob");
  const auto guild = this->community("guild", alice.actor.id);
  auto approved = this->tx([&](Tx& t) {
    return t.moderation_log().add({.community_id = guild.actor.id,
                                   .moderator_id = alice.actor.id,
                                   .action = ModerationAction::approve_member,
                                   .target_actor_id = bob.actor.id,
                                   .target_post_id = std::nullopt,
                                   .reason = std::nullopt,
                                   .expires_at = std::nullopt});
  });
  ASSERT_OK(approved);
  auto report = this->tx([&](Tx& t) {
    return t.community_reports().add({.community_id = guild.actor.id,
                                      .reporter_id = bob.actor.id,
                                      .post_id = std::nullopt,
                                      .target_actor_id = alice.actor.id,
                                      .ap_id = std::nullopt,
                                      .reason = std::nullopt});
  });
  ASSERT_OK(report);
  // The join decision and the report notify people: the streaming API hears of both.
  EXPECT_EQ(feed.take(), (std::vector<Change>{{ChangeKind::moderation_logged, approved->id},
                                              {ChangeKind::report_filed, report->id}}));
  this->db_->unsubscribe_changes(*subscription);
}

TYPED_TEST_P(ChangeFeedConformance, RolledBackChangesAreNotFed) {
  const auto alice = this->user("alice");
  ChangeCollector feed;
  ASSERT_OK(this->db_->subscribe_changes(feed.listener()));
  // The whole transaction fails.
  auto failed = this->tx([&](Tx& t) -> core::Result<void> {
    if (auto p = t.posts().create(new_thread(alice.actor.id, {}, "rolled-back")); !p)
      return std::move(p).error();
    return core::Error::conflict("changed my mind");
  });
  EXPECT_ERROR(failed, conflict);
  // One write fails (its savepoint is undone), the transaction goes on and commits.
  Id kept = 0;
  ASSERT_OK(this->tx([&](Tx& t) -> core::Result<void> {
    auto orphan = new_comment(alice.actor.id, 999'999, "orphan");
    EXPECT_FALSE(t.posts().create(orphan).ok());
    auto p = t.posts().create(new_thread(alice.actor.id, {}, "kept"));
    if (!p)
      return std::move(p).error();
    kept = p->id;
    return {};
  }));
  EXPECT_EQ(feed.take(), (std::vector<Change>{{ChangeKind::post_created, kept}}));
}

TYPED_TEST_P(ChangeFeedConformance, OtherProcessesSeeChangesOnPostgresOnly) {
  auto other = open_database(this->url_, this->options());
  ASSERT_OK(other);
  ChangeCollector remote_feed;
  ASSERT_OK((*other)->subscribe_changes(remote_feed.listener()));
  ChangeCollector local_feed;
  ASSERT_OK(this->db_->subscribe_changes(local_feed.listener()));
  const auto alice = this->user("alice");
  const Post p = this->post(alice.actor.id, "shared");
  const Change created{ChangeKind::post_created, p.id};
  EXPECT_EQ(local_feed.take(), std::vector<Change>{created});  // once: its own NOTIFY is skipped
  if (this->db_->backend() == Backend::postgres) {
    EXPECT_TRUE(remote_feed.wait_for(created));
    // And the other way round.
    auto q = (*other)->transact(
        [&](Tx& t) { return t.posts().create(new_thread(alice.actor.id, {}, "from-other")); });
    ASSERT_OK(q);
    EXPECT_TRUE(local_feed.wait_for({ChangeKind::post_created, q->id}));
  } else {
    // SQLite is one process: a second handle on the file is not told (docs/architecture.md).
    EXPECT_TRUE(remote_feed.take().empty());
  }
}

REGISTER_TYPED_TEST_SUITE_P(ChangeFeedConformance, CommittedChangesAreFedInOrder,
                            ModerationEntriesAndReportsAreFed, RolledBackChangesAreNotFed,
                            OtherProcessesSeeChangesOnPostgresOnly);

}  // namespace guildhall::storage::testing
