// The member side of remote communities in the inbox: answers to our joins, and what a followed
// group Announces (Lemmy, PieFed and Mbin payloads from /work/shared/fixtures, plus forged ones),
// applied to our copy of the community, or deliberately refused.
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "guildhall/federation/inbox/backfill.hpp"
#include "guildhall/federation/outbox/remote_communities.hpp"

#include "fixture_sender.hpp"

namespace guildhall::federation::inbox::testing {
namespace {

namespace as = guildhall::activitystreams;
using storage::Id;

// Documents "served by their origin": what the processor's prepare step fetches.
class FakeObjects final : public ObjectSource {
 public:
  core::Result<as::Object> fetch(std::string_view id) override {
    ++fetches;
    auto it = documents.find(std::string(id));
    if (it == documents.end())
      return core::Error::not_found("404");
    return as::parse(it->second);
  }
  std::map<std::string, std::string> documents;
  int fetches = 0;
};

class RemoteCommunity : public InboxFixture {
 protected:
  RemoteCommunity() {
    ProcessorOptions options;
    options.objects = &objects_;
    options.on_joined = [this](Id community) { joined_.push_back(community); };
    options.on_orphan_reply = [this](Id community, const as::Object& reply) {
      orphans_.emplace_back(community, reply);
    };
    processor_ = std::make_unique<InboxProcessor>(*db_, urls_, clock_, options);
    // dave acts through the outbox services, which want a local actor with a key.
    storage::ActorUpdate key;
    key.private_key_pem = std::optional<std::string>("test key");
    db_->transact([&](storage::Tx& tx) { return tx.actors().update(dave_.id, key); }).value();
  }

  // A remote group stored as a community (what RemoteGroups::resolve stores).
  storage::CommunityView group(const std::string& ap_id, const std::string& featured = {},
                               const std::string& moderators = {},
                               const storage::CommunitySettings& settings = {}) {
    storage::RemoteActorForm form;
    form.ap_id = ap_id;
    form.kind = storage::ActorKind::group;
    form.handle = ap_id.substr(ap_id.find_last_of('/') + 1);
    form.domain = storage::inbox_host(ap_id).value();
    form.inbox_url = ap_id + "/inbox";
    if (!featured.empty())
      form.featured_url = featured;
    if (!moderators.empty())
      form.moderators_url = moderators;
    auto view = db_->transact([&](storage::Tx& tx) {
                     return tx.communities().upsert_remote(form, settings);
                   })
                    .value();
    stub_actor(ap_id);  // its signing key
    return view;
  }

  void member(const storage::CommunityView& g, storage::MemberState state,
              std::optional<std::string> follow_id = std::nullopt) {
    storage::MembershipForm form;
    form.community_id = g.actor.id;
    form.actor_id = dave_.id;
    form.state = state;
    form.follow_ap_id = std::move(follow_id);
    db_->transact([&](storage::Tx& tx) { return tx.memberships().upsert(form); }).value();
  }

  std::optional<storage::Membership> membership(const storage::CommunityView& g) {
    auto m = db_->read([&](storage::Tx& tx) { return tx.memberships().get(g.actor.id, dave_.id); });
    if (!m)
      return std::nullopt;
    return *m;
  }

  storage::Post thread(const storage::CommunityView& g, const std::string& ap_id,
                       const std::string& author) {
    stub_actor(author);
    auto a = db_->read([&](storage::Tx& tx) { return tx.actors().get_by_ap_id(author); }).value();
    storage::NewPost p;
    p.ap_id = ap_id;
    p.author_id = a.id;
    p.community_id = g.actor.id;
    p.title = "a thread";
    p.content_html = "<p>x</p>";
    p.is_local = false;
    return db_->transact([&](storage::Tx& tx) { return tx.posts().create(p); }).value();
  }

  // dave's notifications about communities (Guildhall's own types): (type, from).
  std::vector<std::pair<std::string, Id>> community_notifications() {
    const std::vector<std::string> types(storage::kGuildhallNotificationTypes.begin(),
                                         storage::kGuildhallNotificationTypes.end());
    auto rows = db_->read(
        [&](storage::Tx& tx) { return tx.client_api().notifications(dave_.id, types, {}); });
    std::vector<std::pair<std::string, Id>> out;
    for (const auto& n : rows.value())
      out.emplace_back(n.type, n.from_actor_id);
    return out;
  }

  std::vector<storage::Post> threads(const storage::CommunityView& g) {
    return db_
        ->read([&](storage::Tx& tx) {
          storage::PageRequest page;
          page.limit = 200;
          return tx.posts().list_community_threads(g.actor.id, page);
        })
        .value();
  }

  std::vector<storage::Post> comments(Id thread_id) {
    storage::PageRequest page;
    page.oldest_first = true;
    return db_->read([&](storage::Tx& tx) { return tx.posts().list_thread(thread_id, page); })
        .value();
  }

  std::size_t reactions(Id post) {
    return db_->read([&](storage::Tx& tx) { return tx.reactions().list_for_post(post, {}); })
        .value()
        .size();
  }

  storage::Post reload(Id post) {
    return db_->read([&](storage::Tx& tx) { return tx.posts().get(post); }).value();
  }

  // Receives as the Announce's actor and handles it; the receive status.
  int announce(const std::string& body) {
    const int status = receive_as_actor(body);
    processor_->process_due();
    return status;
  }

  // The Announce a group sends of `inner` (FEP-1b12), its id under the group.
  static nlohmann::json announce_of(const std::string& group_id, nlohmann::json inner, int n = 1) {
    return nlohmann::json{{"id", group_id + "/activities/announce/" + std::to_string(n)},
                          {"type", "Announce"},
                          {"actor", group_id},
                          {"object", std::move(inner)}};
  }

