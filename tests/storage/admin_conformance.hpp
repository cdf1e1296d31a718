#pragma once

// Conformance of what instance administration stores (migration 0012) on every backend: the
// admin-edited instance settings, the account search, revoking every token of a person, and the
// instance-wide report queue; instantiated in sqlite_test.cpp and postgres_test.cpp.

#include "change_feed_conformance.hpp"

namespace guildhall::storage::testing {

template <typename Backend>
class AdminConformance : public ClientApiConformance<Backend> {};

TYPED_TEST_SUITE_P(AdminConformance);

TYPED_TEST_P(AdminConformance, InstanceSettingsAreUnsetUntilEditedAndEditsArePartial) {
  const auto admin = this->user("root");
  auto fresh = this->db_->read([](Tx& t) { return t.instance_settings().get(); });
  ASSERT_OK(fresh);
  EXPECT_FALSE(fresh->title || fresh->federation_mode || fresh->updated_at);

  auto edited = this->tx([&](Tx& t) {
    return t.instance_settings().update(
        {.title = std::optional<std::string>("Acme Guild"),
         .registrations = std::optional<std::string>("approval"),
         .federation_mode = std::optional<std::string>("allowlist")},
        admin.actor.id);
  });
  ASSERT_OK(edited);
  EXPECT_EQ(edited->title, "Acme Guild");
  EXPECT_EQ(edited->updated_by, admin.actor.id);
  ASSERT_TRUE(edited->updated_at.has_value());

  // Unset fields stay; an empty inner optional clears one (back to the configuration).
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.instance_settings().update(
        {.description = std::optional<std::string>("Where teams meet"),
         .federation_mode = Nullable<std::string>(std::in_place, std::nullopt)},
        std::nullopt);
  }));
  auto read = this->db_->read([](Tx& t) { return t.instance_settings().get(); });
  ASSERT_OK(read);
  EXPECT_EQ(read->title, "Acme Guild");
  EXPECT_EQ(read->description, "Where teams meet");
  EXPECT_EQ(read->registrations, "approval");
  EXPECT_FALSE(read->federation_mode.has_value());
  EXPECT_FALSE(read->updated_by.has_value());

  // The schema refuses what no release writes, and the refused edit leaves the row as it was.
  EXPECT_ERROR(this->tx([](Tx& t) {
    return t.instance_settings().update({.title = std::optional<std::string>("New"),
                                         .federation_mode = std::optional<std::string>("everyone")},
                                        std::nullopt);
  }),
               invalid_input);
  EXPECT_EQ(this->db_->read([](Tx& t) { return t.instance_settings().get(); })->title,
            "Acme Guild");
}

TYPED_TEST_P(AdminConformance, UsersAreSearchedByHandleAndState) {
  const auto alice = this->user("alice");
  const auto alina = this->user("alina");
  const auto bob = this->user("bob");
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.actors().update(alina.actor.id, {.suspended_at = std::optional<TimePoint>(t.now())});
  }));
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.users().update(bob.actor.id, {.disabled_at = std::optional<TimePoint>(t.now())});
  }));
  const auto handles = [&](const UserQuery& query, PageRequest page = {}) {
    std::vector<std::string> out;
    const auto users =
        this->db_->read([&](Tx& t) { return t.users().search(query, page); }).value();
    for (const auto& u : users)
      out.push_back(u.actor.handle);
    return out;
  };
  EXPECT_EQ(handles({.handle_contains = "ALI"}, {.oldest_first = true}),
            (std::vector<std::string>{"alice", "alina"}));
  EXPECT_EQ(handles({.state = UserQuery::State::active}), (std::vector<std::string>{"alice"}));
  EXPECT_EQ(handles({.state = UserQuery::State::suspended}), (std::vector<std::string>{"alina"}));
  EXPECT_EQ(handles({.state = UserQuery::State::disabled}), (std::vector<std::string>{"bob"}));
  EXPECT_EQ(handles({.handle_contains = "_"}), (std::vector<std::string>{}));  // LIKE is escaped
  // Keyset pages by actor id, newest first.
  EXPECT_EQ(handles({}, {.before = bob.actor.id, .limit = 1}), (std::vector<std::string>{"alina"}));
  (void)alice;
}

