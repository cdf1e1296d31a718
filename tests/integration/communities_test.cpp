// Three Guildhall instances on loopback: A hosts a community, people on B and C join it by
// name@host and take part from their own instances. What B sends reaches C through A's Announce
// (C fetches the inner activity from B, its origin), and the other way round.
#include "guildhall/federation/outbox/communities.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include "guildhall/federation/urls.hpp"

#include "instances.hpp"

using namespace guildhall;
using namespace guildhall::testrig::instances;
using namespace std::chrono_literals;
using storage::Id;

namespace {

// The membership state of `user` (on `at`) in the community `group_ap_id`.
std::optional<storage::MemberState> state_in(const Instance& at, const std::string& group_ap_id,
                                             const std::string& user) {
  auto m = at.read([&](storage::Tx& tx) -> core::Result<storage::Membership> {
    auto group = tx.communities().get_by_ap_id(group_ap_id);
    if (!group)
      return std::move(group).error();
    auto person = tx.users().get_by_handle(user);
    if (!person)
      return std::move(person).error();
    return tx.memberships().get(group->actor.id, person->actor.id);
  });
  return m ? std::optional<storage::MemberState>(m->state) : std::nullopt;
}

class Communities : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const char* name : {"a", "b", "c"})
      instances_.push_back(Instance::make("communities", name));
    for (auto& inst : instances_)
      ASSERT_TRUE(inst->start());
    for (auto [inst, user] : {std::pair{&a(), "alice"}, {&b(), "bob"}, {&c(), "carol"}})
      ASSERT_EQ(inst->cli({"admin", "user", "create", user, "--password", "long enough pw"}).first,
                0);
    // The community on A, created through the hosting side's service API (its CLI verbs are the
    // host side's work) against A's database while A runs.
    auto db = storage::open_database("sqlite:" + (a().dir / "guildhall.db").string()).value();
    const Id alice = db->read([](storage::Tx& tx) { return tx.users().get_by_handle("alice"); })
                         .value()
                         .actor.id;
    federation::outbox::Communities hosting(*db, federation::Urls("http://" + a().host()));
    auto created = hosting.create(alice, {.handle = "guild", .title = "The Guild"});
    ASSERT_TRUE(created.ok()) << created.error().message;
  }
  static void TearDownTestSuite() {
    for (auto& inst : instances_) {
      EXPECT_TRUE(inst->stop());
      std::filesystem::remove_all(inst->dir);
    }
    instances_.clear();
  }
  static Instance& a() { return *instances_[0]; }
  static Instance& b() { return *instances_[1]; }
  static Instance& c() { return *instances_[2]; }

  static std::string group_id() { return "http://" + a().host() + "/c/guild"; }

  static std::optional<storage::MemberState> membership(const Instance& at,
                                                        const std::string& user) {
    return state_in(at, group_id(), user);
  }

  static std::optional<storage::Post> post(const Instance& at, const std::string& ap_id) {
    auto p = at.read([&](storage::Tx& tx) { return tx.posts().get_by_ap_id(ap_id); });
    if (!p)
      return std::nullopt;
    return *p;
  }

  static std::size_t reactions(const Instance& at, const std::string& ap_id) {
    auto n = at.read([&](storage::Tx& tx) -> core::Result<std::size_t> {
      auto p = tx.posts().get_by_ap_id(ap_id);
      if (!p)
        return std::move(p).error();
      auto list = tx.reactions().list_for_post(p->id, {});
      if (!list)
        return std::move(list).error();
      return list->size();
    });
    return n.ok() ? *n : 0;
  }

  // The ActivityPub id printed by `act` ("posted ID AP_ID", "commented ID AP_ID").
  static std::string printed_ap_id(const std::string& out) {
    const auto end = out.find('\n');
    const auto space = out.rfind(' ', end);
    return out.substr(space + 1, end - space - 1);
  }

  static std::vector<std::unique_ptr<Instance>> instances_;
};
std::vector<std::unique_ptr<Instance>> Communities::instances_;

}  // namespace