  static std::string without_context(const std::string& body) {
    auto j = nlohmann::json::parse(body);
    j.erase("@context");
    return j.dump();
  }

  FakeObjects objects_;
  std::vector<Id> joined_;
  std::vector<std::pair<Id, as::Object>> orphans_;
};

const std::string kLemmyGroup = "http://enterprise.lemmy.ml/c/main";

// Not a community's: a person's boost. A post we do not have, boosted by someone dave follows, is
// fetched from its origin in the prepare step and stored with the boost.
TEST_F(RemoteCommunity, ABoostOfAnUnknownPostBySomeoneFollowedIsFetchedAndStored) {
  db_->transact([&](storage::Tx& tx) {
       return tx.follows().create(dave_.id, alice_.id, storage::FollowState::accepted,
                                  std::nullopt);
     })
      .value();
  const std::string note_id = "https://b.example/notes/77";
  objects_.documents[note_id] =
      nlohmann::json{{"@context", "https://www.w3.org/ns/activitystreams"},
                     {"id", note_id},
                     {"type", "Note"},
                     {"attributedTo", kBob},
                     {"content", "<p>worth a boost</p>"},
                     {"to", {"https://www.w3.org/ns/activitystreams#Public"}}}
          .dump();
  ASSERT_EQ(announce(nlohmann::json{{"@context", "https://www.w3.org/ns/activitystreams"},
                                    {"id", "https://a.example/announce/77"},
                                    {"type", "Announce"},
                                    {"actor", kAlice},
                                    {"object", note_id}}
                         .dump()),
            202);
  EXPECT_EQ(objects_.fetches, 1);
  auto stored = db_->read([&](storage::Tx& tx) { return tx.posts().get_by_ap_id(note_id); });
  ASSERT_TRUE(stored) << "the boosted post is stored as bob's";
  EXPECT_EQ(stored->author_id, bob_.id);
  EXPECT_EQ(stored->content_html, "<p>worth a boost</p>");
  auto home =
      db_->read([&](storage::Tx& tx) { return tx.client_api().home_timeline(dave_.id, {}); })
          .value();
  ASSERT_EQ(home.size(), 1u);
  EXPECT_EQ(home[0].post.id, stored->id);
  EXPECT_EQ(home[0].reblogged_by, std::optional<Id>(alice_.id));
}

TEST_F(RemoteCommunity, JoinIsPendingUntilTheGroupAcceptsThenBackfillIsAsked) {
  auto g = group("https://lemmy.example/c/rust");
  outbox::RemoteCommunities communities(*db_, urls_);
  auto joined = communities.join(dave_.id, g.actor.id);
  ASSERT_TRUE(joined.ok()) << joined.error().message;
  EXPECT_EQ(joined->state, storage::MemberState::pending);
  ASSERT_TRUE(joined->follow_ap_id);

  nlohmann::json accept = {{"id", "https://lemmy.example/activities/accept/1"},
                           {"type", "Accept"},
                           {"actor", g.actor.ap_id},
                           {"object",
                            {{"id", *joined->follow_ap_id},
                             {"type", "Follow"},
                             {"actor", kDave},
                             {"object", g.actor.ap_id}}}};
  ASSERT_EQ(receive_as_actor(accept.dump()), 202);
  processor_->process_due();
  EXPECT_EQ(membership(g)->state, storage::MemberState::accepted);
  ASSERT_EQ(joined_.size(), 1u);
  EXPECT_EQ(joined_[0], g.actor.id);

  // The same Accept again (another id) changes nothing and asks for no second backfill.
  accept["id"] = "https://lemmy.example/activities/accept/2";
  ASSERT_EQ(receive_as_actor(accept.dump()), 202);
  processor_->process_due();
  EXPECT_EQ(joined_.size(), 1u);
  EXPECT_TRUE(community_notifications().empty()) << "an open community's Accept is no decision";
}

// A community that approves joins by hand: its Accept is a manager's decision, logged here as the
// host logs it, and dave is notified (and told once, however often the Accept comes).
TEST_F(RemoteCommunity, TheAcceptOfAnApprovalCommunityNotifiesTheMember) {
  storage::CommunitySettings approval;
  approval.join_policy = storage::JoinPolicy::approval;
  auto g = group("https://lemmy.example/c/private", {}, {}, approval);
  outbox::RemoteCommunities communities(*db_, urls_);
  auto joined = communities.join(dave_.id, g.actor.id);
  ASSERT_TRUE(joined.ok()) << joined.error().message;
  nlohmann::json accept = {{"id", "https://lemmy.example/activities/accept/9"},
                           {"type", "Accept"},
                           {"actor", g.actor.ap_id},
                           {"object", *joined->follow_ap_id}};
  ASSERT_EQ(receive_as_actor(accept.dump()), 202);
  processor_->process_due();
  EXPECT_EQ(membership(g)->state, storage::MemberState::accepted);
  using Seen = std::vector<std::pair<std::string, Id>>;
  EXPECT_EQ(community_notifications(), (Seen{{"guildhall.join_approved", g.actor.id}}));
  auto log = db_->read([&](storage::Tx& tx) { return tx.moderation_log().list(g.actor.id, {}); });
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(log->front().moderator_id, g.actor.id) << "the host does not say which manager";
  accept["id"] = "https://lemmy.example/activities/accept/10";
  ASSERT_EQ(receive_as_actor(accept.dump()), 202);
  processor_->process_due();
  EXPECT_EQ(community_notifications().size(), 1u);
}

TEST_F(RemoteCommunity, RejectRemovesThePendingJoin) {
  auto g = group("https://lemmy.example/c/rust");
  member(g, storage::MemberState::pending, "https://us.example/activities/7");
  nlohmann::json reject = {{"id", "https://lemmy.example/activities/reject/1"},
                           {"type", "Reject"},
                           {"actor", g.actor.ap_id},
                           {"object", "https://us.example/activities/7"}};
  ASSERT_EQ(receive_as_actor(reject.dump()), 202);
  processor_->process_due();
  EXPECT_FALSE(membership(g));
  EXPECT_EQ(community_notifications(),
            (std::vector<std::pair<std::string, Id>>{{"guildhall.join_rejected", g.actor.id}}));
}

TEST_F(RemoteCommunity, OnlyTheGroupMayAcceptAJoin) {
  auto g = group("https://lemmy.example/c/rust");
  auto other = group("https://other.example/c/spam");
  member(g, storage::MemberState::pending, "https://us.example/activities/7");
  nlohmann::json accept = {{"id", "https://other.example/activities/accept/1"},
                           {"type", "Accept"},
                           {"actor", other.actor.ap_id},
                           {"object", "https://us.example/activities/7"}};
  ASSERT_EQ(receive_as_actor(accept.dump()), 202);
  processor_->process_due();
  EXPECT_EQ(membership(g)->state, storage::MemberState::pending);
  EXPECT_EQ(processor_->stats().failed, 1u);  // forbidden: final
  EXPECT_TRUE(joined_.empty());
}

TEST_F(RemoteCommunity, LemmyAnnounceOfCreatePageStoresTheThreadOnce) {
  auto g = group(kLemmyGroup);
  member(g, storage::MemberState::accepted);
  stub_actor("http://enterprise.lemmy.ml/u/lemmy_beta");
  const std::string body =
      read_file(kFixtures / "lemmy/activities/community/announce_create_page.json");
  ASSERT_EQ(announce(body), 202);
  auto stored = threads(g);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].ap_id, "http://enterprise.lemmy.ml/post/7");
  EXPECT_EQ(stored[0].title, "post 4");
  EXPECT_FALSE(stored[0].is_local);
  EXPECT_EQ(objects_.fetches, 0);  // embedded from the group's own origin: no fetch
  // Replayed under another Announce id (or the plain Announce(Page) Lemmy also sends): no copy.
  auto again = nlohmann::json::parse(body);
  again["id"] = "http://enterprise.lemmy.ml/activities/announce/again";
  ASSERT_EQ(announce(again.dump()), 202);
  EXPECT_EQ(threads(g).size(), 1u);
  EXPECT_EQ(processor_->stats().failed, 0u);
}