TYPED_TEST_P(AdminConformance, RevokingEveryTokenOfAPersonFeedsEachRevocation) {
  const auto alice = this->user("alice");
  const auto bob = this->user("bob");
  const OAuthApp app = this->app("client-admin");
  std::vector<Id> alices;
  for (const char* hash : {"alice-1", "alice-2", "alice-3"}) {
    auto token = this->tx([&](Tx& t) {
      return t.oauth().create_token(
          {.token_hash = hash, .app_id = app.id, .user_id = alice.actor.id});
    });
    ASSERT_OK(token);
    alices.push_back(token->id);
  }
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.oauth().create_token(
        {.token_hash = "bob-1", .app_id = app.id, .user_id = bob.actor.id});
  }));
  ASSERT_OK(this->tx([&](Tx& t) { return t.oauth().revoke_token("alice-1", app.id); }));

  ChangeCollector feed;
  auto subscription = this->db_->subscribe_changes(feed.listener());
  ASSERT_OK(subscription);
  auto revoked = this->tx(
      [&](Tx& t) { return t.oauth().revoke_tokens_for_user(alice.actor.id, std::nullopt); });
  ASSERT_OK(revoked);
  EXPECT_EQ(*revoked, 2);  // the first was revoked already
  std::vector<Change> changes = feed.take();
  std::sort(changes.begin(), changes.end(),
            [](const Change& a, const Change& b) { return a.id < b.id; });
  EXPECT_EQ(changes, (std::vector<Change>{{ChangeKind::token_revoked, alices[1]},
                                          {ChangeKind::token_revoked, alices[2]}}));
  this->db_->unsubscribe_changes(*subscription);
  auto bobs = this->db_->read([](Tx& t) { return t.oauth().get_token_by_hash("bob-1"); });
  ASSERT_OK(bobs);
  EXPECT_FALSE(bobs->revoked_at.has_value());
  auto by_id = this->db_->read([&](Tx& t) { return t.oauth().get_token(alices[2]); });
  ASSERT_OK(by_id);
  EXPECT_TRUE(by_id->revoked_at.has_value());
  EXPECT_ERROR(this->db_->read([](Tx& t) { return t.oauth().get_token(424242); }), not_found);
}

TYPED_TEST_P(AdminConformance, ReportsOfEveryCommunityAreQueuedAssignedAndReopened) {
  const auto owner = this->user("olga");
  const auto admin = this->user("root");
  const auto garden = this->community("garden", owner.actor.id);
  const auto kitchen = this->community("kitchen", owner.actor.id);
  const auto reporter = this->remote("rita", "far.example");
  std::vector<Id> ids;
  for (Id community : {garden.actor.id, kitchen.actor.id}) {
    auto report = this->tx([&](Tx& t) {
      return t.community_reports().add({.community_id = community,
                                        .reporter_id = reporter.id,
                                        .target_actor_id = owner.actor.id,
                                        .reason = "rude"});
    });
    ASSERT_OK(report);
    ids.push_back(report->id);
  }
  ASSERT_OK(this->tx([&](Tx& t) { return t.community_reports().resolve(ids[0], admin.actor.id); }));
  const auto listed = [&](ReportState state) {
    std::vector<Id> out;
    const auto reports =
        this->db_->read([&](Tx& t) { return t.community_reports().list_all(state, {}); }).value();
    for (const auto& r : reports)
      out.push_back(r.id);
    return out;
  };

  EXPECT_EQ(listed(ReportState::any), (std::vector<Id>{ids[1], ids[0]}));  // newest first
  EXPECT_EQ(listed(ReportState::open), (std::vector<Id>{ids[1]}));
  EXPECT_EQ(listed(ReportState::resolved), (std::vector<Id>{ids[0]}));

  auto assigned =
      this->tx([&](Tx& t) { return t.community_reports().assign(ids[1], admin.actor.id); });
  ASSERT_OK(assigned);
  EXPECT_EQ(assigned->assigned_to, admin.actor.id);
  auto unassigned =
      this->tx([&](Tx& t) { return t.community_reports().assign(ids[1], std::nullopt); });
  ASSERT_OK(unassigned);
  EXPECT_FALSE(unassigned->assigned_to.has_value());

  auto reopened = this->tx([&](Tx& t) { return t.community_reports().reopen(ids[0]); });
  ASSERT_OK(reopened);
  EXPECT_FALSE(reopened->resolved_at || reopened->resolved_by);
  EXPECT_EQ(listed(ReportState::open), (std::vector<Id>{ids[1], ids[0]}));
  EXPECT_ERROR(this->tx([](Tx& t) { return t.community_reports().reopen(424242); }), not_found);
  EXPECT_ERROR(this->tx([](Tx& t) { return t.community_reports().assign(424242, std::nullopt); }),
               not_found);
}

REGISTER_TYPED_TEST_SUITE_P(AdminConformance, InstanceSettingsAreUnsetUntilEditedAndEditsArePartial,
                            UsersAreSearchedByHandleAndState,
                            RevokingEveryTokenOfAPersonFeedsEachRevocation,
                            ReportsOfEveryCommunityAreQueuedAssignedAndReopened);

}  // namespace guildhall::storage::testing
