#pragma once

// Conformance of the hosted-community records (community_log.hpp, migration 0003) on every
// backend; instantiated next to StorageConformance in sqlite_test.cpp and postgres_test.cpp.

#include "conformance.hpp"

namespace guildhall::storage::testing {

template <typename Backend>
class CommunityLogConformance : public StorageConformance<Backend> {};

TYPED_TEST_SUITE_P(CommunityLogConformance);

TYPED_TEST_P(CommunityLogConformance, OutboxKeepsAnnouncesNewestFirstAndFiltersByKind) {
  const auto owner = this->user("olga");
  const auto group = this->community("garden", owner.actor.id);
  const auto other = this->community("kitchen", owner.actor.id);
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i) {
    auto added = this->tx([&](Tx& t) {
      return t.community_outbox().add({.id = std::nullopt,
                                       .community_id = group.actor.id,
                                       .ap_id = kLocal + "/activities/a" + std::to_string(i),
                                       .kind = i % 2 == 0 ? "Create" : "Like",
                                       .payload = "{\"n\":" + std::to_string(i) + "}"});
    });
    ASSERT_OK(added);
    EXPECT_EQ(added->kind, i % 2 == 0 ? "Create" : "Like");
    ids.push_back(added->id);
  }
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.community_outbox().add({.id = std::nullopt,
                                     .community_id = other.actor.id,
                                     .ap_id = kLocal + "/activities/other",
                                     .kind = "Create",
                                     .payload = "{}"});
  }));
  auto all = this->db_->read(
      [&](Tx& t) { return t.community_outbox().list(group.actor.id, std::nullopt, {.limit = 3}); });
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, ids[4]);
  EXPECT_EQ((*all)[0].payload, "{\"n\":4}");
  EXPECT_EQ((*all)[2].id, ids[2]);
  auto creates = this->db_->read([&](Tx& t) {
    return t.community_outbox().list(group.actor.id, std::string_view("Create"),
                                     {.before = ids[4], .limit = 10});
  });
  ASSERT_OK(creates);
  ASSERT_EQ(creates->size(), 2u);
  EXPECT_EQ((*creates)[0].id, ids[2]);
  EXPECT_EQ((*creates)[1].id, ids[0]);
  EXPECT_EQ(
      this->db_
          ->read([&](Tx& t) { return t.community_outbox().count(group.actor.id, std::nullopt); })
          .value(),
      5);
  EXPECT_EQ(this->db_
                ->read([&](Tx& t) {
                  return t.community_outbox().count(group.actor.id, std::string_view("Like"));
                })
                .value(),
            2);
  // The ap_id is unique; an unknown community is invalid input; neither leaves a row.
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.community_outbox().add({.id = std::nullopt,
                                     .community_id = group.actor.id,
                                     .ap_id = kLocal + "/activities/a0",
                                     .kind = "Create",
                                     .payload = "{}"});
  }),
               already_exists);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.community_outbox().add({.id = std::nullopt,
                                     .community_id = owner.actor.id,
                                     .ap_id = kLocal + "/activities/nowhere",
                                     .kind = "Create",
                                     .payload = "{}"});
  }),
               invalid_input);
  EXPECT_EQ(
      this->db_
          ->read([&](Tx& t) { return t.community_outbox().count(group.actor.id, std::nullopt); })
          .value(),
      5);
}

TYPED_TEST_P(CommunityLogConformance, ModerationLogRecordsEveryFieldAndPages) {
  const auto owner = this->user("olga");
  const auto group = this->community("garden", owner.actor.id);
  const auto troll = this->remote("troll", "far.example");
  const auto post = this->tx([&](Tx& t) {
                          return t.posts().create(new_thread(owner.actor.id, group.actor.id, "t"));
                        })
                        .value();
  const TimePoint until = TimePoint(std::chrono::milliseconds(1893456000000));
  auto ban = this->tx([&](Tx& t) {
    return t.moderation_log().add({.community_id = group.actor.id,
                                   .moderator_id = owner.actor.id,
                                   .action = ModerationAction::ban,
                                   .target_actor_id = troll.id,
                                   .target_post_id = std::nullopt,
                                   .reason = "spam",
                                   .expires_at = until});
  });
  ASSERT_OK(ban);
  EXPECT_EQ(ban->action, ModerationAction::ban);
  EXPECT_EQ(ban->target_actor_id, troll.id);
  EXPECT_EQ(ban->reason, "spam");
  EXPECT_EQ(ban->expires_at, until);
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.moderation_log().add({.community_id = group.actor.id,
                                   .moderator_id = owner.actor.id,
                                   .action = ModerationAction::lock,
                                   .target_actor_id = std::nullopt,
                                   .target_post_id = post.id,
                                   .reason = std::nullopt,
                                   .expires_at = std::nullopt});
  }));
  auto log = this->db_->read(
      [&](Tx& t) { return t.moderation_log().list(group.actor.id, PageRequest{}); });
  ASSERT_OK(log);
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].action, ModerationAction::lock);
  EXPECT_EQ((*log)[0].target_post_id, post.id);
  EXPECT_FALSE((*log)[0].reason.has_value());
  EXPECT_EQ((*log)[1].id, ban->id);
  auto oldest = this->db_->read([&](Tx& t) {
    return t.moderation_log().list(group.actor.id, {.limit = 1, .oldest_first = true});
  });
  ASSERT_OK(oldest);
  ASSERT_EQ(oldest->size(), 1u);
  EXPECT_EQ((*oldest)[0].action, ModerationAction::ban);
  // A moderator that does not exist is refused and leaves nothing behind.
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.moderation_log().add({.community_id = group.actor.id,
                                   .moderator_id = 424242,
                                   .action = ModerationAction::pin,
                                   .target_actor_id = std::nullopt,
                                   .target_post_id = std::nullopt,
                                   .reason = std::nullopt,
                                   .expires_at = std::nullopt});
  }),
               invalid_input);
  EXPECT_EQ(
      this->db_->read([&](Tx& t) { return t.moderation_log().list(group.actor.id, PageRequest{}); })
          .value()
          .size(),
      2u);
}