TEST_F(Communities, MembersOnTwoInstancesTakePartInACommunityOnAThird) {
  const std::string guild = "guild@" + a().host();
  // Join by name@host: WebFinger and the Group on A; A accepts (open community).
  auto [rc_b, out_b] = b().cli({"admin", "act", "bob", "join", guild});
  ASSERT_EQ(rc_b, 0) << out_b;
  auto [rc_c, out_c] = c().cli({"admin", "act", "carol", "join", "!" + guild});
  ASSERT_EQ(rc_c, 0) << out_c;
  ASSERT_TRUE(eventually([] {
    return membership(b(), "bob") == storage::MemberState::accepted &&
           membership(c(), "carol") == storage::MemberState::accepted;
  })) << b().server->output();

  // A thread from B reaches C through A's Announce.
  auto [rc_t, out_t] = b().cli({"admin", "act", "bob", "thread", guild, "Hello guild", "First!"});
  ASSERT_EQ(rc_t, 0) << out_t;
  const std::string thread = printed_ap_id(out_t);
  ASSERT_TRUE(eventually([&] { return post(c(), thread).has_value(); })) << c().server->output();
  EXPECT_EQ(post(c(), thread)->title, "Hello guild");
  EXPECT_TRUE(post(a(), thread).has_value());

  // A comment from C reaches B.
  auto [rc_m, out_m] = c().cli({"admin", "act", "carol", "comment", thread, "Welcome, bob"});
  ASSERT_EQ(rc_m, 0) << out_m;
  const std::string comment = printed_ap_id(out_m);
  ASSERT_TRUE(eventually([&] { return post(b(), comment).has_value(); })) << b().server->output();
  EXPECT_EQ(post(b(), comment)->thread_id, post(b(), thread)->id);

  // A vote and an emoji reaction from C reach B.
  ASSERT_EQ(c().cli({"admin", "act", "carol", "react", thread, "like"}).first, 0);
  ASSERT_EQ(c().cli({"admin", "act", "carol", "react", thread, "🎉"}).first, 0);
  ASSERT_TRUE(eventually([&] { return reactions(b(), thread) == 2; })) << b().server->output();

  // Bob edits, then deletes his thread: C follows.
  ASSERT_EQ(b().cli({"admin", "act", "bob", "edit", thread, "Edited", "Hello again"}).first, 0);
  ASSERT_TRUE(eventually([&] { return post(c(), thread)->title == "Hello again"; }))
      << c().server->output();
  ASSERT_EQ(b().cli({"admin", "act", "bob", "delete", thread}).first, 0);
  ASSERT_TRUE(eventually([&] { return post(c(), thread)->deleted_at.has_value(); }))
      << c().server->output();

  // Carol leaves.
  ASSERT_EQ(c().cli({"admin", "act", "carol", "leave", guild}).first, 0);
  EXPECT_FALSE(membership(c(), "carol").has_value());
}

namespace {

// The hosting side's service API on A, driven from the test against A's database (its CLI verbs
// are the host side's work); A's delivery worker picks the activities up on its next poll.
struct Host {
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<federation::outbox::Communities> communities;
  Id alice = 0;

  explicit Host(const Instance& a) {
    db = storage::open_database("sqlite:" + (a.dir / "guildhall.db").string()).value();
    communities = std::make_unique<federation::outbox::Communities>(
        *db, federation::Urls("http://" + a.host()));
    alice = db->read([](storage::Tx& tx) { return tx.users().get_by_handle("alice"); })
                .value()
                .actor.id;
  }
  Id post(const std::string& ap_id) {
    return db->read([&](storage::Tx& tx) { return tx.posts().get_by_ap_id(ap_id); }).value().id;
  }
  std::optional<storage::Membership> member(Id community, const std::string& actor_ap_id) {
    auto m = db->read([&](storage::Tx& tx) -> core::Result<storage::Membership> {
      auto actor = tx.actors().get_by_ap_id(actor_ap_id);
      if (!actor)
        return std::move(actor).error();
      return tx.memberships().get(community, actor->id);
    });
    if (!m)
      return std::nullopt;
    return *m;
  }
};

}  // namespace

