// Q&A, polls, events and the EmojiReact fallback in a community hosted here: from remote members
// (through the inbox) and local ones (outbox::Communities), with what the group distributes.
#include "fixture_sender.hpp"
#include "group_fixture.hpp"

namespace guildhall::federation::groups::testing {
namespace {

class ThreadKinds : public GroupFixture {
 protected:
  ThreadKinds() {
    garden_ = make_group("garden");
    for (const auto& [id, who] : {std::pair{std::string("https://a.example/follows/1"), kAlice},
                                  std::pair{std::string("https://b.example/follows/1"), kBob}})
      EXPECT_EQ(send(activity("Follow", id, who, group_id("garden")), who), 202);
    sent();
  }

  storage::Post post_by(const std::string& ap_id) {
    return db_->read([&](storage::Tx& tx) { return tx.posts().get_by_ap_id(ap_id); }).value();
  }

  json vote(const std::string& id, const std::string& voter, const std::string& poll,
            const std::string& option) {
    json note{
        {"id", id},       {"type", "Note"},   {"attributedTo", voter}, {"to", {group_id("garden")}},
        {"name", option}, {"inReplyTo", poll}};
    json create = activity("Create", id + "/create", voter, note);
    create["to"] = {group_id("garden")};
    return create;
  }

  storage::Poll poll_of(storage::Id id) {
    return db_->read([&](storage::Tx& tx) { return tx.polls().get(id); }).value();
  }

