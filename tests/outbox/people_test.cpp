#include "guildhall/federation/outbox/people.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/federation/discovery/posts.hpp"
#include "guildhall/federation/keys.hpp"
#include "guildhall/storage/database.hpp"
#include "guildhall/storage/federation_queue.hpp"

using namespace guildhall;
namespace as = activitystreams;
using federation::outbox::NoteInput;
using federation::outbox::People;
using storage::Id;

namespace {

class PeopleOutbox : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::DatabaseOptions options;
    options.clock = &clock_;
    db_ = storage::open_database("sqlite::memory:", options).value();
    db_->migrate().value();
    static const auto keys = federation::generate_rsa_keypair().value();
    federation::Urls urls("https://a.test");
    alice_ = db_->transact([&](storage::Tx& tx) -> core::Result<Id> {
                  storage::NewUser u;
                  u.actor.handle = "alice";
                  u.actor.ap_id = urls.user("alice");
                  u.actor.inbox_url = u.actor.ap_id + "/inbox";
                  u.actor.followers_url = u.actor.ap_id + "/followers";
                  u.actor.public_key_id = u.actor.ap_id + "#main-key";
                  u.actor.public_key_pem = keys.public_pem;
                  u.actor.private_key_pem = keys.private_pem;
                  u.password_hash = "$argon2id$unused";
                  auto created = tx.users().create(u);
                  if (!created)
                    return std::move(created).error();
                  return created->actor.id;
                })
                 .value();
    bob_ = remote("bob", "b.test");
    carol_ = remote("carol", "c.test");
    // bob and carol follow alice; the queue collapses nothing here (different hosts).
    db_->transact([&](storage::Tx& tx) -> core::Result<void> {
         for (Id follower : {bob_, carol_}) {
           auto f =
               tx.follows().create(follower, alice_, storage::FollowState::accepted, std::nullopt);
           if (!f)
             return std::move(f).error();
         }
         return {};
       })
        .value();
    people_ =
        std::make_unique<People>(*db_, federation::Urls("https://a.test"), [this] { ++notified_; });
  }

  Id remote(const std::string& name, const std::string& host) {
    return db_
        ->transact([&](storage::Tx& tx) -> core::Result<Id> {
          storage::RemoteActorForm f;
          f.ap_id = "https://" + host + "/users/" + name;
          f.handle = name;
          f.domain = host;
          f.inbox_url = f.ap_id + "/inbox";
          f.shared_inbox_url = "https://" + host + "/inbox";
          auto a = tx.actors().upsert_remote(f);
          if (!a)
            return std::move(a).error();
          return a->id;
        })
        .value();
  }

  // Everything queued so far, as (inbox, parsed activity), oldest first.
  std::vector<std::pair<std::string, as::Object>> queued() {
    auto jobs =
        db_->transact([&](storage::Tx& tx) {
             return tx.delivery_queue().claim(
                 {.owner = "test", .now = clock_.now(), .limit = 1000, .per_host_limit = 1000});
           })
            .value();
    std::vector<std::pair<std::string, as::Object>> out;
    for (const auto& job : jobs) {
      out.emplace_back(job.inbox_url, as::parse(job.payload).value());
      EXPECT_EQ(job.key_id, "https://a.test/users/alice#main-key") << "signed by the author";
      db_->transact([&](storage::Tx& tx) { return tx.delivery_queue().complete({job.id}); })
          .value();
    }
    return out;
  }

  core::ManualClock clock_{core::SystemClock::instance().now()};  // outlives db_
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<People> people_;
  Id alice_ = 0, bob_ = 0, carol_ = 0;
  int notified_ = 0;
};

}  // namespace