TYPED_TEST_P(CommunityLogConformance, ReportsAreListedOpenFirstAndResolvedOnce) {
  const auto owner = this->user("olga");
  const auto group = this->community("garden", owner.actor.id);
  const auto reporter = this->remote("rita", "far.example");
  const auto post = this->tx([&](Tx& t) {
                          return t.posts().create(new_thread(owner.actor.id, group.actor.id, "t"));
                        })
                        .value();
  auto first = this->tx([&](Tx& t) {
    return t.community_reports().add({.community_id = group.actor.id,
                                      .reporter_id = reporter.id,
                                      .post_id = post.id,
                                      .target_actor_id = owner.actor.id,
                                      .ap_id = "https://far.example/flags/1",
                                      .reason = "rude"});
  });
  ASSERT_OK(first);
  EXPECT_EQ(first->reason, "rude");
  EXPECT_FALSE(first->resolved_at.has_value());
  auto second = this->tx([&](Tx& t) {
    return t.community_reports().add({.community_id = group.actor.id,
                                      .reporter_id = reporter.id,
                                      .post_id = std::nullopt,
                                      .target_actor_id = owner.actor.id,
                                      .ap_id = std::nullopt,
                                      .reason = std::nullopt});
  });
  ASSERT_OK(second);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.community_reports().add({.community_id = group.actor.id,
                                      .reporter_id = reporter.id,
                                      .post_id = post.id,
                                      .target_actor_id = std::nullopt,
                                      .ap_id = "https://far.example/flags/1",
                                      .reason = std::nullopt});
  }),
               already_exists);
  auto resolved =
      this->tx([&](Tx& t) { return t.community_reports().resolve(first->id, owner.actor.id); });
  ASSERT_OK(resolved);
  EXPECT_EQ(resolved->resolved_by, owner.actor.id);
  ASSERT_TRUE(resolved->resolved_at.has_value());
  auto again =
      this->tx([&](Tx& t) { return t.community_reports().resolve(first->id, reporter.id); });
  ASSERT_OK(again);
  EXPECT_EQ(again->resolved_by, owner.actor.id);  // the first resolution stays
  auto open = this->db_->read(
      [&](Tx& t) { return t.community_reports().list(group.actor.id, true, PageRequest{}); });
  ASSERT_OK(open);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, second->id);
  auto all = this->db_->read(
      [&](Tx& t) { return t.community_reports().list(group.actor.id, false, PageRequest{}); });
  ASSERT_OK(all);
  EXPECT_EQ(all->size(), 2u);
  EXPECT_ERROR(
      this->tx([&](Tx& t) { return t.community_reports().resolve(424242, owner.actor.id); }),
      not_found);
}

TYPED_TEST_P(CommunityLogConformance, ActionNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(ModerationAction::resolve_report); ++i) {
    const auto action = static_cast<ModerationAction>(i);
    ModerationAction parsed{};
    ASSERT_TRUE(parse(to_string(action), parsed)) << to_string(action);
    EXPECT_EQ(parsed, action);
  }
  ModerationAction unused{};
  EXPECT_FALSE(parse("nuke", unused));
}

REGISTER_TYPED_TEST_SUITE_P(CommunityLogConformance,
                            OutboxKeepsAnnouncesNewestFirstAndFiltersByKind,
                            ModerationLogRecordsEveryFieldAndPages,
                            ReportsAreListedOpenFirstAndResolvedOnce, ActionNamesRoundTrip);

}  // namespace guildhall::storage::testing
