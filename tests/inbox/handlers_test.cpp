// The processor and the person-level handlers, end to end from a signed POST.
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "inbox_fixture.hpp"

namespace guildhall::federation::inbox::testing {
namespace {

using nlohmann::json;

json activity(const std::string& type, const std::string& id, const std::string& actor,
              json object) {
  return json{{"@context", "https://www.w3.org/ns/activitystreams"},
              {"id", id},
              {"type", type},
              {"actor", actor},
              {"object", std::move(object)}};
}

json note(const std::string& id, const std::string& author, const std::string& content,
          const std::vector<std::string>& to) {
  return json{{"id", id},           {"type", "Note"}, {"attributedTo", author},
              {"content", content}, {"to", to},       {"published", "2026-02-28T10:00:00Z"}};
}

class Handlers : public InboxFixture {
 protected:
  storage::Post local_post(const std::string& ap_id) {
    storage::NewPost p;
    p.ap_id = ap_id;
    p.author_id = dave_.id;
    p.content_html = "<p>hello</p>";
    return db_->transact([&](storage::Tx& tx) { return tx.posts().create(p); }).value();
  }
  std::vector<storage::Reaction> reactions(storage::Id post) {
    return db_->read([&](storage::Tx& tx) { return tx.reactions().list_for_post(post, {}); })
        .value();
  }
};

TEST_F(Handlers, FollowCreatesFollowAndQueuesAccept) {
  const std::string follow_id = "https://a.example/follows/1";
  ASSERT_EQ(deliver(activity("Follow", follow_id, kAlice, kDave).dump()), 202);
  auto f = follow(alice_.id, dave_.id);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->state, storage::FollowState::accepted);
  EXPECT_EQ(f->ap_id, follow_id);
  EXPECT_EQ(enqueued_notifications_, 1);

  auto depth = deliveries();
  ASSERT_EQ(depth.pending, 1);
  auto jobs = db_->transact([&](storage::Tx& tx) {
                   storage::ClaimRequest claim;
                   claim.owner = "test";
                   claim.now = clock_.now();
                   return tx.delivery_queue().claim(claim);
                 })
                  .value();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].inbox_url, kAlice + "/inbox");
  EXPECT_EQ(jobs[0].actor_id, dave_.id);
  json accept = json::parse(jobs[0].payload);
  EXPECT_EQ(accept["type"], "Accept");
  EXPECT_EQ(accept["actor"], kDave);
  EXPECT_EQ(accept["id"].get<std::string>().rfind(kDave + "#accepts/follows/", 0), 0u);
  EXPECT_EQ(accept["object"]["type"], "Follow");
  EXPECT_EQ(accept["object"]["id"], follow_id);
  EXPECT_EQ(accept["object"]["actor"], kAlice);
  EXPECT_EQ(accept["object"]["object"], kDave);
  EXPECT_TRUE(accept.contains("@context"));
  EXPECT_EQ(processor_->stats().handled, 1u);
}

TEST_F(Handlers, DuplicateFollowHasNoSecondEffect) {
  const std::string body = activity("Follow", "https://a.example/follows/1", kAlice, kDave).dump();
  ASSERT_EQ(deliver(body), 202);
  ASSERT_EQ(deliver(body), 202);
  EXPECT_EQ(deliveries().pending, 1);
  EXPECT_EQ(processor_->stats().handled, 1u);
}

TEST_F(Handlers, FollowOfManualApproverStaysPendingWithoutAccept) {
  ASSERT_EQ(deliver(activity("Follow", "https://a.example/follows/2", kAlice, kErin).dump()), 202);
  auto f = follow(alice_.id, erin_.id);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->state, storage::FollowState::pending);
  EXPECT_EQ(deliveries().pending, 0);
  EXPECT_EQ(enqueued_notifications_, 0);
}

TEST_F(Handlers, UndoFollowRemovesIt) {
  json follow_activity = activity("Follow", "https://a.example/follows/1", kAlice, kDave);
  ASSERT_EQ(deliver(follow_activity.dump()), 202);
  ASSERT_TRUE(follow(alice_.id, dave_.id));
  ASSERT_EQ(
      deliver(activity("Undo", "https://a.example/follows/1/undo", kAlice, follow_activity).dump()),
      202);
  EXPECT_FALSE(follow(alice_.id, dave_.id));
  // SIG-26: the original Follow replayed after the Undo stays undone.
  ASSERT_EQ(deliver(follow_activity.dump()), 202);
  EXPECT_FALSE(follow(alice_.id, dave_.id));
}

TEST_F(Handlers, UndoOfSomeoneElsesFollowChangesNothing) {
  json follow_activity = activity("Follow", "https://a.example/follows/1", kAlice, kDave);
  ASSERT_EQ(deliver(follow_activity.dump()), 202);
  // Bob undoes alice's follow by id.
  ASSERT_EQ(
      deliver(
          activity("Undo", "https://b.example/undo/1", kBob, "https://a.example/follows/1").dump(),
          kBob),
      202);
  EXPECT_TRUE(follow(alice_.id, dave_.id));
  EXPECT_EQ(processor_->stats().failed, 1u);
}