TEST_F(PeopleOutbox, PublishStoresTheNoteAndQueuesCreateToEveryFollowersSharedInbox) {
  auto post = people_->publish_note(alice_, {.markdown = "Hello **fediverse**", .language = "en"});
  ASSERT_TRUE(post.ok()) << post.error().message;
  EXPECT_TRUE(post->ap_id.starts_with("https://a.test/posts/"));
  EXPECT_NE(post->content_html.find("<strong>fediverse</strong>"), std::string::npos);
  EXPECT_EQ(notified_, 1);

  auto sent = queued();
  ASSERT_EQ(sent.size(), 2u);
  std::set<std::string> inboxes{sent[0].first, sent[1].first};
  EXPECT_EQ(inboxes, (std::set<std::string>{"https://b.test/inbox", "https://c.test/inbox"}));
  const auto& create = sent[0].second;
  EXPECT_EQ(create.kind, as::Kind::create);
  EXPECT_EQ(create.actor.id(), "https://a.test/users/alice");
  EXPECT_TRUE(create.is_public());
  const as::Object* note = create.object_ref().get();
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(note->kind, as::Kind::note);
  EXPECT_EQ(note->id, post->ap_id);
  EXPECT_EQ(note->author().value(), "https://a.test/users/alice");
  EXPECT_EQ(note->source->content, "Hello **fediverse**");
  EXPECT_EQ(note->language(), "en");
  EXPECT_EQ(note->cc, std::vector<std::string>{"https://a.test/users/alice/followers"});
}

TEST_F(PeopleOutbox, BoostGoesToFollowersAndTheAuthorOnceAndUndoReferencesIt) {
  const Id dave = remote("dave", "d.test");
  auto post = db_->transact([&](storage::Tx& tx) {
                   storage::NewPost p;
                   p.ap_id = "https://d.test/notes/1";
                   p.author_id = dave;
                   p.content_html = "<p>boost me</p>";
                   p.is_local = false;
                   return tx.posts().create(p);
                 })
                  .value();
  auto boost = people_->reblog(alice_, post.id);
  ASSERT_TRUE(boost.ok()) << boost.error().message;
  auto again = people_->reblog(alice_, post.id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, boost->id);
  auto sent = queued();
  ASSERT_EQ(sent.size(), 3u) << "bob's, carol's and dave's inboxes, once";
  std::set<std::string> inboxes;
  for (const auto& [inbox, activity] : sent) {
    inboxes.insert(inbox);
    EXPECT_EQ(activity.kind, as::Kind::announce);
    EXPECT_EQ(activity.id, boost->ap_id);
    EXPECT_EQ(activity.object_ref().id(), "https://d.test/notes/1");
    EXPECT_TRUE(activity.is_public());
    EXPECT_NE(std::find(activity.cc.begin(), activity.cc.end(), "https://d.test/users/dave"),
              activity.cc.end());
  }
  EXPECT_EQ(inboxes, (std::set<std::string>{"https://b.test/inbox", "https://c.test/inbox",
                                            "https://d.test/inbox"}));
  ASSERT_TRUE(people_->unreblog(alice_, post.id).ok());
  auto undo = queued();
  ASSERT_EQ(undo.size(), 3u);
  EXPECT_EQ(undo[0].second.kind, as::Kind::undo);
  ASSERT_NE(undo[0].second.object_ref().get(), nullptr);
  EXPECT_EQ(undo[0].second.object_ref().get()->id, boost->ap_id);
  EXPECT_EQ(people_->unreblog(alice_, post.id).error().kind, core::ErrorKind::not_found);
}

TEST_F(PeopleOutbox, MentionsAreTaggedAddressedDeliveredAndLinked) {
  const Id dave = remote("dave", "d.test");
  auto post = people_->publish_note(alice_, {.markdown = "Hi @dave@d.test!", .mentions = {dave}});
  ASSERT_TRUE(post.ok()) << post.error().message;
  EXPECT_NE(post->content_html.find("<span class=\"h-card\"><a href=\"https://d.test/users/dave\" "
                                    "class=\"u-url mention\">@<span>dave</span></a></span>!"),
            std::string::npos)
      << post->content_html;
  auto sent = queued();
  ASSERT_EQ(sent.size(), 3u) << "the followers and dave";
  const as::Object* note = sent[0].second.object_ref().get();
  ASSERT_NE(note, nullptr);
  ASSERT_EQ(note->tag.size(), 1u);
  ASSERT_NE(note->tag[0].get(), nullptr);
  EXPECT_EQ(note->tag[0].get()->kind, as::Kind::mention);
  EXPECT_EQ(note->tag[0].get()->href, "https://d.test/users/dave");
  EXPECT_EQ(note->tag[0].get()->name, "@dave@d.test");
  EXPECT_NE(std::find(note->cc.begin(), note->cc.end(), "https://d.test/users/dave"),
            note->cc.end());
  EXPECT_EQ(db_->read([&](storage::Tx& tx) { return tx.client_api().mentions(post->id); }).value(),
            std::vector<Id>{dave});

  // GET /posts/{id} serves the same object, Mention tag and addressing included.
  auto served = db_->read([&](storage::Tx& tx) {
    return federation::discovery::find_local_post(tx, federation::Urls("https://a.test"), post->id);
  });
  ASSERT_TRUE(served.ok()) << served.error().message;
  EXPECT_EQ(federation::discovery::post_object(*served), *note);
}