// A Lemmy link post: the Link attachment is the thread's link, the Image stays an attachment;
// the thread's context collection is kept for its comments.
TEST_F(RemoteCommunity, LemmyLinkPostKeepsItsLinkAndContext) {
  const std::string group_id = "https://enterprise.lemmy.ml/c/tenforward";
  auto g = group(group_id);
  member(g, storage::MemberState::accepted);
  stub_actor("https://enterprise.lemmy.ml/u/picard");
  const auto page =
      nlohmann::json::parse(read_file(kFixtures / "lemmy/objects/page_image_and_link.json"));
  const nlohmann::json create = {{"id", "https://enterprise.lemmy.ml/activities/create/9"},
                                 {"type", "Create"},
                                 {"actor", "https://enterprise.lemmy.ml/u/picard"},
                                 {"to", {group_id}},
                                 {"object", page}};
  ASSERT_EQ(announce(announce_of(group_id, create).dump()), 202);
  auto stored = threads(g);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].link_url, "https://example.com/some-article");
  ASSERT_EQ(stored[0].attachments.size(), 1u);
  EXPECT_EQ(stored[0].attachments[0].url,
            "https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png");
  EXPECT_EQ(stored[0].context_url, "https://enterprise.lemmy.ml/post/55999/context");
}

TEST_F(RemoteCommunity, AnnounceOfAGroupNobodyHereFollowsIsIgnored) {
  auto g = group(kLemmyGroup);
  member(g, storage::MemberState::pending);  // not accepted yet
  stub_actor("http://enterprise.lemmy.ml/u/lemmy_beta");
  ASSERT_EQ(announce(read_file(kFixtures / "lemmy/activities/community/announce_create_page.json")),
            202);
  EXPECT_TRUE(threads(g).empty());
  EXPECT_EQ(objects_.fetches, 0);
}

TEST_F(RemoteCommunity, PieFedCapturedAnnounceOfAForeignLikeIsFetchedFromItsOrigin) {
  auto g = group("https://lemmy.ml/c/memes");
  member(g, storage::MemberState::accepted);
  auto post = thread(g, "https://kbin.social/m/memes@lemmy.ml/t/371636/-/comment/1843783",
                     "https://kbin.social/u/someone");
  stub_actor("https://lemmy.blahaj.zone/u/RenegadeRangerX");
  const std::string body = read_file(kFixtures / "from-piefed-repo/testing_data/body_1.json");
  // The Like is from lemmy.blahaj.zone, the group on lemmy.ml: its embedded copy is not trusted.
  // First its origin does not serve it: nothing is stored.
  ASSERT_EQ(announce(body), 202);
  EXPECT_EQ(objects_.fetches, 1);
  EXPECT_EQ(reactions(post.id), 0u);
  // Then it does (a new Announce id, same Like): the vote counts.
  auto inner = nlohmann::json::parse(body)["object"];
  objects_.documents[inner["id"]] = inner.dump();
  auto again = nlohmann::json::parse(body);
  again["id"] = "https://lemmy.ml/activities/announce/again";
  ASSERT_EQ(announce(again.dump()), 202);
  EXPECT_EQ(reactions(post.id), 1u);
}