  storage::CommunityView garden_;
};

TEST_F(ThreadKinds, TheQuestionsAuthorOrAModeratorChoosesTheAcceptedAnswer) {
  json question = create_page("https://a.example/post/1", kAlice, group_id("garden"), "How?");
  question["object"]["isQuestion"] = true;
  ASSERT_EQ(send(question), 202);
  ASSERT_EQ(send(create_comment("https://b.example/c/1", kBob, group_id("garden"),
                                "https://a.example/post/1"),
                 kBob),
            202);
  const storage::Post thread = post_by("https://a.example/post/1");
  const storage::Post answer = post_by("https://b.example/c/1");
  EXPECT_TRUE(thread.is_question);
  sent();

  // Someone else (not a moderator) cannot choose: nothing stored, nothing announced.
  json by_bob = activity("ChooseAnswer", "https://b.example/choose/1", kBob, answer.ap_id);
  by_bob["target"] = thread.ap_id;
  ASSERT_EQ(send(by_bob, kBob), 202);
  EXPECT_FALSE(post_row(thread.id).accepted_answer_id);
  EXPECT_TRUE(sent().empty());

  json by_alice = activity("ChooseAnswer", "https://a.example/choose/1", kAlice, answer.ap_id);
  by_alice["target"] = thread.ap_id;
  ASSERT_EQ(send(by_alice), 202);
  EXPECT_EQ(post_row(thread.id).accepted_answer_id, answer.id);
  const auto announced = of_type(sent(), "Announce", "ChooseAnswer");
  ASSERT_EQ(announced.size(), 2u);  // both member instances
  EXPECT_EQ(announced[0].body["object"], by_alice);

  // A moderator (dave owns the group) clears it through the service API: Undo(ChooseAnswer).
  ASSERT_TRUE(communities_.choose_answer(dave_.id, answer.id, false).ok());
  EXPECT_FALSE(post_row(thread.id).accepted_answer_id);
  const auto undo = of_type(sent(), "Announce", "Undo");
  ASSERT_EQ(undo.size(), 2u);
  EXPECT_EQ(undo[0].body["object"]["object"]["type"], "ChooseAnswer");
  EXPECT_EQ(undo[0].body["object"]["object"]["object"], answer.ap_id);

  // Only comments of question threads can be chosen.
  auto plain = communities_.post_thread(dave_.id, garden_.actor.id, {.title = "Plain"});
  ASSERT_TRUE(plain.ok());
  auto reply = communities_.comment(dave_.id, plain->id, {.markdown = "hi"});
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(communities_.choose_answer(dave_.id, reply->id, true).error().kind,
            core::ErrorKind::invalid_input);
  EXPECT_EQ(communities_.choose_answer(dave_.id, plain->id, true).error().kind,
            core::ErrorKind::invalid_input);
}

TEST_F(ThreadKinds, LocalQuestionsCarryIsQuestionAndPeersSeeAPage) {
  auto thread = communities_.post_thread(
      dave_.id, garden_.actor.id, {.title = "Why?", .markdown = "Tell me", .is_question = true});
  ASSERT_TRUE(thread.ok()) << thread.error().message;
  EXPECT_TRUE(thread->is_question);
  const auto creates = of_type(sent(), "Announce", "Create");
  ASSERT_EQ(creates.size(), 2u);
  const json& page = creates[0].body["object"]["object"];
  EXPECT_EQ(page["type"], "Page");  // a normal thread for peers that know no Q&A
  EXPECT_EQ(page["isQuestion"], true);
}

TEST_F(ThreadKinds, PollVotesAreCountedOncePerPersonAndTalliesAnnounced) {
  auto poll = communities_.post_thread(
      dave_.id, garden_.actor.id,
      {.title = "Lunch?",
       .markdown = "Pick one",
       .poll = outbox::PollInput{.options = {"Pizza", "Soup"},
                                 .end_time = clock_.now() + std::chrono::hours(1)}});
  ASSERT_TRUE(poll.ok()) << poll.error().message;
  auto out = sent();
  auto creates = of_type(out, "Announce", "Create");
  ASSERT_EQ(creates.size(), 2u);
  const json& question = creates[0].body["object"]["object"];
  EXPECT_EQ(question["type"], "Question");
  EXPECT_EQ(question["name"], "Lunch?");
  ASSERT_EQ(question["oneOf"].size(), 2u);
  EXPECT_EQ(question["oneOf"][1]["name"], "Soup");
  EXPECT_EQ(question["oneOf"][1]["replies"]["totalItems"], 0);
  EXPECT_TRUE(question.contains("endTime"));
  EXPECT_EQ(of_type(out, "Announce", "Question").size(), 2u);  // Mastodon-style followers

  ASSERT_EQ(send(vote("https://a.example/votes/1", kAlice, poll->ap_id, "Soup")), 202);
  EXPECT_EQ(poll_of(poll->id).options[1].votes, 1);
  out = sent();
  EXPECT_TRUE(of_type(out, "Announce", "Create").empty());  // votes are not public
  const auto updates = of_type(out, "Announce", "Update");
  ASSERT_EQ(updates.size(), 2u);
  const json& tallies = updates[0].body["object"];
  EXPECT_EQ(tallies["actor"], group_id("garden"));
  EXPECT_EQ(tallies["object"]["id"], poll->ap_id);
  EXPECT_EQ(tallies["object"]["oneOf"][1]["replies"]["totalItems"], 1);
  EXPECT_EQ(tallies["object"]["votersCount"], 1);

  // One vote per person in a oneOf poll; an unknown option is refused; a replay counts once.
  ASSERT_EQ(send(vote("https://a.example/votes/2", kAlice, poll->ap_id, "Pizza")), 202);
  ASSERT_EQ(send(vote("https://b.example/votes/1", kBob, poll->ap_id, "Chips"), kBob), 202);
  EXPECT_EQ(poll_of(poll->id).voters_count, 1);
  EXPECT_EQ(poll_of(poll->id).options[0].votes, 0);
  EXPECT_TRUE(sent().empty());

  ASSERT_TRUE(communities_.vote(erin_.id, poll->id, {"Soup"}).ok());
  EXPECT_EQ(poll_of(poll->id).options[1].votes, 2);
  EXPECT_EQ(communities_.vote(erin_.id, poll->id, {"Pizza"}).error().kind,
            core::ErrorKind::invalid_input);

  // No votes after the end.
  clock_.advance(std::chrono::hours(2));
  ASSERT_EQ(send(vote("https://b.example/votes/2", kBob, poll->ap_id, "Pizza"), kBob), 202);
  EXPECT_EQ(poll_of(poll->id).voters_count, 2);
  EXPECT_EQ(communities_.vote(dave_.id, poll->id, {"Pizza"}).error().kind,
            core::ErrorKind::invalid_input);
}

TEST_F(ThreadKinds, AnyOfPollsTakeOneVotePerOptionAndBadPollsAreRefused) {
  auto poll = communities_.post_thread(
      dave_.id, garden_.actor.id,
      {.title = "Toppings",
       .poll = outbox::PollInput{.options = {"A", "B", "C"}, .multiple = true}});
  ASSERT_TRUE(poll.ok()) << poll.error().message;
  ASSERT_TRUE(communities_.vote(erin_.id, poll->id, {"A", "C"}).ok());
  ASSERT_EQ(send(vote("https://a.example/votes/1", kAlice, poll->ap_id, "A")), 202);
  const auto counted = poll_of(poll->id);
  EXPECT_TRUE(counted.multiple);
  EXPECT_EQ(counted.options[0].votes, 2);
  EXPECT_EQ(counted.options[2].votes, 1);
  EXPECT_EQ(counted.voters_count, 2);
  const auto anyof = of_type(sent(), "Announce", "Update");
  ASSERT_FALSE(anyof.empty());
  EXPECT_EQ(anyof.back().body["object"]["object"]["anyOf"][0]["replies"]["totalItems"], 2);

  for (const auto& bad :
       {outbox::PollInput{.options = {"only"}}, outbox::PollInput{.options = {"x", "x"}},
        outbox::PollInput{.options = {"x", "y"}, .end_time = clock_.now()}}) {
    auto refused =
        communities_.post_thread(dave_.id, garden_.actor.id, {.title = "Bad", .poll = bad});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, core::ErrorKind::invalid_input);
  }
}

TEST_F(ThreadKinds, EventAnswersAreCountedAndAnnounced) {
  const core::TimePoint start = clock_.now() + std::chrono::hours(48);
  auto event = communities_.post_thread(
      dave_.id, garden_.actor.id,
      {.title = "Picnic",
       .markdown = "Bring food",
       .event = outbox::EventInput{.start_time = start,
                                   .end_time = start + std::chrono::hours(3),
                                   .location_name = std::string("The park"),
                                   .location_address = std::string("1 Main St")}});
  ASSERT_TRUE(event.ok()) << event.error().message;
  const auto creates = of_type(sent(), "Announce", "Create");
  ASSERT_EQ(creates.size(), 2u);
  const json& object = creates[0].body["object"]["object"];
  EXPECT_EQ(object["type"], "Event");
  EXPECT_EQ(object["startTime"], core::format_rfc3339(start));
  EXPECT_EQ(object["location"]["type"], "Place");
  EXPECT_EQ(object["location"]["name"], "The park");
  EXPECT_EQ(object["location"]["address"], "1 Main St");

  const auto counts = [&] {
    return db_->read([&](storage::Tx& tx) { return tx.events().counts(event->id); }).value();
  };
  json maybe = activity("TentativeAccept", "https://a.example/rsvp/1", kAlice, event->ap_id);
  ASSERT_EQ(send(maybe), 202);
  ASSERT_EQ(send(activity("Join", "https://b.example/join/1", kBob, event->ap_id), kBob), 202);
  ASSERT_TRUE(communities_.rsvp(erin_.id, event->id, storage::RsvpStatus::not_going).ok());
  auto c = counts();
  EXPECT_EQ(c.going, 1);
  EXPECT_EQ(c.maybe, 1);
  EXPECT_EQ(c.not_going, 1);
  const auto out = sent();
  EXPECT_EQ(of_type(out, "Announce", "TentativeAccept").size(), 2u);
  EXPECT_EQ(of_type(out, "Announce", "Join").size(), 2u);
  EXPECT_EQ(of_type(out, "Announce", "Reject").size(), 2u);
  // bob's Join named the event, not the group: his membership is untouched.
  EXPECT_EQ(membership(garden_, bob_.id).state, storage::MemberState::accepted);

  ASSERT_EQ(send(activity("Undo", "https://a.example/rsvp/1/undo", kAlice, maybe)), 202);
  ASSERT_EQ(send(activity("Leave", "https://b.example/leave/1", kBob, event->ap_id), kBob), 202);
  ASSERT_TRUE(communities_.rsvp(erin_.id, event->id, std::nullopt).ok());
  c = counts();
  EXPECT_EQ(c.going + c.maybe + c.not_going, 0);
  EXPECT_TRUE(has_membership(garden_, bob_.id));

  // An answer to a thread that is no event is refused; so is an event ending before it starts.
  auto plain = communities_.post_thread(dave_.id, garden_.actor.id, {.title = "Plain"});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(communities_.rsvp(erin_.id, plain->id, storage::RsvpStatus::going).error().kind,
            core::ErrorKind::invalid_input);
  auto backwards = communities_.post_thread(
      dave_.id, garden_.actor.id,
      {.title = "Backwards",
       .event =
           outbox::EventInput{.start_time = start, .end_time = start - std::chrono::hours(1)}});
  ASSERT_FALSE(backwards.ok());
  EXPECT_EQ(backwards.error().kind, core::ErrorKind::invalid_input);
}

// The fixture's object, as if alice had sent it to the group (the payload's own actor cannot sign).
json fixture_object_from_alice(const std::string& file, const std::string& id,
                               const std::string& group) {
  json doc = json::parse(inbox::testing::read_file(inbox::testing::kFixtures / file));
  json object = doc.contains("object") && doc["object"].is_object() ? doc["object"] : doc;
  object.erase("@context");
  object["id"] = id;
  object["attributedTo"] = kAlice;
  object.erase("actor");
  object["to"] = {group, "https://www.w3.org/ns/activitystreams#Public"};
  object["audience"] = group;
  return object;
}

TEST_F(ThreadKinds, PollsAndEventsFromOtherSoftwareAreAccepted) {
  // Mastodon's poll (via Pleroma's fixture): options with their tallies, the end time.
  json question =
      fixture_object_from_alice("from-pleroma-repo/fixtures/mastodon-question-activity.json",
                                "https://a.example/polls/1", group_id("garden"));
  json create = activity("Create", "https://a.example/polls/1/create", kAlice, question);
  create["to"] = question["to"];
  ASSERT_EQ(send(create), 202);
  const storage::Post poll = post_by("https://a.example/polls/1");
  EXPECT_EQ(poll.title, "Why is Tenshi eating a corndog so cute?");
  EXPECT_FALSE(poll.is_question);  // a poll, not a Q&A question
  const storage::Poll stored = poll_of(poll.id);
  ASSERT_EQ(stored.options.size(), 4u);
  EXPECT_FALSE(stored.multiple);
  EXPECT_EQ(stored.options[1].name, "Everyone knows that!");
  EXPECT_EQ(stored.options[1].votes, 1);
  ASSERT_TRUE(stored.end_time);
  const auto announced = of_type(sent(), "Announce", "Create");
  ASSERT_EQ(announced.size(), 2u);
  EXPECT_EQ(announced[0].body["object"]["object"]["type"], "Question");

  // Mobilizon's event: start, end, the place with its PostalAddress.
  json event = fixture_object_from_alice("mobilizon/objects/event.json",
                                         "https://a.example/events/1", group_id("garden"));
  json create_event = activity("Create", "https://a.example/events/1/create", kAlice, event);
  create_event["to"] = event["to"];
  ASSERT_EQ(send(create_event), 202);
  const storage::Post thread = post_by("https://a.example/events/1");
  EXPECT_EQ(thread.title, "Caledonian scottish dance class");
  auto stored_event =
      db_->read([&](storage::Tx& tx) { return tx.events().get(thread.id); }).value();
  EXPECT_EQ(stored_event.location_name, "The Kenn Centre");
  EXPECT_EQ(stored_event.location_address,
            "Devon Expressway, EX6 7TW, Teignbridge, England, United Kingdom");
  core::TimePoint start;
  ASSERT_TRUE(core::parse_rfc3339("2022-12-11T19:00:00+00:00", start));
  EXPECT_EQ(stored_event.start_time, start);
  ASSERT_TRUE(stored_event.end_time);
}

TEST_F(ThreadKinds, EmojiReactionsReachLemmyStylePeersAsLike) {
  ASSERT_TRUE(db_->transact([&](storage::Tx& tx) {
                   return tx.instances().set_software("a.example", std::string("lemmy"),
                                                      std::nullopt);
                 })
                  .ok());
  auto thread = communities_.post_thread(dave_.id, garden_.actor.id, {.title = "React"});
  ASSERT_TRUE(thread.ok());
  sent();
  ASSERT_TRUE(communities_.react(erin_.id, thread->id, storage::ReactionKind::emoji, "🎉").ok());
  auto out = sent();
  ASSERT_EQ(out.size(), 2u);
  for (const auto& s : out) {
    const json& inner = s.body["object"];
    if (s.inbox.starts_with("https://a.example")) {
      EXPECT_EQ(inner["type"], "Like");  // Lemmy knows no EmojiReact
      EXPECT_TRUE(inner["id"].get<std::string>().ends_with("#like"));
      EXPECT_EQ(inner["object"], thread->ap_id);
      EXPECT_EQ(inner["actor"], kOrigin + "/users/erin");
      EXPECT_FALSE(inner.contains("content"));
    } else {
      EXPECT_EQ(inner["type"], "EmojiReact");
      EXPECT_EQ(inner["content"], "🎉");
    }
  }
  ASSERT_TRUE(communities_.unreact(erin_.id, thread->id, storage::ReactionKind::emoji, "🎉").ok());
  out = sent();
  ASSERT_EQ(out.size(), 2u);
  for (const auto& s : out) {
    const json& inner = s.body["object"];
    EXPECT_EQ(inner["type"], "Undo");
    EXPECT_EQ(inner["object"]["type"],
              s.inbox.starts_with("https://a.example") ? "Like" : "EmojiReact");
  }
  EXPECT_FALSE(understands_emoji_react(std::string("mbin")));
  EXPECT_TRUE(understands_emoji_react(std::string("piefed")));
  EXPECT_TRUE(understands_emoji_react(std::nullopt));
}

}  // namespace
}  // namespace guildhall::federation::groups::testing