TEST_F(Handlers, AcceptOfOurFollow) {
  const std::string our_follow = kDave + "#follows/1";
  db_->transact([&](storage::Tx& tx) {
       return tx.follows().create(dave_.id, alice_.id, storage::FollowState::pending, our_follow);
     })
      .value();
  // Bob cannot accept a follow of alice.
  ASSERT_EQ(
      deliver(activity("Accept", "https://b.example/accept/1", kBob, our_follow).dump(), kBob),
      202);
  EXPECT_EQ(follow(dave_.id, alice_.id)->state, storage::FollowState::pending);
  // Alice accepts, with the Follow embedded as Mastodon sends it.
  json embedded{{"id", our_follow}, {"type", "Follow"}, {"actor", kDave}, {"object", kAlice}};
  ASSERT_EQ(deliver(activity("Accept", "https://a.example/accept/1", kAlice, embedded).dump()),
            202);
  EXPECT_EQ(follow(dave_.id, alice_.id)->state, storage::FollowState::accepted);
}

TEST_F(Handlers, AcceptMatchedByActorPairAndReject) {
  db_->transact([&](storage::Tx& tx) {
       return tx.follows().create(dave_.id, alice_.id, storage::FollowState::pending,
                                  kDave + "#follows/1");
     })
      .value();
  // Some peers answer with a Follow of their own numbering: matched by the pair.
  json embedded{{"id", "https://a.example/their-copy"},
                {"type", "Follow"},
                {"actor", kDave},
                {"object", kAlice}};
  ASSERT_EQ(deliver(activity("Accept", "https://a.example/accept/2", kAlice, embedded).dump()),
            202);
  EXPECT_EQ(follow(dave_.id, alice_.id)->state, storage::FollowState::accepted);
  ASSERT_EQ(
      deliver(
          activity("Reject", "https://a.example/reject/1", kAlice, kDave + "#follows/1").dump()),
      202);
  EXPECT_FALSE(follow(dave_.id, alice_.id));
}

TEST_F(Handlers, CreateUpdateDelete) {
  const std::string id = "https://a.example/notes/1";
  json n = note(id, kAlice, "<p>hi <script>alert(1)</script><b>dave</b></p>", {kDave});
  n["inReplyTo"] = kOrigin + "/posts/unknown";
  n["summary"] = "cw";
  n["contentMap"] = {{"de", "<p>hi</p>"}};
  n["attachment"] = json::array({json{{"type", "Document"},
                                      {"mediaType", "image/png"},
                                      {"url", "https://a.example/media/1.png"},
                                      {"name", "alt text"}},
                                 json{{"type", "Document"}, {"url", "javascript:alert(1)"}}});
  ASSERT_EQ(deliver(activity("Create", id + "/activity", kAlice, n).dump()), 202);
  auto p = post_by_ap_id(id);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->author_id, alice_.id);
  EXPECT_FALSE(p->is_local);
  EXPECT_EQ(p->content_html.find("script"), std::string::npos);
  EXPECT_NE(p->content_html.find("<b>dave</b>"), std::string::npos);
  EXPECT_EQ(p->summary, "cw");
  EXPECT_TRUE(p->sensitive);
  EXPECT_FALSE(p->parent_id);
  ASSERT_EQ(p->attachments.size(), 1u);
  EXPECT_EQ(p->attachments[0].url, "https://a.example/media/1.png");
  EXPECT_EQ(p->attachments[0].description, "alt text");
  core::TimePoint published;
  ASSERT_TRUE(core::parse_rfc3339("2026-02-28T10:00:00Z", published));
  EXPECT_EQ(p->published_at, published);

  json edited = note(id, kAlice, "<p>edited</p>", {kDave});
  edited["updated"] = "2026-02-28T11:00:00Z";
  ASSERT_EQ(deliver(activity("Update", id + "/update/1", kAlice, edited).dump()), 202);
  p = post_by_ap_id(id);
  EXPECT_EQ(p->content_html, "<p>edited</p>");
  auto history = db_->read([&](storage::Tx& tx) { return tx.posts().revisions(p->id); }).value();
  EXPECT_EQ(history.size(), 1u);

  // An older Update arriving late is dropped.
  json stale = note(id, kAlice, "<p>stale</p>", {kDave});
  stale["updated"] = "2026-02-28T10:30:00Z";
  ASSERT_EQ(deliver(activity("Update", id + "/update/0", kAlice, stale).dump()), 202);
  EXPECT_EQ(post_by_ap_id(id)->content_html, "<p>edited</p>");

  json tomb{{"id", id}, {"type", "Tombstone"}};
  ASSERT_EQ(deliver(activity("Delete", id + "#delete", kAlice, tomb).dump()), 202);
  p = post_by_ap_id(id);
  EXPECT_TRUE(p->deleted_at);
  EXPECT_EQ(p->content_html, "");
  // A replayed Create (new id) does not resurrect it (ORI-19).
  ASSERT_EQ(deliver(activity("Create", id + "/activity2", kAlice, n).dump()), 202);
  EXPECT_TRUE(post_by_ap_id(id)->deleted_at);
}