TEST_F(Communities, ApprovalJoinIsPendingUntilAManagerApproves) {
  Host host(a());
  auto crew = host.communities->create(
      host.alice,
      {.handle = "crew", .title = "Crew", .join_policy = storage::JoinPolicy::approval});
  ASSERT_TRUE(crew.ok()) << crew.error().message;
  const std::string name = "crew@" + a().host();
  for (auto [inst, user] : {std::pair{&b(), "bob"}, {&c(), "carol"}}) {
    auto [rc, out] = inst->cli({"admin", "act", user, "join", name});
    ASSERT_EQ(rc, 0) << out;
    EXPECT_EQ(state_in(*inst, crew->actor.ap_id, user), storage::MemberState::pending);
    const std::string person = "http://" + inst->host() + "/users/" + user;
    ASSERT_TRUE(eventually([&] { return host.member(crew->actor.id, person).has_value(); }))
        << a().server->output();
    EXPECT_EQ(state_in(*inst, crew->actor.ap_id, user), storage::MemberState::pending);
    auto approved = host.communities->approve(host.alice, crew->actor.id,
                                              host.member(crew->actor.id, person)->actor_id);
    ASSERT_TRUE(approved.ok()) << approved.error().message;
  }
  ASSERT_TRUE(eventually([&] {
    return state_in(b(), crew->actor.ap_id, "bob") == storage::MemberState::accepted &&
           state_in(c(), crew->actor.ap_id, "carol") == storage::MemberState::accepted;
  }));
  // Joins approved by hand read as Lemmy's private community: addressed to the followers, never
  // Public, and stored by the host.
  auto [rc_t, out_t] = b().cli({"admin", "act", "bob", "thread", name, "Rota", "Who is on duty?"});
  ASSERT_EQ(rc_t, 0) << out_t;
  ASSERT_TRUE(eventually([&] { return post(a(), printed_ap_id(out_t)).has_value(); }));
}

TEST_F(Communities, ModerationOnTheHostReachesMembersElsewhere) {
  Host host(a());
  auto hall = host.communities->create(host.alice, {.handle = "hall", .title = "Hall"});
  ASSERT_TRUE(hall.ok()) << hall.error().message;
  const std::string name = "hall@" + a().host();
  ASSERT_EQ(b().cli({"admin", "act", "bob", "join", name}).first, 0);
  ASSERT_EQ(c().cli({"admin", "act", "carol", "join", name}).first, 0);
  ASSERT_TRUE(eventually([&] {
    return state_in(b(), hall->actor.ap_id, "bob") == storage::MemberState::accepted &&
           state_in(c(), hall->actor.ap_id, "carol") == storage::MemberState::accepted;
  }));
  auto [rc_t, out_t] = b().cli({"admin", "act", "bob", "thread", name, "Rota", "Who is on duty?"});
  ASSERT_EQ(rc_t, 0) << out_t;
  const std::string thread = printed_ap_id(out_t);
  ASSERT_TRUE(eventually([&] { return post(c(), thread).has_value(); }));
  auto [rc_m, out_m] = c().cli({"admin", "act", "carol", "comment", thread, "Me"});
  ASSERT_EQ(rc_m, 0) << out_m;
  const std::string comment = printed_ap_id(out_m);
  ASSERT_TRUE(
      eventually([&] { return post(b(), comment).has_value() && post(a(), comment).has_value(); }));

  // Pin, lock and a moderator's removal by alice on A reach B and C.
  ASSERT_TRUE(host.communities->pin(host.alice, host.post(thread), true).ok());
  ASSERT_TRUE(host.communities->lock(host.alice, host.post(thread), true).ok());
  ASSERT_TRUE(host.communities->remove_post(host.alice, host.post(comment), "off topic").ok());
  ASSERT_TRUE(eventually([&] {
    return post(c(), thread)->pinned && post(c(), thread)->locked &&
           post(b(), comment)->removed_at.has_value();
  })) << c().server->output();
  // A locked thread takes no more comments (refused on C, nothing sent).
  EXPECT_NE(c().cli({"admin", "act", "carol", "comment", thread, "Me again"}).first, 0);

  // A ban of carol reaches C: she can no longer post there.
  auto carol = host.member(hall->actor.id, "http://" + c().host() + "/users/carol");
  ASSERT_TRUE(carol);
  ASSERT_TRUE(
      host.communities->ban(host.alice, hall->actor.id, carol->actor_id, "spam", std::nullopt)
          .ok());
  ASSERT_TRUE(eventually([&] {
    return state_in(c(), hall->actor.ap_id, "carol") == storage::MemberState::banned;
  })) << c().server->output();
  EXPECT_NE(c().cli({"admin", "act", "carol", "thread", name, "Still here", "x"}).first, 0);
}