TEST_F(PeopleOutbox, VisibilityDecidesAddressingAndDeliveryAsMastodonDoes) {
  const Id dave = remote("dave", "d.test");  // not a follower
  const std::string followers = "https://a.test/users/alice/followers";
  const std::string public_ = std::string(as::kPublic);
  const std::string dave_id = "https://d.test/users/dave";
  using V = storage::PostVisibility;
  struct Sent {
    std::set<std::string> inboxes;
    as::Object activity;
  };
  const auto sent_once = [&] {
    Sent out;
    for (auto& [inbox, activity] : queued()) {
      out.inboxes.insert(inbox);
      out.activity = activity;
    }
    return out;
  };
  const auto publish = [&](V visibility, std::vector<Id> mentions,
                           std::optional<Id> in_reply_to = std::nullopt) {
    auto post = people_->publish_note(alice_, {.markdown = "to some",
                                               .in_reply_to = in_reply_to,
                                               .mentions = std::move(mentions),
                                               .visibility = visibility});
    EXPECT_TRUE(post.ok()) << post.error().message;
    return post.value();
  };
  const std::set<std::string> both{"https://b.test/inbox", "https://c.test/inbox"};

  publish(V::unlisted, {});
  Sent unlisted = sent_once();
  EXPECT_EQ(unlisted.inboxes, both);
  EXPECT_EQ(unlisted.activity.to, std::vector<std::string>{followers});
  EXPECT_EQ(unlisted.activity.cc, std::vector<std::string>{public_});

  publish(V::private_, {dave});
  Sent followers_only = sent_once();
  EXPECT_EQ(followers_only.inboxes,
            (std::set<std::string>{"https://b.test/inbox", "https://c.test/inbox",
                                   "https://d.test/inbox"}));
  EXPECT_EQ(followers_only.activity.to, std::vector<std::string>{followers});
  EXPECT_EQ(followers_only.activity.cc, std::vector<std::string>{dave_id});
  EXPECT_FALSE(followers_only.activity.is_public());
  ASSERT_NE(followers_only.activity.object_ref().get(), nullptr);
  EXPECT_EQ(followers_only.activity.object_ref().get()->to, followers_only.activity.to);

  const storage::Post dm = publish(V::direct, {dave});
  Sent direct = sent_once();
  EXPECT_EQ(direct.inboxes, std::set<std::string>{"https://d.test/inbox"}) << "dave only";
  EXPECT_EQ(direct.activity.to, std::vector<std::string>{dave_id});
  EXPECT_TRUE(direct.activity.cc.empty());
  // An edit and the deletion go where the post went, addressed alike.
  ASSERT_TRUE(people_->edit_note(alice_, dm.id, {.markdown = "edited"}).ok());
  Sent edit = sent_once();
  EXPECT_EQ(edit.activity.kind, as::Kind::update);
  EXPECT_EQ(edit.inboxes, direct.inboxes);
  EXPECT_EQ(edit.activity.to, direct.activity.to);
  EXPECT_EQ(db_->read([&](storage::Tx& tx) { return tx.posts().get(dm.id); })->visibility,
            V::direct)
      << "an edit keeps the visibility";
  ASSERT_TRUE(people_->delete_note(alice_, dm.id).ok());
  Sent deletion = sent_once();
  EXPECT_EQ(deletion.activity.kind, as::Kind::delete_);
  EXPECT_EQ(deletion.inboxes, direct.inboxes);
  EXPECT_EQ(deletion.activity.to, direct.activity.to);

  // A reply reaches the author it answers when it is public or unlisted, else only if named.
  const storage::Post daves = db_->transact([&](storage::Tx& tx) {
                                   storage::NewPost p;
                                   p.ap_id = "https://d.test/notes/2";
                                   p.author_id = dave;
                                   p.content_html = "<p>ask me</p>";
                                   p.is_local = false;
                                   return tx.posts().create(p);
                                 })
                                  .value();
  publish(V::private_, {}, daves.id);
  EXPECT_EQ(sent_once().inboxes, both);
  publish(V::unlisted, {}, daves.id);
  EXPECT_TRUE(sent_once().inboxes.contains("https://d.test/inbox"));
}