TEST_F(Handlers, ReplyToKnownPostIsLinked) {
  storage::Post parent = local_post(kOrigin + "/posts/1");
  json n = note("https://a.example/notes/2", kAlice, "<p>reply</p>",
                {std::string(kOrigin) + "/users/dave"});
  n["inReplyTo"] = parent.ap_id;
  ASSERT_EQ(deliver(activity("Create", "https://a.example/notes/2/activity", kAlice, n).dump()),
            202);
  auto p = post_by_ap_id("https://a.example/notes/2");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->parent_id, parent.id);
  EXPECT_EQ(p->thread_id, parent.id);
}

// Mastodon's vote: a Note with the option as `name`, no content, replying to the Question.
json vote_note(const std::string& id, const std::string& voter, const std::string& poll,
               const std::string& option) {
  return json{
      {"id", id},       {"type", "Note"},   {"attributedTo", voter}, {"to", json::array({kDave})},
      {"name", option}, {"inReplyTo", poll}};
}

TEST_F(Handlers, VotesOnALocalPersonsPollAreCountedNotStoredAndTheTalliesGoToTheVoters) {
  const storage::Post post = local_post(kOrigin + "/posts/poll");
  ASSERT_TRUE(db_->transact([&](storage::Tx& tx) {
                   return tx.polls().create({.post_id = post.id,
                                             .end_time = t0() + std::chrono::hours(1),
                                             .options = {"Yes", "No"}});
                 })
                  .ok());
  const auto poll = [&] {
    return db_->read([&](storage::Tx& tx) { return tx.polls().get(post.id); }).value();
  };
  const std::string vote_id = "https://a.example/votes/1";
  const json vote = vote_note(vote_id, kAlice, post.ap_id, "Yes");
  ASSERT_EQ(deliver(activity("Create", vote_id + "/activity", kAlice, vote).dump()), 202);
  EXPECT_FALSE(post_by_ap_id(vote_id)) << "a vote is not a reply";
  EXPECT_EQ(poll().options[0].votes, 1);
  EXPECT_EQ(poll().voters_count, 1);
  // dave's Update(Question) with the new tallies goes to the voter.
  auto depth = deliveries();
  ASSERT_EQ(depth.pending, 1);
  EXPECT_EQ(depth.hosts.at(0).host, "a.example");

  // The same vote again (a new activity id) counts once; a second choice in a one-choice poll
  // and an unknown option are refused.
  ASSERT_EQ(deliver(activity("Create", vote_id + "/again", kAlice, vote).dump()), 202);
  const json second = vote_note("https://a.example/votes/2", kAlice, post.ap_id, "No");
  ASSERT_EQ(deliver(activity("Create", "https://a.example/votes/2/a", kAlice, second).dump()), 202);
  const json unknown = vote_note("https://b.example/votes/1", kBob, post.ap_id, "Maybe");
  ASSERT_EQ(deliver(activity("Create", "https://b.example/votes/1/a", kBob, unknown).dump(), kBob),
            202);
  EXPECT_EQ(poll().options[0].votes, 1);
  EXPECT_EQ(poll().options[1].votes, 0);
  EXPECT_EQ(poll().voters_count, 1);

  // No votes once it ended.
  clock_.advance(std::chrono::hours(2));
  const json late = vote_note("https://b.example/votes/2", kBob, post.ap_id, "No");
  ASSERT_EQ(deliver(activity("Create", "https://b.example/votes/2/a", kBob, late).dump(), kBob),
            202);
  EXPECT_EQ(poll().options[1].votes, 0);
  EXPECT_FALSE(post_by_ap_id("https://b.example/votes/2"));
}