namespace {

template <typename T, typename F>
std::optional<T> read_thread_kind(const Instance& at, const std::string& ap_id, F f) {
  auto r = at.read([&](storage::Tx& tx) -> core::Result<T> {
    auto p = tx.posts().get_by_ap_id(ap_id);
    if (!p)
      return std::move(p).error();
    return f(tx, *p);
  });
  if (!r)
    return std::nullopt;
  return *r;
}

std::optional<storage::Poll> poll_at(const Instance& at, const std::string& ap_id) {
  return read_thread_kind<storage::Poll>(
      at, ap_id, [](storage::Tx& tx, const storage::Post& p) { return tx.polls().get(p.id); });
}

std::optional<storage::RsvpCounts> rsvps_at(const Instance& at, const std::string& ap_id) {
  return read_thread_kind<storage::RsvpCounts>(
      at, ap_id, [](storage::Tx& tx, const storage::Post& p) { return tx.events().counts(p.id); });
}

}  // namespace

TEST_F(Communities, QuestionsPollsAndEventsFederateToEveryMember) {
  Host host(a());
  auto forum = host.communities->create(host.alice, {.handle = "forum", .title = "Forum"});
  ASSERT_TRUE(forum.ok()) << forum.error().message;
  const std::string name = "forum@" + a().host();
  ASSERT_EQ(b().cli({"admin", "act", "bob", "join", name}).first, 0);
  ASSERT_EQ(c().cli({"admin", "act", "carol", "join", name}).first, 0);
  ASSERT_TRUE(eventually([&] {
    return state_in(b(), forum->actor.ap_id, "bob") == storage::MemberState::accepted &&
           state_in(c(), forum->actor.ap_id, "carol") == storage::MemberState::accepted;
  }));

  // Q&A: alice asks on A (CLI), bob answers from B, alice accepts his answer: C sees it.
  auto [rc_q, out_q] = a().cli(
      {"admin", "act", "alice", "thread", "forum", "How to build?", "Any tips?", "question"});
  ASSERT_EQ(rc_q, 0) << out_q;
  const std::string question = printed_ap_id(out_q);
  ASSERT_TRUE(eventually([&] { return post(b(), question).has_value(); })) << b().server->output();
  EXPECT_TRUE(post(b(), question)->is_question);
  auto [rc_a, out_a] = b().cli({"admin", "act", "bob", "comment", question, "Use cmake"});
  ASSERT_EQ(rc_a, 0) << out_a;
  const std::string answer = printed_ap_id(out_a);
  ASSERT_TRUE(eventually([&] {
    return post(a(), answer).has_value() && post(c(), answer).has_value();
  })) << c().server->output();
  auto [rc_c, out_c] = a().cli({"admin", "act", "alice", "accept-answer", answer});
  ASSERT_EQ(rc_c, 0) << out_c;
  ASSERT_TRUE(eventually([&] {
    return post(c(), question)->accepted_answer_id == post(c(), answer)->id &&
           post(b(), question)->accepted_answer_id == post(b(), answer)->id;
  })) << c().server->output();
  // Only the question's author or a moderator: carol may not.
  EXPECT_NE(c().cli({"admin", "act", "carol", "unaccept-answer", answer}).first, 0);

  // A poll on A: bob's vote from B is counted on A and the tallies reach C.
  auto [rc_p, out_p] = a().cli(
      {"admin", "act", "alice", "thread", "forum", "Lunch?", "Pick one", "poll=Pizza|Soup"});
  ASSERT_EQ(rc_p, 0) << out_p;
  const std::string poll = printed_ap_id(out_p);
  ASSERT_TRUE(eventually([&] { return poll_at(b(), poll) && poll_at(c(), poll); }))
      << b().server->output();
  EXPECT_EQ(poll_at(c(), poll)->options[1].name, "Soup");
  auto [rc_v, out_v] = b().cli({"admin", "act", "bob", "vote", poll, "Soup"});
  ASSERT_EQ(rc_v, 0) << out_v;
  ASSERT_TRUE(eventually([&] { return poll_at(a(), poll)->options[1].votes == 1; }))
      << a().server->output();
  ASSERT_TRUE(eventually([&] {
    auto p = poll_at(c(), poll);
    return p && p->options[1].votes == 1 && p->voters_count == 1;
  })) << c().server->output();
  // One vote per person, refused on B already.
  EXPECT_NE(b().cli({"admin", "act", "bob", "vote", poll, "Pizza"}).first, 0);

  // An event on A: bob answers "going" from B, carol "maybe" from C; every instance counts both.
  auto [rc_e, out_e] =
      a().cli({"admin", "act", "alice", "thread", "forum", "Meetup", "Come along",
               "event=2030-01-10T18:00:00Z", "until=2030-01-10T20:00:00Z", "place=Town hall"});
  ASSERT_EQ(rc_e, 0) << out_e;
  const std::string event = printed_ap_id(out_e);
  ASSERT_TRUE(eventually([&] { return rsvps_at(b(), event) && rsvps_at(c(), event); }))
      << b().server->output();
  ASSERT_EQ(b().cli({"admin", "act", "bob", "rsvp", event, "going"}).first, 0);
  ASSERT_EQ(c().cli({"admin", "act", "carol", "rsvp", event, "maybe"}).first, 0);
  for (const Instance* at : {&a(), &b(), &c()})
    ASSERT_TRUE(eventually([&] {
      auto n = rsvps_at(*at, event);
      return n && n->going == 1 && n->maybe == 1;
    })) << at->server->output();
}