TEST_F(PeopleOutbox, ProfileUpdatesSendUpdatePersonToFollowers) {
  storage::ActorUpdate update;
  update.display_name = std::optional<std::string>("Alice A.");
  auto updated = people_->update_profile(alice_, update);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->display_name, "Alice A.");
  auto sent = queued();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].second.kind, as::Kind::update);
  const as::Object* person = sent[0].second.object_ref().get();
  ASSERT_NE(person, nullptr);
  EXPECT_EQ(person->kind, as::Kind::person);
  EXPECT_EQ(person->id, "https://a.test/users/alice");
  EXPECT_EQ(person->name, "Alice A.");
}

TEST_F(PeopleOutbox, AnsweringAFollowRequestSendsAcceptOrReject) {
  const Id dave = remote("dave", "d.test");
  const Id erin = remote("erin", "e.test");
  db_->transact([&](storage::Tx& tx) -> core::Result<void> {
       for (Id who : {dave, erin}) {
         auto f = tx.follows().create(who, alice_, storage::FollowState::pending,
                                      "https://x.test/follows/" + std::to_string(who));
         if (!f)
           return std::move(f).error();
       }
       return {};
     })
      .value();
  ASSERT_TRUE(people_->accept_follower(alice_, dave).ok());
  ASSERT_TRUE(people_->reject_follower(alice_, erin).ok());
  auto sent = queued();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].first, "https://d.test/users/dave/inbox");
  EXPECT_EQ(sent[0].second.kind, as::Kind::accept);
  EXPECT_EQ(sent[1].second.kind, as::Kind::reject);
  ASSERT_NE(sent[1].second.object_ref().get(), nullptr);
  EXPECT_EQ(sent[1].second.object_ref().get()->id,
            "https://x.test/follows/" + std::to_string(erin));
  auto state = db_->read([&](storage::Tx& tx) { return tx.follows().get(dave, alice_); });
  EXPECT_EQ(state->state, storage::FollowState::accepted);
  EXPECT_FALSE(db_->read([&](storage::Tx& tx) { return tx.follows().get(erin, alice_); }).ok());
  EXPECT_EQ(people_->accept_follower(alice_, dave).error().kind, core::ErrorKind::not_found)
      << "nothing pending any more";
}

TEST_F(PeopleOutbox, EditAndDeleteFollowTheNote) {
  auto post = people_->publish_note(alice_, {.markdown = "first"}).value();
  queued();
  ASSERT_TRUE(people_->edit_note(alice_, post.id, {.markdown = "second"}).ok());
  auto updates = queued();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].second.kind, as::Kind::update);
  EXPECT_NE(updates[0].second.object_ref().get()->content->find("second"), std::string::npos);

  ASSERT_TRUE(people_->delete_note(alice_, post.id).ok());
  auto deletes = queued();
  ASSERT_EQ(deletes.size(), 2u);
  EXPECT_EQ(deletes[0].second.kind, as::Kind::delete_);
  EXPECT_EQ(deletes[0].second.object_ref().id(), post.ap_id);
  EXPECT_EQ(people_->edit_note(alice_, post.id, {.markdown = "again"}).error().kind,
            core::ErrorKind::not_found);
}

TEST_F(PeopleOutbox, LikeAndUnlikeGoToTheAuthorOnly) {
  const Id remote_post = db_->transact([&](storage::Tx& tx) -> core::Result<Id> {
                              auto p = tx.posts().create({.ap_id = "https://b.test/notes/1",
                                                          .author_id = bob_,
                                                          .content_html = "<p>hi</p>",
                                                          .is_local = false});
                              if (!p)
                                return std::move(p).error();
                              return p->id;
                            })
                             .value();
  ASSERT_TRUE(people_->like(alice_, remote_post).ok());
  ASSERT_TRUE(people_->like(alice_, remote_post).ok()) << "liking twice is idempotent";
  auto likes = queued();
  ASSERT_EQ(likes.size(), 1u) << "a second like sends nothing";
  EXPECT_EQ(likes[0].first, "https://b.test/users/bob/inbox");
  EXPECT_EQ(likes[0].second.kind, as::Kind::like);
  EXPECT_EQ(likes[0].second.object_ref().id(), "https://b.test/notes/1");

  ASSERT_TRUE(people_->unlike(alice_, remote_post).ok());
  auto undos = queued();
  ASSERT_EQ(undos.size(), 1u);
  EXPECT_EQ(undos[0].second.kind, as::Kind::undo);
  EXPECT_EQ(undos[0].second.object_ref().id(), likes[0].second.id) << "undoes that exact Like";
}