TEST_F(RemoteCommunity, PieFedCapturedAnnounceOfAForeignCommentStoresTheReply) {
  auto g = group("https://lemmy.ml/c/asklemmy");
  member(g, storage::MemberState::accepted);
  auto parent = thread(g, "https://lemm.ee/post/5204840", "https://lemm.ee/u/handsatinizer");
  stub_actor("https://lemmy.world/u/Mojave");
  const std::string body = read_file(kFixtures / "from-piefed-repo/testing_data/body_3.json");
  auto inner = nlohmann::json::parse(body)["object"];
  objects_.documents[inner["id"]] = inner.dump();
  ASSERT_EQ(announce(body), 202);
  auto replies = comments(parent.id);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].ap_id, "https://lemmy.world/comment/2744248");
  EXPECT_EQ(replies[0].community_id, g.actor.id);
  EXPECT_EQ(replies[0].content_source, "No, I'm mentally stable");
}

TEST_F(RemoteCommunity, ForgedEmbeddedContentIsReplacedByWhatTheOriginServes) {
  // ORI-06 / ORI-13: the group on g.example embeds a Create by d.example's dave with forged text.
  auto g = group("https://g.example/c/news");
  member(g, storage::MemberState::accepted);
  stub_actor("https://d.example/users/dave");
  auto create = [](const std::string& text) {
    return nlohmann::json{{"id", "https://d.example/activities/1"},
                          {"type", "Create"},
                          {"actor", "https://d.example/users/dave"},
                          {"object",
                           {{"id", "https://d.example/posts/1"},
                            {"type", "Page"},
                            {"attributedTo", "https://d.example/users/dave"},
                            {"name", "Title"},
                            {"to", {"https://g.example/c/news", std::string(as::kPublic)}},
                            {"content", text}}}};
  };
  objects_.documents["https://d.example/activities/1"] = create("<p>genuine</p>").dump();
  nlohmann::json forged = announce_of(g.actor.ap_id, create("<p>forged</p>"));
  ASSERT_EQ(announce(forged.dump()), 202);
  auto stored = threads(g);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].content_html, "<p>genuine</p>");
}

TEST_F(RemoteCommunity, AThreadOfAnotherCommunityIsRefused) {
  auto g = group("https://g.example/c/news");
  member(g, storage::MemberState::accepted);
  stub_actor("https://g.example/u/eve");
  nlohmann::json body =
      announce_of(g.actor.ap_id, {{"id", "https://g.example/activities/create/1"},
                                  {"type", "Create"},
                                  {"actor", "https://g.example/u/eve"},
                                  {"object",
                                   {{"id", "https://g.example/post/1"},
                                    {"type", "Page"},
                                    {"attributedTo", "https://g.example/u/eve"},
                                    {"name", "elsewhere"},
                                    {"to", {"https://g.example/c/other", std::string(as::kPublic)}},
                                    {"audience", "https://g.example/c/other"}}}});
  ASSERT_EQ(announce(body.dump()), 202);
  EXPECT_TRUE(threads(g).empty());
  EXPECT_EQ(processor_->stats().failed, 1u);
}

TEST_F(RemoteCommunity, OurOwnPostAnnouncedBackIsNotStoredTwice) {
  auto g = group("https://lemmy.example/c/rust");
  member(g, storage::MemberState::accepted);
  outbox::RemoteCommunities communities(*db_, urls_);
  auto post = communities.post_thread(dave_.id, g.actor.id, {.title = "Hi", .markdown = "hello"});
  ASSERT_TRUE(post.ok()) << post.error().message;
  // The group wraps our Create unchanged; receive reduces it to its id (another origin), and an
  // id on our own origin is never fetched.
  nlohmann::json body =
      announce_of(g.actor.ap_id, {{"id", "https://us.example/activities/1"},
                                  {"type", "Create"},
                                  {"actor", kDave},
                                  {"object", {{"id", post->ap_id}, {"type", "Page"}}}});
  ASSERT_EQ(announce(body.dump()), 202);
  EXPECT_EQ(threads(g).size(), 1u);
  EXPECT_EQ(objects_.fetches, 0);
  EXPECT_EQ(processor_->stats().failed, 0u);
}

TEST_F(RemoteCommunity, RemovalNeedsAModeratorOfTheGroup) {
  auto g = group("https://g.example/c/news", "", "https://g.example/c/news/moderators");
  member(g, storage::MemberState::accepted);
  auto post = thread(g, "https://g.example/post/1", "https://g.example/u/eve");
  stub_actor("https://m.example/u/mod");
  auto removal = [](int n) {
    return nlohmann::json{{"id", "https://m.example/activities/delete/" + std::to_string(n)},
                          {"type", "Delete"},
                          {"actor", "https://m.example/u/mod"},
                          {"object", "https://g.example/post/1"},
                          {"summary", "spam"}};
  };
  auto wrap = [&](int n) {
    objects_.documents[removal(n)["id"]] = removal(n).dump();
    return announce_of(g.actor.ap_id, removal(n), n).dump();
  };
  // Not in the moderators collection the group's origin serves: refused.
  objects_.documents["https://g.example/c/news/moderators"] =
      R"({"id":"https://g.example/c/news/moderators","type":"OrderedCollection","orderedItems":[]})";
  ASSERT_EQ(announce(wrap(1)), 202);
  EXPECT_FALSE(reload(post.id).removed_at);
  // Listed: the removal is applied.
  objects_.documents["https://g.example/c/news/moderators"] =
      R"({"id":"https://g.example/c/news/moderators","type":"OrderedCollection","orderedItems":["https://m.example/u/mod"]})";
  ASSERT_EQ(announce(wrap(2)), 202);
  EXPECT_TRUE(reload(post.id).removed_at);
}