TEST_F(Communities, AReportReachesTheAuthorsInstanceAndItsResolutionFollows) {
  Host host(a());
  auto desk = host.communities->create(host.alice, {.handle = "desk", .title = "Desk"});
  ASSERT_TRUE(desk.ok()) << desk.error().message;
  const std::string name = "desk@" + a().host();
  ASSERT_EQ(b().cli({"admin", "act", "bob", "join", name}).first, 0);
  ASSERT_EQ(c().cli({"admin", "act", "carol", "join", name}).first, 0);
  ASSERT_TRUE(eventually([&] {
    return state_in(b(), desk->actor.ap_id, "bob") == storage::MemberState::accepted &&
           state_in(c(), desk->actor.ap_id, "carol") == storage::MemberState::accepted;
  }));
  auto [rc_t, out_t] = b().cli({"admin", "act", "bob", "thread", name, "Offer", "Buy now"});
  ASSERT_EQ(rc_t, 0) << out_t;
  const std::string thread = printed_ap_id(out_t);
  ASSERT_TRUE(eventually([&] { return post(c(), thread).has_value(); }));

  // carol (C) reports bob's thread to the community on A; A forwards it to B, bob's instance.
  ASSERT_EQ(c().cli({"admin", "act", "carol", "report", thread, "spam"}).first, 0);
  const auto open_reports = [&](const Instance& at, const std::string& group) {
    return at.read([&](storage::Tx& tx) -> core::Result<std::vector<storage::CommunityReport>> {
      auto g = tx.communities().get_by_ap_id(group);
      if (!g)
        return std::move(g).error();
      return tx.community_reports().list(g->actor.id, false, {});
    });
  };
  ASSERT_TRUE(eventually([&] {
    auto on_b = open_reports(b(), desk->actor.ap_id);
    return on_b && on_b->size() == 1;
  })) << b().server->output();
  auto on_b = open_reports(b(), desk->actor.ap_id).value();
  EXPECT_EQ(on_b[0].reason, "spam");
  EXPECT_EQ(on_b[0].post_id, post(b(), thread)->id);
  EXPECT_FALSE(on_b[0].resolved_at);

  // A's moderator resolves it: recorded on A and on B.
  auto on_a = host.communities->reports(host.alice, desk->actor.id, true, {});
  ASSERT_TRUE(on_a.ok()) << on_a.error().message;
  ASSERT_EQ(on_a->size(), 1u);
  ASSERT_TRUE(host.communities->resolve_report(host.alice, (*on_a)[0].id).ok());
  ASSERT_TRUE(eventually([&] {
    auto now_b = open_reports(b(), desk->actor.ap_id);
    return now_b && now_b->size() == 1 && (*now_b)[0].resolved_at.has_value();
  })) << b().server->output();
}