TEST_F(PeopleOutbox, FollowIsPendingUntilAcceptedAndUndoReferencesIt) {
  const Id dave = remote("dave", "d.test");
  auto follow = people_->follow(alice_, dave);
  ASSERT_TRUE(follow.ok()) << follow.error().message;
  EXPECT_EQ(follow->state, storage::FollowState::pending);
  auto sent = queued();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].first, "https://d.test/users/dave/inbox");
  EXPECT_EQ(sent[0].second.kind, as::Kind::follow);
  EXPECT_EQ(sent[0].second.id, follow->ap_id);

  ASSERT_TRUE(people_->unfollow(alice_, dave).ok());
  auto undo = queued();
  ASSERT_EQ(undo.size(), 1u);
  EXPECT_EQ(undo[0].second.kind, as::Kind::undo);
  EXPECT_EQ(undo[0].second.object_ref().id(), follow->ap_id);
}

// A local poll: sent as a Question, votes counted here and the tallies sent, refused once it
// ended; closing it sends the final tallies (`closed`) once.
TEST_F(PeopleOutbox, APollIsSentAsAQuestionCountsVotesAndClosesOnce) {
  federation::outbox::PollInput poll{.options = {"Tea", "Coffee"},
                                     .end_time = clock_.now() + std::chrono::hours(1)};
  auto post = people_->publish_note(alice_, {.markdown = "Tea or coffee?", .poll = poll});
  ASSERT_TRUE(post.ok()) << post.error().message;
  auto created = queued();
  ASSERT_EQ(created.size(), 2u);
  const as::Object* question = created[0].second.object_ref().get();
  ASSERT_NE(question, nullptr);
  EXPECT_EQ(question->kind, as::Kind::question);
  ASSERT_EQ(question->one_of.size(), 2u);
  EXPECT_EQ(question->one_of[1].name, "Coffee");
  EXPECT_EQ(question->one_of[1].votes, 0);
  ASSERT_TRUE(question->end_time);
  EXPECT_EQ(std::chrono::floor<std::chrono::milliseconds>(*question->end_time),
            std::chrono::floor<std::chrono::milliseconds>(*poll.end_time));

  // Votes of local people are counted here; the Update carries the tallies to the followers.
  const Id dave = db_->transact([&](storage::Tx& tx) -> core::Result<Id> {
                       storage::NewUser u;
                       u.actor.handle = "dave";
                       u.actor.ap_id = "https://a.test/users/dave";
                       u.actor.inbox_url = u.actor.ap_id + "/inbox";
                       const auto keys = federation::generate_rsa_keypair().value();
                       u.actor.public_key_id = u.actor.ap_id + "#main-key";
                       u.actor.public_key_pem = keys.public_pem;
                       u.actor.private_key_pem = keys.private_pem;
                       u.password_hash = "$argon2id$unused";
                       auto user = tx.users().create(u);
                       if (!user)
                         return std::move(user).error();
                       return user->actor.id;
                     })
                      .value();
  auto voted = people_->vote(dave, post->id, {"Coffee"});
  ASSERT_TRUE(voted.ok()) << voted.error().message;
  auto updates = queued();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].second.kind, as::Kind::update);
  EXPECT_EQ(updates[0].second.object_ref().get()->one_of[1].votes, 1);
  EXPECT_EQ(updates[0].second.object_ref().get()->voters_count, 1);
  EXPECT_EQ(people_->vote(dave, post->id, {"Tea"}).error().kind, core::ErrorKind::invalid_input);
  EXPECT_EQ(people_->vote(alice_, post->id, {"Milk"}).error().kind, core::ErrorKind::invalid_input);
  EXPECT_EQ(people_->vote(alice_, post->id, {"Tea", "Coffee"}).error().kind,
            core::ErrorKind::invalid_input);
  EXPECT_TRUE(queued().empty());

  // Nothing closes early; once it ended, votes are refused and closing sends the final tallies.
  EXPECT_EQ(people_->close_ended_polls().value(), 0u);
  clock_.advance(std::chrono::hours(2));
  EXPECT_EQ(people_->vote(alice_, post->id, {"Tea"}).error().kind, core::ErrorKind::invalid_input);
  EXPECT_EQ(people_->close_ended_polls().value(), 1u);
  auto final_tallies = queued();
  ASSERT_EQ(final_tallies.size(), 2u);
  EXPECT_TRUE(final_tallies[0].second.object_ref().get()->closed_at);
  EXPECT_EQ(people_->close_ended_polls().value(), 0u);
  EXPECT_TRUE(queued().empty());
}