TEST_F(RemoteCommunity, WordPressBlogGroupAnnouncesAnEditOfAnArticle) {
  // A WordPress blog federates as a Group announcing its authors' activities (same origin).
  auto g = group("https://pfefferle.org/@pfefferle.org");
  member(g, storage::MemberState::accepted);
  auto article =
      thread(g, "https://pfefferle.org/lemmy-part-4/", "https://pfefferle.org/author/pfefferle/");
  ASSERT_EQ(announce(read_file(kFixtures / "wordpress/activities/announce.json")), 202);
  const storage::Post now = reload(article.id);
  EXPECT_EQ(now.title, "Lemmy (Part 4)");
  EXPECT_TRUE(now.updated_at);
  EXPECT_EQ(processor_->stats().failed, 0u);
}

TEST_F(RemoteCommunity, PeerTubeChannelAnnounceOfAVideoIsFetchedAndNotStoredAsAThread) {
  // A PeerTube channel (a Group) announces a video by id: fetched from its origin, and a Video is
  // not a thread type we store (deliberately ignored, not retried).
  auto g = group("https://tilvids.com/video-channels/thelinuxexperiment_channel");
  member(g, storage::MemberState::accepted);
  const std::string video = "https://tilvids.com/videos/watch/e7946124-7b72-4ad7-9d22-844a84bb2de1";
  objects_.documents[video] = nlohmann::json{
      {"id", video},
      {"type", "Video"},
      {"name", "A video"},
      {"attributedTo",
       {"https://tilvids.com/accounts/thelinuxexperiment",
        g.actor.ap_id}}}.dump();
  stub_actor("https://tilvids.com/accounts/thelinuxexperiment");
  ASSERT_EQ(announce(read_file(kFixtures / "peertube/activities/announce_video.json")), 202);
  EXPECT_EQ(objects_.fetches, 1);
  EXPECT_FALSE(post_by_ap_id(video));
  EXPECT_EQ(processor_->stats().failed, 0u);
  EXPECT_EQ(processor_->stats().retried, 0u);
}

TEST_F(RemoteCommunity, BanWithRemoveDataRemovesThePersonsPostsInThatCommunityOnly) {
  auto g = group("https://g.example/c/news");
  auto other = group("https://g.example/c/other");
  member(g, storage::MemberState::accepted);
  member(other, storage::MemberState::accepted);
  auto spam = thread(g, "https://s.example/post/1", "https://s.example/u/spammer");
  auto elsewhere = thread(other, "https://s.example/post/2", "https://s.example/u/spammer");
  auto fine = thread(g, "https://g.example/post/3", "https://g.example/u/eve");
  nlohmann::json body = announce_of(g.actor.ap_id, {{"id", "https://g.example/activities/block/1"},
                                                    {"type", "Block"},
                                                    {"actor", "https://g.example/u/mod"},
                                                    {"object", "https://s.example/u/spammer"},
                                                    {"target", g.actor.ap_id},
                                                    {"removeData", true},
                                                    {"summary", "spam"}});
  stub_actor("https://g.example/u/mod");
  ASSERT_EQ(announce(body.dump()), 202);
  EXPECT_TRUE(reload(spam.id).removed_at);
  EXPECT_FALSE(reload(elsewhere.id).removed_at);
  EXPECT_FALSE(reload(fine.id).removed_at);
}

TEST_F(RemoteCommunity, BanOfALocalMemberBarsPosting) {
  auto g = group("https://g.example/c/news");
  member(g, storage::MemberState::accepted);
  stub_actor("https://g.example/u/mod");
  nlohmann::json body = announce_of(g.actor.ap_id, {{"id", "https://g.example/activities/block/1"},
                                                    {"type", "Block"},
                                                    {"actor", "https://g.example/u/mod"},
                                                    {"object", kDave},
                                                    {"target", g.actor.ap_id},
                                                    {"summary", "<p>rude</p>"},
                                                    {"endTime", "2026-03-08T00:00:00Z"}});
  ASSERT_EQ(announce(body.dump()), 202);
  auto m = membership(g);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->state, storage::MemberState::banned);
  EXPECT_EQ(m->ban_reason, "rude");
  EXPECT_TRUE(m->ban_expires_at);
  EXPECT_EQ(community_notifications(),
            (std::vector<std::pair<std::string, Id>>{{"guildhall.banned", g.actor.id}}));
  outbox::RemoteCommunities communities(*db_, urls_);
  auto post = communities.post_thread(dave_.id, g.actor.id, {.title = "t", .markdown = "x"});
  ASSERT_FALSE(post.ok());
  EXPECT_EQ(post.error().kind, core::ErrorKind::forbidden);
}

TEST_F(RemoteCommunity, RemoveOfAPostWithoutACollectionIsAModeratorsRemoval) {
  // Guildhall's hosting side says Remove when a moderator removes their own post.
  auto g = group("https://g.example/c/news");
  member(g, storage::MemberState::accepted);
  auto post = thread(g, "https://g.example/post/1", "https://g.example/u/mod");
  nlohmann::json body = announce_of(g.actor.ap_id, {{"id", "https://g.example/activities/remove/1"},
                                                    {"type", "Remove"},
                                                    {"actor", "https://g.example/u/mod"},
                                                    {"object", "https://g.example/post/1"},
                                                    {"summary", "duplicate"}});
  ASSERT_EQ(announce(body.dump()), 202);
  EXPECT_TRUE(reload(post.id).removed_at);
  EXPECT_FALSE(reload(post.id).deleted_at);
}

// Lemmy's moderation activities as its communities announce them (the fixtures are the inner
// activities, each from the community's own server; the Announce around them is what the
// community sends, FEP-1b12).
class LemmyModeration : public RemoteCommunity {
 protected:
  int announced(const std::string& group_id, const std::string& fixture) {
    auto inner = nlohmann::json::parse(read_file(kFixtures / "lemmy/activities" / fixture));
    stub_actor(inner["actor"]);
    return announce(announce_of(group_id, inner, ++n_).dump());
  }
  int n_ = 0;
};