TEST_F(Handlers, AnUpdatedQuestionRefreshesARemotePollsTalliesWithoutAnEdit) {
  const std::string id = "https://a.example/statuses/9";
  json question{
      {"id", id},
      {"type", "Question"},
      {"attributedTo", kAlice},
      {"content", "<p>Tea or coffee?</p>"},
      {"to", json::array({kDave})},
      {"published", "2026-02-28T10:00:00Z"},
      {"endTime", "2026-03-10T10:00:00Z"},
      {"votersCount", 0},
      {"anyOf", json::array({json{{"type", "Note"},
                                  {"name", "Tea"},
                                  {"replies", {{"type", "Collection"}, {"totalItems", 0}}}},
                             json{{"type", "Note"},
                                  {"name", "Coffee"},
                                  {"replies", {{"type", "Collection"}, {"totalItems", 0}}}}})}};
  ASSERT_EQ(deliver(activity("Create", id + "/activity", kAlice, question).dump()), 202);
  auto post = post_by_ap_id(id);
  ASSERT_TRUE(post);
  const auto poll = [&] {
    return db_->read([&](storage::Tx& tx) { return tx.polls().get(post->id); }).value();
  };
  EXPECT_TRUE(poll().multiple);
  ASSERT_EQ(poll().options.size(), 2u);

  question["anyOf"][0]["replies"]["totalItems"] = 3;
  question["anyOf"][1]["replies"]["totalItems"] = 2;
  question["votersCount"] = 4;
  ASSERT_EQ(deliver(activity("Update", id + "/update/1", kAlice, question).dump()), 202);
  EXPECT_EQ(poll().options[0].votes, 3);
  EXPECT_EQ(poll().options[1].votes, 2);
  EXPECT_EQ(poll().voters_count, 4);
  post = post_by_ap_id(id);
  EXPECT_FALSE(post->updated_at) << "new counts are not an edit";
  EXPECT_TRUE(
      db_->read([&](storage::Tx& tx) { return tx.posts().revisions(post->id); }).value().empty());

  // An edit that also counts: the text changes, the tallies follow.
  question["content"] = "<p>Tea, coffee or water?</p>";
  question["updated"] = "2026-02-28T12:00:00Z";
  question["votersCount"] = 5;
  ASSERT_EQ(deliver(activity("Update", id + "/update/2", kAlice, question).dump()), 202);
  EXPECT_EQ(post_by_ap_id(id)->content_html, "<p>Tea, coffee or water?</p>");
  EXPECT_EQ(poll().voters_count, 5);
  // Counts keep coming after the edit with the same `updated` (Mastodon's way).
  question["votersCount"] = 6;
  ASSERT_EQ(deliver(activity("Update", id + "/update/3", kAlice, question).dump()), 202);
  EXPECT_EQ(poll().voters_count, 6);
}

TEST_F(Handlers, CreateNotConcerningUsIsIgnored) {
  json n = note("https://a.example/notes/3", kAlice, "<p>x</p>",
                {"https://www.w3.org/ns/activitystreams#Public"});
  ASSERT_EQ(deliver(activity("Create", "https://a.example/notes/3/activity", kAlice, n).dump()),
            202);
  EXPECT_FALSE(post_by_ap_id("https://a.example/notes/3"));
  // Once dave follows alice, her public posts are stored.
  db_->transact([&](storage::Tx& tx) {
       return tx.follows().create(dave_.id, alice_.id, storage::FollowState::accepted,
                                  std::nullopt);
     })
      .value();
  n["id"] = "https://a.example/notes/4";
  ASSERT_EQ(deliver(activity("Create", "https://a.example/notes/4/activity", kAlice, n).dump()),
            202);
  EXPECT_TRUE(post_by_ap_id("https://a.example/notes/4"));
}

TEST_F(Handlers, CreateWithAnotherAuthorIsRefused) {  // ORI-02
  json n = note("https://a.example/notes/5", "https://a.example/users/eve", "<p>x</p>", {kDave});
  ASSERT_EQ(deliver(activity("Create", "https://a.example/notes/5/activity", kAlice, n).dump()),
            202);
  EXPECT_FALSE(post_by_ap_id("https://a.example/notes/5"));
  EXPECT_EQ(processor_->stats().failed, 1u);
}

TEST_F(Handlers, UpdateOrDeleteByAnotherActorIsRefused) {  // ORI-03, ORI-04
  // Eve on a.example (same origin as alice) tries to edit and delete alice's note.
  const std::string eve = "https://a.example/users/eve";
  add_remote(eve, "eve", "a.example");
  resolver_.add(eve + "#main-key", eve,
                sig::PublicKey::from_pem(sig::testing::k_bob_public).value());
  const std::string id = "https://a.example/notes/6";
  ASSERT_EQ(
      deliver(
          activity("Create", id + "/a", kAlice, note(id, kAlice, "<p>orig</p>", {kDave})).dump()),
      202);
  auto sign_as_eve = [&](const json& activity_json) {
    const std::string body = activity_json.dump();
    sig::SignRequestInput in{
        "POST", "/inbox",          "us.example", {{"Content-Type", "application/activity+json"}},
        body,   eve + "#main-key", bob_key_};
    auto added = sig::sign_request(in, clock_).value();
    InboxRequest req = signed_request(body);
    req.headers.remove("Signature");
    req.headers.remove("Date");
    req.headers.remove("Digest");
    for (auto& [k, v] : added)
      req.headers.add(k, v);
    auto r = inbox_->receive(req);
    EXPECT_TRUE(r.ok()) << r.error().message;
    processor_->process_due();
  };
  json forged = note(id, eve, "<p>forged</p>", {kDave});
  sign_as_eve(activity("Update", "https://a.example/u/1", eve, forged));
  sign_as_eve(activity("Delete", "https://a.example/d/1", eve, id));
  auto p = post_by_ap_id(id);
  EXPECT_EQ(p->content_html, "<p>orig</p>");
  EXPECT_FALSE(p->deleted_at);
}