// A remote person's poll: each choice is a Create(Note{name}) to its author only; our copy counts
// the vote until the author's Update brings the real tallies.
TEST_F(PeopleOutbox, AVoteOnARemotePollGoesToItsAuthorOnly) {
  const Id remote_post =
      db_->transact([&](storage::Tx& tx) -> core::Result<Id> {
           auto p = tx.posts().create({.ap_id = "https://b.test/notes/poll",
                                       .author_id = bob_,
                                       .content_html = "<p>Which?</p>"});
           if (!p)
             return std::move(p).error();
           auto poll = tx.polls().create({.post_id = p->id,
                                          .multiple = true,
                                          .end_time = clock_.now() + std::chrono::hours(1),
                                          .options = {"A", "B", "C"}});
           if (!poll)
             return std::move(poll).error();
           return p->id;
         })
          .value();
  ASSERT_TRUE(people_->vote(alice_, remote_post, {"A", "C"}).ok());
  auto sent = queued();
  ASSERT_EQ(sent.size(), 2u);
  for (const auto& [inbox, create] : sent) {
    EXPECT_EQ(inbox, "https://b.test/users/bob/inbox") << "the author's own inbox";
    EXPECT_EQ(create.kind, as::Kind::create);
    EXPECT_EQ(create.to, std::vector<std::string>{"https://b.test/users/bob"});
    const as::Object* note = create.object_ref().get();
    ASSERT_NE(note, nullptr);
    EXPECT_EQ(note->in_reply_to.id(), "https://b.test/notes/poll");
    EXPECT_FALSE(note->content);
  }
  EXPECT_EQ(sent[0].second.object_ref().get()->name, "A");
  EXPECT_EQ(sent[1].second.object_ref().get()->name, "C");
  auto copy = db_->read([&](storage::Tx& tx) { return tx.polls().get(remote_post); }).value();
  EXPECT_EQ(copy.options[0].votes, 1);
  EXPECT_EQ(copy.options[1].votes, 0);
  EXPECT_EQ(copy.voters_count, 1);
  // The one choice left is still open in a multiple-choice poll; a repeated one is not.
  EXPECT_EQ(people_->vote(alice_, remote_post, {"C"}).error().kind, core::ErrorKind::invalid_input);
  ASSERT_TRUE(people_->vote(alice_, remote_post, {"B"}).ok());
  EXPECT_EQ(queued().size(), 1u);
}

TEST_F(PeopleOutbox, RefusedInputChangesNothing) {
  EXPECT_EQ(people_->publish_note(alice_, {.markdown = ""}).error().kind,
            core::ErrorKind::invalid_input);
  EXPECT_EQ(people_->publish_note(alice_, {.markdown = std::string(70000, 'x')}).error().kind,
            core::ErrorKind::too_large);
  EXPECT_EQ(people_->publish_note(bob_, {.markdown = "I am remote"}).error().kind,
            core::ErrorKind::forbidden);
  auto post = people_->publish_note(alice_, {.markdown = "mine"}).value();
  queued();
  EXPECT_EQ(people_->publish_note(alice_, {.markdown = "x", .in_reply_to = 424242}).error().kind,
            core::ErrorKind::not_found);
  EXPECT_TRUE(queued().empty()) << "nothing queued by refused calls";
  EXPECT_EQ(people_->follow(alice_, alice_).error().kind, core::ErrorKind::invalid_input);
  auto posts =
      db_->read([&](storage::Tx& tx) { return tx.posts().list_by_author(alice_, {}); }).value();
  EXPECT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].id, post.id);
}