TEST_F(LemmyModeration, LockAndUnlock) {
  const std::string alpha = "http://lemmy-alpha:8541/c/main";
  auto g = group(alpha);
  member(g, storage::MemberState::accepted);
  auto post = thread(g, "http://lemmy-alpha:8541/post/2", "http://lemmy-alpha:8541/u/someone");
  ASSERT_EQ(announced(alpha, "community/lock_page.json"), 202);
  EXPECT_TRUE(reload(post.id).locked);
  ASSERT_EQ(announced(alpha, "community/undo_lock_page.json"), 202);
  EXPECT_FALSE(reload(post.id).locked);
}

TEST_F(LemmyModeration, PinAndUnpin) {
  const std::string ds9 = "https://ds9.lemmy.ml/c/main";
  auto g = group(ds9, ds9 + "/featured");
  member(g, storage::MemberState::accepted);
  auto post = thread(g, "https://ds9.lemmy.ml/post/2", "https://ds9.lemmy.ml/u/someone");
  ASSERT_EQ(announced(ds9, "community/add_featured_post.json"), 202);
  EXPECT_TRUE(reload(post.id).pinned);
  ASSERT_EQ(announced(ds9, "community/remove_featured_post.json"), 202);
  EXPECT_FALSE(reload(post.id).pinned);
}

TEST_F(LemmyModeration, UpdateOfTheCommunityIsRefetchedFromItsOrigin) {
  auto g = group(kLemmyGroup);
  member(g, storage::MemberState::accepted);
  auto inner = nlohmann::json::parse(
      read_file(kFixtures / "lemmy/activities/community/update_community.json"));
  objects_.documents[inner["id"]] = inner.dump();  // the moderator's origin serves the Update
  objects_.documents[kLemmyGroup] = nlohmann::json{
      {"id", kLemmyGroup},
      {"type", "Group"},
      {"preferredUsername", "main"},
      {"name", "Served by the origin"},
      {"summary", "<p>new rules</p><script>alert(1)</script>"},
      {"inbox", kLemmyGroup + "/inbox"},
      {"postingRestrictedToMods", true}}.dump();
  ASSERT_EQ(announced(kLemmyGroup, "community/update_community.json"), 202);
  auto now = db_->read([&](storage::Tx& tx) { return tx.communities().get(g.actor.id); }).value();
  // The origin's document, not the embedded "The Updated Community".
  EXPECT_EQ(now.actor.display_name, "Served by the origin");
  EXPECT_EQ(now.community.posting_policy, storage::PostingPolicy::moderators);
  EXPECT_EQ(now.community.description_html.find("script"), std::string::npos);
  EXPECT_NE(now.community.description_html.find("new rules"), std::string::npos);
}

TEST_F(LemmyModeration, ModeratorChangesOfOthersReportsAndProfileUpdatesChangeNothingHere) {
  auto g = group(kLemmyGroup, "", kLemmyGroup + "/moderators");
  member(g, storage::MemberState::accepted);
  for (const char* name : {"community/add_mod.json", "community/remove_mod.json",
                           "community/report_page.json", "community/update_community.json"})
    EXPECT_EQ(announced(kLemmyGroup, name), 202) << name;
  EXPECT_EQ(membership(g)->role, storage::MemberRole::member);
  EXPECT_EQ(processor_->stats().retried, 0u);
  EXPECT_EQ(processor_->stats().failed, 0u);
  EXPECT_EQ(processor_->stats().db_errors, 0u);
}

// Mbin's snapshots of every Announce a magazine sends. Ids and dates are scrubbed there; this
// copy gives each file its own ids, and points the activity's target (object, inReplyTo, the
// Tombstone or edited object) at a thread of the magazine made for that file.
class MbinAnnounces : public RemoteCommunity {
 protected:
  static std::string substitute(nlohmann::json doc, const std::string& thread, int file) {
    return mbin_snapshot(std::move(doc), thread, file, 3);
  }
};