TEST_F(Handlers, DeleteBeforeCreateKeepsItDeleted) {  // ORI-19, R-14
  const std::string id = "https://a.example/notes/7";
  ASSERT_EQ(deliver(activity("Delete", id + "#delete", kAlice, id).dump()), 202);
  ASSERT_EQ(
      deliver(activity("Create", id + "/activity", kAlice, note(id, kAlice, "<p>x</p>", {kDave}))
                  .dump()),
      202);
  EXPECT_FALSE(post_by_ap_id(id));
}

TEST_F(Handlers, LikeAndUndoLike) {
  storage::Post p = local_post(kOrigin + "/posts/1");
  json like = activity("Like", "https://a.example/likes/1", kAlice, p.ap_id);
  ASSERT_EQ(deliver(like.dump()), 202);
  auto r = reactions(p.id);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, storage::ReactionKind::like);
  EXPECT_EQ(r[0].actor_id, alice_.id);
  // The same like under a new id (a peer retrying) stays one reaction.
  ASSERT_EQ(deliver(activity("Like", "https://a.example/likes/1b", kAlice, p.ap_id).dump()), 202);
  EXPECT_EQ(reactions(p.id).size(), 1u);
  ASSERT_EQ(deliver(activity("Undo", "https://a.example/likes/1/undo", kAlice, like).dump()), 202);
  EXPECT_EQ(reactions(p.id).size(), 0u);
}

TEST_F(Handlers, DislikeReplacesLikeAndEmojiReact) {
  storage::Post p = local_post(kOrigin + "/posts/1");
  ASSERT_EQ(deliver(activity("Like", "https://a.example/likes/1", kAlice, p.ap_id).dump()), 202);
  ASSERT_EQ(deliver(activity("Dislike", "https://a.example/dislikes/1", kAlice, p.ap_id).dump()),
            202);
  json react = activity("EmojiReact", "https://a.example/react/1", kAlice, p.ap_id);
  react["content"] = "🎉";
  ASSERT_EQ(deliver(react.dump()), 202);
  auto r = reactions(p.id);
  ASSERT_EQ(r.size(), 2u);
  int dislikes = 0, emoji = 0;
  for (auto& x : r) {
    dislikes += x.kind == storage::ReactionKind::dislike;
    emoji += x.kind == storage::ReactionKind::emoji && x.emoji == "🎉";
  }
  EXPECT_EQ(dislikes, 1);
  EXPECT_EQ(emoji, 1);
}

TEST_F(Handlers, UndoLikeByIdOnly) {
  storage::Post p = local_post(kOrigin + "/posts/1");
  ASSERT_EQ(deliver(activity("Like", "https://a.example/likes/1", kAlice, p.ap_id).dump()), 202);
  ASSERT_EQ(reactions(p.id).size(), 1u);
  ASSERT_EQ(deliver(activity("Undo", "https://a.example/likes/1/undo", kAlice,
                             "https://a.example/likes/1")
                        .dump()),
            202);
  EXPECT_EQ(reactions(p.id).size(), 0u);
}

TEST_F(Handlers, CreateWithObjectByIdOnlyAndUpdateOfUnknownAreIgnored) {
  ASSERT_EQ(
      deliver(
          activity("Create", "https://a.example/c/1", kAlice, "https://a.example/notes/9").dump()),
      202);
  ASSERT_EQ(deliver(activity("Update", "https://a.example/u/1", kAlice,
                             note("https://a.example/notes/9", kAlice, "<p>x</p>", {kDave}))
                        .dump()),
            202);
  EXPECT_FALSE(post_by_ap_id("https://a.example/notes/9"));
  EXPECT_EQ(processor_->stats().handled, 2u);
  EXPECT_EQ(processor_->stats().failed, 0u);
}

// Documents as their origin serves them: what resolve_object_by_id fetches.
class ByIdObjects final : public ObjectSource {
 public:
  core::Result<activitystreams::Object> fetch(std::string_view id) override {
    fetched.emplace_back(id);
    auto it = documents.find(std::string(id));
    if (it == documents.end())
      return core::Error::not_found("404 from the origin");
    if (it->second.empty())
      return core::Error::unavailable("origin down");
    return activitystreams::parse(it->second);
  }
  std::map<std::string, std::string> documents;  // an empty body: the origin is down
  std::vector<std::string> fetched;
};

class ObjectsById : public Handlers {
 protected:
  ObjectsById() {
    ProcessorOptions options;
    options.objects = &objects_;
    processor_ = std::make_unique<InboxProcessor>(*db_, urls_, clock_, options);
  }
  ByIdObjects objects_;
};

