#pragma once

// Conformance of polls and events in threads (community_content.hpp, migration 0008) on every
// backend; instantiated next to StorageConformance in sqlite_test.cpp and postgres_test.cpp.

#include "conformance.hpp"

namespace guildhall::storage::testing {

template <typename Backend>
class CommunityContentConformance : public StorageConformance<Backend> {};

TYPED_TEST_SUITE_P(CommunityContentConformance);

TYPED_TEST_P(CommunityContentConformance, PollVotesAreOnePerOptionAndRecounted) {
  const auto alice = this->user("alice");
  const auto group = this->community("garden", alice.actor.id);
  const Actor bob = this->remote("bob", "r.test");
  auto thread = this->tx([&](Tx& t) {
    return t.posts().create(new_thread(alice.actor.id, group.actor.id, "Lunch?"));
  });
  ASSERT_OK(thread);
  const TimePoint end(std::chrono::milliseconds(1900000000000));
  auto poll = this->tx([&](Tx& t) {
    return t.polls().create({.post_id = thread->id,
                             .multiple = true,
                             .end_time = end,
                             .options = {"Pizza", "Soup", "Salad"}});
  });
  ASSERT_OK(poll);
  EXPECT_TRUE(poll->multiple);
  EXPECT_EQ(poll->end_time, end);
  ASSERT_EQ(poll->options.size(), 3u);
  EXPECT_EQ(poll->options[1].name, "Soup");
  EXPECT_EQ(poll->options[1].position, 1);
  EXPECT_EQ(poll->voters_count, 0);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.polls().create({.post_id = thread->id, .options = {"again"}});
  }),
               already_exists);
  EXPECT_ERROR(
      this->tx([&](Tx& t) { return t.polls().create({.post_id = 4242, .options = {"x"}}); }),
      invalid_input);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.polls().create({.post_id = thread->id}); }),
               invalid_input);

  ASSERT_OK(this->tx([&](Tx& t) {
    return t.polls().add_vote(thread->id, 0, bob.id, std::string("https://r.test/v/1"));
  }));
  ASSERT_OK(
      this->tx([&](Tx& t) { return t.polls().add_vote(thread->id, 2, bob.id, std::nullopt); }));
  ASSERT_OK(this->tx(
      [&](Tx& t) { return t.polls().add_vote(thread->id, 0, alice.actor.id, std::nullopt); }));
  EXPECT_ERROR(
      this->tx([&](Tx& t) { return t.polls().add_vote(thread->id, 0, bob.id, std::nullopt); }),
      already_exists);
  EXPECT_ERROR(
      this->tx([&](Tx& t) { return t.polls().add_vote(thread->id, 7, bob.id, std::nullopt); }),
      invalid_input);
  auto mine = this->db_->read([&](Tx& t) { return t.polls().votes_of(thread->id, bob.id); });
  ASSERT_OK(mine);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].ap_id, "https://r.test/v/1");
  EXPECT_EQ((*mine)[1].position, 2);

  auto counted = this->tx([&](Tx& t) { return t.polls().recount(thread->id); });
  ASSERT_OK(counted);
  EXPECT_EQ(counted->voters_count, 2);
  EXPECT_EQ(counted->options[0].votes, 2);
  EXPECT_EQ(counted->options[1].votes, 0);
  EXPECT_EQ(counted->options[2].votes, 1);

  // A member's copy takes the host's tallies as announced.
  auto copied = this->tx([&](Tx& t) { return t.polls().set_tallies(thread->id, {5, 4, 3, 9}, 8); });
  ASSERT_OK(copied);
  EXPECT_EQ(copied->options[0].votes, 5);
  EXPECT_EQ(copied->options[2].votes, 3);
  EXPECT_EQ(copied->voters_count, 8);
  EXPECT_ERROR(this->db_->read([&](Tx& t) { return t.polls().get(4242); }), not_found);
}