TEST_F(MbinAnnounces, EveryMagazineAnnounceSnapshotIsProcessed) {
  auto g = group("https://kbin.test/m/test", "https://kbin.test/m/test/pinned",
                 "https://kbin.test/m/test/moderators");
  member(g, storage::MemberState::accepted);
  for (const char* who :
       {"https://kbin.test/u/user", "https://kbin.test/u/user2", "https://kbin.test/u/owner"})
    stub_actor(who);
  int file = 0;
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures / "from-mbin-repo" /
                                                               "outbox-json-snapshots")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("AnnounceTest__", 0) != 0)
      continue;
    SCOPED_TRACE(name);
    const std::string thread_id = "https://kbin.test/m/test/t/" + std::to_string(++file);
    storage::Post post = thread(g, thread_id, "https://kbin.test/u/user");
    auto has = [&](const char* part) { return name.find(part) != std::string::npos; };
    if (has("UndoLike")) {
      auto user2 = db_->read([&](storage::Tx& tx) {
                        return tx.actors().get_by_ap_id("https://kbin.test/u/user2");
                      })
                       .value();
      storage::ReactionForm like;
      like.post_id = post.id;
      like.actor_id = user2.id;
      db_->transact([&](storage::Tx& tx) { return tx.reactions().add(like); }).value();
    }
    if (has("RemovePinned"))
      db_->transact([&](storage::Tx& tx) { return tx.posts().set_pinned(post.id, true); }).value();
    const auto before = processor_->stats();
    const std::size_t threads_before = threads(g).size();
    const std::string body =
        substitute(nlohmann::json::parse(read_file(entry.path())), thread_id, file);
    ASSERT_EQ(announce(body), 202);
    const auto after = processor_->stats();
    EXPECT_EQ(after.retried, before.retried);
    EXPECT_EQ(after.failed, before.failed);  // nothing Mbin announces is refused
    const storage::Post now = reload(post.id);
    if (has("testAnnounceCreateEntry__") || has("testAnnounceCreatePost__")) {
      EXPECT_EQ(threads(g).size(), threads_before + 1);
      ++checked;
    } else if (has("CreateEntryComment") || has("CreatePostComment") ||
               has("CreateNestedEntryComment") || has("CreateNestedPostComment")) {
      EXPECT_EQ(comments(post.id).size(), 1u);
      ++checked;
    } else if (has("testAnnounceLike")) {
      EXPECT_EQ(reactions(post.id), 1u);
      ++checked;
    } else if (has("UndoLike")) {
      EXPECT_EQ(reactions(post.id), 0u);
      ++checked;
    } else if (has("ByModerator")) {
      EXPECT_TRUE(now.removed_at);
      ++checked;
    } else if (has("testAnnounceDeleteEntry") || has("testAnnounceDeletePost")) {
      EXPECT_TRUE(now.deleted_at);  // by its author
      ++checked;
    } else if (has("AddPinnedPost")) {
      EXPECT_TRUE(now.pinned);
      ++checked;
    } else if (has("RemovePinnedPost")) {
      EXPECT_FALSE(now.pinned);
      ++checked;
    } else if (has("UpdateEntry") || has("UpdatePost")) {
      EXPECT_TRUE(now.updated_at);
      ++checked;
    }
  }
  EXPECT_GE(file, 50);
  EXPECT_GE(checked, 30);
  EXPECT_EQ(processor_->stats().db_errors, 0u);
}

}  // namespace
}  // namespace guildhall::federation::inbox::testing

namespace guildhall::federation::inbox::testing {
namespace {

// Backfill after a join: Lemmy's outbox fixture (Announce(Create(Page)) from the group's origin).
TEST_F(RemoteCommunity, BackfillStoresTheLatestThreadsOfTheOutbox) {
  auto outbox = nlohmann::json::parse(read_file(kFixtures / "lemmy/collections/group_outbox.json"));
  const std::string group_id = "https://ds9.lemmy.ml/c/testcom";
  storage::RemoteActorForm form;
  form.ap_id = group_id;
  form.kind = storage::ActorKind::group;
  form.handle = "testcom";
  form.domain = "ds9.lemmy.ml";
  form.inbox_url = group_id + "/inbox";
  form.outbox_url = outbox["id"];
  auto g = db_->transact([&](storage::Tx& tx) {
                return tx.communities().upsert_remote(form, storage::CommunitySettings{});
              })
               .value();
  member(g, storage::MemberState::accepted);
  stub_actor("https://ds9.lemmy.ml/u/nutomic");
  objects_.documents[outbox["id"]] = outbox.dump();
  CommunityBackfill backfill(*db_, urls_, clock_, objects_, nullptr, {.max_threads = 20});
  auto stored = backfill.run(g.actor.id);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(*stored, 2u);
  EXPECT_EQ(threads(g).size(), 2u);
  // Again: nothing new (idempotent).
  EXPECT_EQ(backfill.run(g.actor.id).value(), 0u);
  EXPECT_EQ(objects_.fetches, 2);  // the outbox twice; the Pages were embedded by their origin
}

// A thread of https://g.example/c/news by its person `ann`, and comments on it, as their origin
// serves them.
struct NewsThread {
  static constexpr const char* kGroup = "https://g.example/c/news";
  static constexpr const char* kAnn = "https://g.example/u/ann";
  static constexpr const char* kThread = "https://g.example/post/1";
  static constexpr const char* kContext = "https://g.example/post/1/context";