TEST_F(ObjectsById, CreateAndUpdateByIdAreFetchedFromTheOriginThenHandled) {
  const std::string id = "https://a.example/notes/9";
  objects_.documents[id] =
      note(id, kAlice, "<p>from the origin<script>x()</script></p>", {kDave}).dump();
  ASSERT_EQ(deliver(activity("Create", "https://a.example/c/1", kAlice, id).dump()), 202);
  auto stored = post_by_ap_id(id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->content_html, "<p>from the origin</p>");  // sanitized like an embedded one
  EXPECT_EQ(objects_.fetched, std::vector<std::string>{id});

  json edited = note(id, kAlice, "<p>edited</p>", {kDave});
  edited["updated"] = "2026-03-01T10:00:00Z";
  objects_.documents[id] = edited.dump();
  ASSERT_EQ(deliver(activity("Update", "https://a.example/u/1", kAlice, id).dump()), 202);
  EXPECT_EQ(post_by_ap_id(id)->content_html, "<p>edited</p>");
  EXPECT_EQ(processor_->stats().failed, 0u);
}

TEST_F(ObjectsById, TheOriginsCopyMustBeOwnedByTheActor) {  // ORI-02: the fetched copy decides
  const std::string id = "https://a.example/notes/10";
  objects_.documents[id] = note(id, kBob, "<p>not alice's</p>", {kDave}).dump();
  ASSERT_EQ(deliver(activity("Create", "https://a.example/c/2", kAlice, id).dump()), 202);
  EXPECT_FALSE(post_by_ap_id(id));
  EXPECT_EQ(processor_->stats().failed, 1u);
}

TEST_F(ObjectsById, AnObjectOnAnotherOriginIsNeverFetched) {
  ASSERT_EQ(
      deliver(
          activity("Create", "https://a.example/c/3", kAlice, "https://b.example/notes/1").dump()),
      202);
  EXPECT_TRUE(objects_.fetched.empty());
  EXPECT_EQ(processor_->stats().failed, 1u);  // forbidden: final, never retried
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(ObjectsById, AGoneObjectFailsForGoodADownOriginIsRetried) {
  ASSERT_EQ(
      deliver(activity("Create", "https://a.example/c/4", kAlice, "https://a.example/gone").dump()),
      202);
  EXPECT_EQ(processor_->stats().failed, 1u);
  const std::string id = "https://a.example/notes/11";
  objects_.documents[id] = "";  // down
  ASSERT_EQ(deliver(activity("Create", "https://a.example/c/5", kAlice, id).dump()), 202);
  EXPECT_EQ(processor_->stats().retried, 1u);
  EXPECT_EQ(log_rows(), 1);
  // Back up: the retry stores it.
  objects_.documents[id] = note(id, kAlice, "<p>late</p>", {kDave}).dump();
  clock_.advance(std::chrono::hours(1));
  processor_->process_due();
  EXPECT_TRUE(post_by_ap_id(id));
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(ObjectsById, OurOwnIdsAndLikesByIdNeedNoFetch) {
  storage::Post mine = local_post(kOrigin + "/posts/1");
  ASSERT_EQ(deliver(activity("Like", "https://a.example/likes/1", kAlice, mine.ap_id).dump()), 202);
  EXPECT_EQ(reactions(mine.id).size(), 1u);
  ASSERT_EQ(deliver(activity("Update", "https://a.example/u/2", kAlice, mine.ap_id).dump()), 202);
  EXPECT_TRUE(objects_.fetched.empty());
}

TEST_F(Handlers, LikeOfRemoteOrUnknownPostIsIgnored) {
  ASSERT_EQ(
      deliver(
          activity("Like", "https://a.example/likes/9", kAlice, "https://b.example/p/1").dump()),
      202);
  EXPECT_EQ(processor_->stats().handled, 1u);
  EXPECT_EQ(processor_->stats().failed, 0u);
}

TEST_F(Handlers, BlockRemovesFollowsBothWays) {
  db_->transact([&](storage::Tx& tx) -> core::Result<void> {
       auto a =
           tx.follows().create(dave_.id, alice_.id, storage::FollowState::accepted, std::nullopt);
       if (!a)
         return std::move(a).error();
       auto b =
           tx.follows().create(alice_.id, dave_.id, storage::FollowState::accepted, std::nullopt);
       if (!b)
         return std::move(b).error();
       return {};
     })
      .value();
  ASSERT_EQ(deliver(activity("Block", "https://a.example/blocks/1", kAlice, kDave).dump()), 202);
  EXPECT_FALSE(follow(dave_.id, alice_.id));
  EXPECT_FALSE(follow(alice_.id, dave_.id));
}

TEST_F(Handlers, BoostNobodyHereFollowsIsIgnored) {
  ASSERT_EQ(deliver(activity("Announce", "https://a.example/announce/1", kAlice,
                             "https://b.example/notes/1")
                        .dump()),
            202);
  EXPECT_EQ(processor_->stats().handled, 1u);
  EXPECT_FALSE(post_by_ap_id("https://b.example/notes/1"));
}

TEST_F(Handlers, BoostOfOurPostIsStoredAndNotifiedAndUndoRemovesIt) {
  storage::Post mine = local_post(kOrigin + "/posts/boosted");
  const std::string announce_id = "https://a.example/users/alice/statuses/9/activity";
  ASSERT_EQ(deliver(activity("Announce", announce_id, kAlice, mine.ap_id).dump()), 202);
  const auto boosts = [&] {
    return db_->read([&](storage::Tx& tx) { return tx.client_api().count_reblogs(mine.id); })
        .value();
  };
  ASSERT_EQ(boosts(), 1);
  auto notes = db_->read([&](storage::Tx& tx) {
                    return tx.client_api().notifications(dave_.id, {"reblog"}, {});
                  })
                   .value();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].from_actor_id, alice_.id);

  // Someone else's Undo of alice's boost is refused at the door; alice's own (by id only)
  // removes it.
  EXPECT_EQ(deliver(activity("Undo", "https://b.example/undo/1", kBob, announce_id).dump()), 403);
  EXPECT_EQ(boosts(), 1);
  ASSERT_EQ(deliver(activity("Undo", "https://a.example/undo/1", kAlice, announce_id).dump()), 202);
  EXPECT_EQ(boosts(), 0);
}