// FEP-7888: C joins after a thread and its comments were written; the join's backfill takes the
// thread from A's outbox (fetched from B, its origin), then its comments from the thread's
// context collection on B (bob's from B, alice's from A).
TEST_F(Communities, ALateJoinerBackfillsTheCommentsOfAnExistingThread) {
  Host host(a());
  auto late = host.communities->create(host.alice, {.handle = "late", .title = "Late"});
  ASSERT_TRUE(late.ok()) << late.error().message;
  const std::string name = "late@" + a().host();
  ASSERT_EQ(b().cli({"admin", "act", "bob", "join", name}).first, 0);
  ASSERT_TRUE(eventually(
      [&] { return state_in(b(), late->actor.ap_id, "bob") == storage::MemberState::accepted; }));
  auto [rc_t, out_t] = b().cli({"admin", "act", "bob", "thread", name, "Old news", "Read on"});
  ASSERT_EQ(rc_t, 0) << out_t;
  const std::string thread = printed_ap_id(out_t);
  // Each reply is written once its parent reached the host: deliveries to one host may overtake
  // each other, and this test is about the late joiner, not about the host's ordering.
  ASSERT_TRUE(eventually([&] { return post(a(), thread).has_value(); })) << a().output();
  auto [rc_1, out_1] = b().cli({"admin", "act", "bob", "comment", thread, "first"});
  ASSERT_EQ(rc_1, 0) << out_1;
  const std::string first = printed_ap_id(out_1);
  ASSERT_TRUE(eventually([&] { return post(a(), first).has_value(); })) << a().output();
  auto [rc_2, out_2] = b().cli({"admin", "act", "bob", "comment", first, "second"});
  ASSERT_EQ(rc_2, 0) << out_2;
  const std::string second = printed_ap_id(out_2);
  ASSERT_TRUE(eventually([&] { return post(a(), second).has_value(); })) << a().output();
  auto [rc_3, out_3] = a().cli({"admin", "act", "alice", "comment", thread, "from the host"});
  ASSERT_EQ(rc_3, 0) << out_3;
  const std::string from_a = printed_ap_id(out_3);
  ASSERT_TRUE(eventually([&] { return post(b(), from_a).has_value(); })) << b().output();

  ASSERT_EQ(c().cli({"admin", "act", "carol", "join", name}).first, 0);
  ASSERT_TRUE(eventually([&] {
    return post(c(), second).has_value() && post(c(), from_a).has_value();
  })) << c().output();
  const auto on_c = post(c(), thread);
  ASSERT_TRUE(on_c.has_value());
  EXPECT_EQ(on_c->title, "Old news");
  EXPECT_EQ(on_c->context_url, thread + "/context");
  EXPECT_EQ(post(c(), first)->thread_id, on_c->id);
  EXPECT_EQ(post(c(), second)->parent_id, post(c(), first)->id);
  EXPECT_EQ(post(c(), from_a)->parent_id, on_c->id);
}