  static nlohmann::json page() {
    return {{"id", kThread},      {"type", "Page"}, {"attributedTo", kAnn},  {"to", {kGroup}},
            {"audience", kGroup}, {"name", "News"}, {"content", "<p>x</p>"}, {"context", kContext}};
  }
  static nlohmann::json comment(int n, const std::string& parent, bool with_context = true) {
    nlohmann::json note = {{"id", "https://g.example/comment/" + std::to_string(n)},
                           {"type", "Note"},
                           {"attributedTo", kAnn},
                           {"to", {kGroup}},
                           {"audience", kGroup},
                           {"inReplyTo", parent},
                           {"content", "<p>comment " + std::to_string(n) + "</p>"}};
    if (with_context)
      note["context"] = kContext;
    return note;
  }
};

// A comment announced for a thread we do not have is not stored, and the processor asks for its
// thread; the backfill reads the thread's context collection (FEP-7888/f228) and stores the
// thread, the comments before it, then the comment itself, each fetched from its origin.
TEST_F(RemoteCommunity, AnOrphanCommentBackfillsItsThreadFromTheContextCollection) {
  auto g = group(NewsThread::kGroup);
  member(g, storage::MemberState::accepted);
  stub_actor(NewsThread::kAnn);
  const nlohmann::json reply = NewsThread::comment(2, "https://g.example/comment/1");
  const nlohmann::json create = {{"id", "https://g.example/activities/create/2"},
                                 {"type", "Create"},
                                 {"actor", NewsThread::kAnn},
                                 {"to", {NewsThread::kGroup}},
                                 {"object", reply}};
  ASSERT_EQ(announce(announce_of(NewsThread::kGroup, create).dump()), 202);
  EXPECT_TRUE(threads(g).empty());
  ASSERT_EQ(orphans_.size(), 1u);
  EXPECT_EQ(orphans_[0].first, g.actor.id);
  EXPECT_EQ(orphans_[0].second.id, "https://g.example/comment/2");

  objects_.documents[NewsThread::kContext] = nlohmann::json{
      {"id", NewsThread::kContext},
      {"type", "OrderedCollection"},
      {"totalItems", 3},
      {"first",
       {{"id", std::string(NewsThread::kContext) + "?page=1"},
        {"type", "OrderedCollectionPage"},
        {"orderedItems", {NewsThread::kThread, "https://g.example/comment/1"}},
        {"next", std::string(NewsThread::kContext) +
                     "?page=2"}}}}.dump();
  objects_.documents[std::string(NewsThread::kContext) + "?page=2"] = nlohmann::json{
      {"id", std::string(NewsThread::kContext) + "?page=2"},
      {"type", "OrderedCollectionPage"},
      {"orderedItems", {"https://g.example/comment/2"}}}.dump();
  objects_.documents[NewsThread::kThread] = NewsThread::page().dump();
  objects_.documents["https://g.example/comment/1"] =
      NewsThread::comment(1, NewsThread::kThread).dump();
  objects_.documents["https://g.example/comment/2"] = reply.dump();

  CommunityBackfill backfill(*db_, urls_, clock_, objects_, nullptr);
  auto stored = backfill.thread_of(orphans_[0].first, orphans_[0].second);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(*stored, 3u);
  auto stored_threads = threads(g);
  ASSERT_EQ(stored_threads.size(), 1u);
  EXPECT_EQ(stored_threads[0].context_url, NewsThread::kContext);
  auto stored_comments = comments(stored_threads[0].id);
  ASSERT_EQ(stored_comments.size(), 2u);
  EXPECT_EQ(stored_comments[1].ap_id, "https://g.example/comment/2");
  EXPECT_EQ(stored_comments[1].parent_id, stored_comments[0].id);

  // A burst of comments on that thread makes one backfill: the context is not fetched again.
  const int fetches = objects_.fetches;
  EXPECT_EQ(backfill.thread_of(g.actor.id, orphans_[0].second).value(), 0u);
  EXPECT_EQ(objects_.fetches, fetches);
}

// Without a context, the parents are walked up (bounded) to the thread.
TEST_F(RemoteCommunity, AnOrphanCommentWithoutContextBackfillsItsParents) {
  auto g = group(NewsThread::kGroup);
  member(g, storage::MemberState::accepted);
  stub_actor(NewsThread::kAnn);
  objects_.documents[NewsThread::kThread] = NewsThread::page().dump();
  objects_.documents["https://g.example/comment/1"] =
      NewsThread::comment(1, NewsThread::kThread, false).dump();
  auto reply = as::parse(NewsThread::comment(2, "https://g.example/comment/1", false).dump());
  ASSERT_TRUE(reply.ok());

  CommunityBackfill backfill(*db_, urls_, clock_, objects_, nullptr, {.max_depth = 1});
  EXPECT_EQ(backfill.thread_of(g.actor.id, *reply).value(), 0u) << "the thread is deeper";
  EXPECT_TRUE(threads(g).empty());

  CommunityBackfill deeper(*db_, urls_, clock_, objects_, nullptr);
  EXPECT_EQ(deeper.thread_of(g.actor.id, *reply).value(), 3u);
  auto stored_threads = threads(g);
  ASSERT_EQ(stored_threads.size(), 1u);
  EXPECT_EQ(comments(stored_threads[0].id).size(), 2u);
}

// A thread that names another community is refused even when a context collection lists it.
TEST_F(RemoteCommunity, ContextBackfillKeepsTheCommunityRules) {
  auto g = group(NewsThread::kGroup);
  member(g, storage::MemberState::accepted);
  stub_actor(NewsThread::kAnn);
  nlohmann::json elsewhere = NewsThread::page();
  elsewhere["to"] = {"https://g.example/c/other"};
  elsewhere["audience"] = "https://g.example/c/other";
  objects_.documents[NewsThread::kThread] = elsewhere.dump();
  objects_.documents[NewsThread::kContext] = nlohmann::json{
      {"id", NewsThread::kContext},
      {"type", "OrderedCollection"},
      {"orderedItems", {NewsThread::kThread}}}.dump();
  auto reply = as::parse(NewsThread::comment(2, NewsThread::kThread).dump());
  ASSERT_TRUE(reply.ok());
  CommunityBackfill backfill(*db_, urls_, clock_, objects_, nullptr);
  EXPECT_EQ(backfill.thread_of(g.actor.id, *reply).value(), 0u);
  EXPECT_TRUE(threads(g).empty());
}

TEST_F(RemoteCommunity, BackfillRefusesAnOutboxFromAnotherOrigin) {
  auto g = group("https://g.example/c/news");
  storage::RemoteActorForm form;
  form.ap_id = g.actor.ap_id;
  form.kind = storage::ActorKind::group;
  form.handle = "news";
  form.domain = "g.example";
  form.inbox_url = g.actor.inbox_url;
  form.outbox_url = "https://g.example/c/news/outbox";
  db_->transact([&](storage::Tx& tx) {
       return tx.communities().upsert_remote(form, storage::CommunitySettings{});
     })
      .value();
  objects_.documents["https://g.example/c/news/outbox"] =
      R"({"id":"https://evil.example/outbox","type":"OrderedCollection","orderedItems":[]})";
  CommunityBackfill backfill(*db_, urls_, clock_, objects_, nullptr);
  auto stored = backfill.run(g.actor.id);
  ASSERT_FALSE(stored.ok());
  EXPECT_EQ(stored.error().kind, core::ErrorKind::forbidden);
}

}  // namespace
}  // namespace guildhall::federation::inbox::testing