TEST_F(Handlers, UndoOfABoostWithTheAnnounceEmbeddedRemovesIt) {
  storage::Post mine = local_post(kOrigin + "/posts/boosted-2");
  ASSERT_EQ(
      deliver(activity("Announce", "https://a.example/announce/2", kAlice, mine.ap_id).dump()),
      202);
  // Re-numbered by the peer: matched by the embedded Announce's object.
  ASSERT_EQ(
      deliver(activity("Undo", "https://a.example/undo/2", kAlice,
                       activity("Announce", "https://a.example/announce/other", kAlice, mine.ap_id))
                  .dump()),
      202);
  EXPECT_EQ(
      db_->read([&](storage::Tx& tx) { return tx.client_api().count_reblogs(mine.id); }).value(),
      0);
}

TEST_F(Handlers, CreateMentioningALocalPersonStoresTheMention) {
  json n = note("https://a.example/notes/mention", kAlice, "<p>@dave hi</p>", {kDave});
  n["tag"] = json::array({json{{"type", "Mention"}, {"href", kDave}, {"name", "@dave@us.example"}},
                          json{{"type", "Mention"}, {"href", kBob}, {"name", "@bob@b.example"}}});
  ASSERT_EQ(
      deliver(activity("Create", "https://a.example/notes/mention/activity", kAlice, n).dump()),
      202);
  auto p = post_by_ap_id("https://a.example/notes/mention");
  ASSERT_TRUE(p);
  auto mentioned =
      db_->read([&](storage::Tx& tx) { return tx.client_api().mentions(p->id); }).value();
  EXPECT_EQ(mentioned, (std::vector<storage::Id>{dave_.id})) << "only local people are kept";
  auto notes = db_->read([&](storage::Tx& tx) {
                    return tx.client_api().notifications(dave_.id, {"mention"}, {});
                  })
                   .value();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].post_id, std::optional<storage::Id>(p->id));
}

TEST_F(Handlers, CrashBeforeHandlingReplaysOnce) {  // rule 10, R-05
  ASSERT_TRUE(post(activity("Follow", "https://a.example/follows/1", kAlice, kDave).dump()).ok());
  processor_.reset();  // the process dies before any handler ran
  processor_ = make_processor();
  EXPECT_EQ(processor_->process_due(), 1u);
  EXPECT_TRUE(follow(alice_.id, dave_.id));
  EXPECT_EQ(processor_->process_due(), 0u);
  EXPECT_EQ(deliveries().pending, 1);
}

TEST_F(Handlers, CrashWhileLeasedIsClaimedAgainAfterTheLease) {
  ASSERT_TRUE(post(activity("Follow", "https://a.example/follows/1", kAlice, kDave).dump()).ok());
  // A processor claimed the row and died mid-handling (nothing committed).
  auto claimed =
      db_->transact([&](storage::Tx& tx) {
           return tx.inbox_log().claim("dead", clock_.now(), 10, std::chrono::minutes(5));
         })
          .value();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(processor_->process_due(), 0u);  // still leased
  clock_.advance(std::chrono::minutes(6));
  EXPECT_EQ(processor_->process_due(), 1u);
  EXPECT_TRUE(follow(alice_.id, dave_.id));
  EXPECT_EQ(deliveries().pending, 1);
}