// A person's poll (migration 0017): hidden totals, its voters, and closing it once it ended,
// which makes the `poll` notifications of its author and voters (not of the author twice).
TYPED_TEST_P(CommunityContentConformance, PeoplesPollsCloseOnceAndNotifyAuthorAndVoters) {
  const auto alice = this->user("alice");
  const auto carol = this->user("carol");
  const Actor bob = this->remote("bob", "r.test");
  auto ended =
      this->tx([&](Tx& t) { return t.posts().create(new_thread(alice.actor.id, {}, "A")); });
  auto open =
      this->tx([&](Tx& t) { return t.posts().create(new_thread(alice.actor.id, {}, "B")); });
  ASSERT_OK(ended);
  ASSERT_OK(open);
  const TimePoint past = std::chrono::system_clock::now() - std::chrono::hours(1);
  const TimePoint future = std::chrono::system_clock::now() + std::chrono::hours(1);
  auto poll = this->tx([&](Tx& t) {
    return t.polls().create(
        {.post_id = ended->id, .end_time = past, .options = {"Yes", "No"}, .hide_totals = true});
  });
  ASSERT_OK(poll);
  EXPECT_TRUE(poll->hide_totals);
  EXPECT_FALSE(poll->closed_id);
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.polls().create({.post_id = open->id, .end_time = future, .options = {"Yes", "No"}});
  }));
  for (Id voter : {bob.id, carol.actor.id, alice.actor.id})
    ASSERT_OK(
        this->tx([&](Tx& t) { return t.polls().add_vote(ended->id, 1, voter, std::nullopt); }));
  ASSERT_OK(
      this->tx([&](Tx& t) { return t.polls().add_vote(ended->id, 0, bob.id, std::nullopt); }));
  auto voters = this->db_->read([&](Tx& t) { return t.polls().voters(ended->id); });
  ASSERT_OK(voters);
  EXPECT_EQ(*voters, (std::vector<Id>{bob.id, carol.actor.id, alice.actor.id}));

  const auto poll_notifications = [&](Id actor) {
    return this->db_->read([&](Tx& t) { return t.client_api().notifications(actor, {"poll"}, {}); })
        .value();
  };
  EXPECT_TRUE(poll_notifications(alice.actor.id).empty());
  auto closed = this->tx([&](Tx& t) { return t.polls().close_ended(10); });
  ASSERT_OK(closed);
  ASSERT_EQ(closed->size(), 1u);  // the open poll stays open
  EXPECT_EQ(closed->front().post_id, ended->id);
  ASSERT_TRUE(closed->front().closed_id);
  auto again = this->tx([&](Tx& t) { return t.polls().close_ended(10); });
  ASSERT_OK(again);
  EXPECT_TRUE(again->empty());  // once

  for (Id recipient : {alice.actor.id, carol.actor.id}) {
    const auto mine = poll_notifications(recipient);
    ASSERT_EQ(mine.size(), 1u) << recipient;  // alice voted in her own poll: one notification
    EXPECT_EQ(mine[0].id, *closed->front().closed_id);
    EXPECT_EQ(mine[0].type, "poll");
    EXPECT_EQ(mine[0].from_actor_id, alice.actor.id);
    EXPECT_EQ(mine[0].post_id, ended->id);
  }
  auto caused = this->db_->read(
      [&](Tx& t) { return t.client_api().notifications_caused_by(*closed->front().closed_id); });
  ASSERT_OK(caused);
  EXPECT_EQ(caused->size(), 3u);  // alice, carol and bob (remote: no stream will want it)
}

TYPED_TEST_P(CommunityContentConformance, EventsAndOneAnswerPerPerson) {
  const auto alice = this->user("alice");
  const auto group = this->community("garden", alice.actor.id);
  const Actor bob = this->remote("bob", "r.test");
  auto thread = this->tx([&](Tx& t) {
    return t.posts().create(new_thread(alice.actor.id, group.actor.id, "Picnic"));
  });
  ASSERT_OK(thread);
  const TimePoint start(std::chrono::milliseconds(1900000000000));
  const TimePoint end(std::chrono::milliseconds(1900003600000));
  auto event = this->tx([&](Tx& t) {
    return t.events().put({.post_id = thread->id,
                           .start_time = start,
                           .end_time = end,
                           .location_name = std::string("The park"),
                           .location_address = std::string("1 Main St")});
  });
  ASSERT_OK(event);
  EXPECT_EQ(event->location_name, "The park");
  // Moved: the details are replaced.
  auto moved = this->tx([&](Tx& t) {
    return t.events().put({.post_id = thread->id, .start_time = end, .end_time = std::nullopt});
  });
  ASSERT_OK(moved);
  EXPECT_EQ(moved->start_time, end);
  EXPECT_FALSE(moved->location_name);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.events().put({.post_id = thread->id, .start_time = end, .end_time = start});
  }),
               invalid_input);
  EXPECT_ERROR(
      this->tx([&](Tx& t) { return t.events().put({.post_id = 4242, .start_time = start}); }),
      invalid_input);

  ASSERT_OK(this->tx([&](Tx& t) {
    return t.events().set_rsvp(thread->id, bob.id, RsvpStatus::maybe,
                               std::string("https://r.test/a"));
  }));
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.events().set_rsvp(thread->id, alice.actor.id, RsvpStatus::going, std::nullopt);
  }));
  auto changed = this->tx([&](Tx& t) {
    return t.events().set_rsvp(thread->id, bob.id, RsvpStatus::going,
                               std::string("https://r.test/b"));
  });
  ASSERT_OK(changed);
  EXPECT_EQ(changed->ap_id, "https://r.test/b");
  auto counts = this->db_->read([&](Tx& t) { return t.events().counts(thread->id); });
  ASSERT_OK(counts);
  EXPECT_EQ(counts->going, 2);
  EXPECT_EQ(counts->maybe, 0);
  EXPECT_TRUE(this->tx([&](Tx& t) { return t.events().remove_rsvp(thread->id, bob.id); }).value());
  EXPECT_FALSE(this->tx([&](Tx& t) { return t.events().remove_rsvp(thread->id, bob.id); }).value());
  auto none = this->db_->read([&](Tx& t) { return t.events().rsvp_of(thread->id, bob.id); });
  ASSERT_OK(none);
  EXPECT_FALSE(*none);
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.events().counts(thread->id); })->going, 1);

  for (auto s : {RsvpStatus::going, RsvpStatus::maybe, RsvpStatus::not_going}) {
    RsvpStatus parsed{};
    ASSERT_TRUE(parse(to_string(s), parsed));
    EXPECT_EQ(parsed, s);
  }
}

REGISTER_TYPED_TEST_SUITE_P(CommunityContentConformance, PollVotesAreOnePerOptionAndRecounted,
                            PeoplesPollsCloseOnceAndNotifyAuthorAndVoters,
                            EventsAndOneAnswerPerPerson);

}  // namespace guildhall::storage::testing