TEST_F(Handlers, RetentionSweepForgetsOldIdsAndTombstones) {
  const std::string id = "https://a.example/notes/8";
  ASSERT_EQ(deliver(activity("Delete", id + "#delete", kAlice, id).dump()), 202);
  auto seen = [&](const std::string& ap_id) {
    return db_->read([&](storage::Tx& tx) { return tx.inbox_log().was_received(ap_id); }).value();
  };
  EXPECT_TRUE(seen(id + "#delete"));
  EXPECT_TRUE(seen("tombstone:" + id));
  EXPECT_EQ(processor_->prune().value(), 0);  // nothing old enough yet
  clock_.advance(std::chrono::hours(24 * 7 + 1));
  EXPECT_GT(processor_->prune().value(), 0);
  EXPECT_FALSE(seen(id + "#delete"));
  EXPECT_FALSE(seen("tombstone:" + id));
}

TEST_F(Handlers, PostToOneOfOurGroupsGoesToTheGroupEngine) {
  storage::NewCommunity community;
  community.actor.handle = "devs";
  community.actor.ap_id = kOrigin + "/c/devs";
  community.actor.inbox_url = community.actor.ap_id + "/inbox";
  community.owner_actor_id = dave_.id;
  db_->transact([&](storage::Tx& tx) { return tx.communities().create(community); }).value();
  json page = note("https://a.example/pages/1", kAlice, "<p>x</p>", {community.actor.ap_id});
  page["type"] = "Page";
  page["name"] = "A thread";
  page["cc"] = {kDave};
  ASSERT_EQ(deliver(activity("Create", "https://a.example/pages/1/create", kAlice, page).dump()),
            202);
  // An open public community takes it as a thread of the group, not as a post to dave.
  auto stored = post_by_ap_id("https://a.example/pages/1");
  ASSERT_TRUE(stored);
  auto group =
      db_->read([&](storage::Tx& tx) { return tx.actors().get_by_ap_id(kOrigin + "/c/devs"); });
  EXPECT_EQ(stored->community_id, group.value().id);
  EXPECT_EQ(stored->title, "A thread");
}

TEST_F(Handlers, ActorSourceIsAskedAndSelfUpdateRefetches) {
  struct Source final : ActorSource {
    int ensured = 0, refreshed = 0;
    core::Result<storage::Actor> ensure(std::string_view id) override {
      ++ensured;
      return core::Error::unavailable("peer down " + std::string(id));
    }
    core::Result<storage::Actor> refresh(std::string_view) override {
      ++refreshed;
      return core::Error::unavailable("peer down");
    }
  } source;
  ProcessorOptions options;
  options.actors = &source;
  processor_ = std::make_unique<InboxProcessor>(*db_, urls_, clock_, options);
  // A fetch failure does not block an actor we already have.
  ASSERT_EQ(deliver(activity("Follow", "https://a.example/follows/1", kAlice, kDave).dump()), 202);
  EXPECT_TRUE(follow(alice_.id, dave_.id));
  EXPECT_EQ(source.ensured, 1);
  json person{{"id", kAlice},
              {"type", "Person"},
              {"preferredUsername", "evil"},
              {"inbox", kAlice + "/inbox"}};
  ASSERT_EQ(
      deliver(activity("Update", "https://a.example/users/alice#updates/1", kAlice, person).dump()),
      202);
  EXPECT_EQ(source.refreshed, 1);
  auto stored = db_->read([&](storage::Tx& tx) { return tx.actors().get(alice_.id); }).value();
  EXPECT_EQ(stored.handle, "alice");  // the embedded copy was not used
}

TEST_F(Handlers, UnknownActorIsRetriedNotLost) {
  // A row whose actor is not in the actors table yet (key resolution did not store it).
  db_->transact([&](storage::Tx& tx) {
       storage::NewInboxActivity a;
       a.ap_id = "https://c.example/follows/1";
       a.actor = "https://c.example/users/carol";
       a.signer = a.actor;
       a.payload = activity("Follow", a.ap_id, a.actor, kDave).dump();
       return tx.inbox_log().accept(a);
     })
      .value();
  EXPECT_EQ(processor_->process_due(), 1u);
  EXPECT_EQ(processor_->stats().retried, 1u);
  EXPECT_EQ(log_rows(), 1);  // still pending, for a later attempt
}

TEST_F(Handlers, ThreadedProcessorHandlesAfterNotify) {
  processor_->start();
  // on_accepted is wired to the test counter; wake the processor explicitly as the root would.
  ASSERT_TRUE(post(activity("Follow", "https://a.example/follows/1", kAlice, kDave).dump()).ok());
  processor_->notify();
  processor_->stop();         // finishes the item in hand before joining
  processor_->process_due();  // whatever the thread had not reached yet
  EXPECT_TRUE(follow(alice_.id, dave_.id));
  EXPECT_EQ(deliveries().pending, 1);
}

}  // namespace
}  // namespace guildhall::federation::inbox::testing
