// The storage reads behind discovery, on an in-memory SQLite database: visibility rules, paging,
// moderators, pinned threads, usage counts.
#include "guildhall/federation/discovery/lookup.hpp"

#include <gtest/gtest.h>

#include "guildhall/federation/discovery/collections.hpp"

namespace {

namespace disc = guildhall::federation::discovery;
namespace storage = guildhall::storage;
using guildhall::core::ErrorKind;
using guildhall::core::Id;
using guildhall::federation::Urls;

const Urls kUrls("https://guild.example");

storage::NewLocalActor new_actor(const std::string& ap_id, const std::string& handle) {
  storage::NewLocalActor a;
  a.handle = handle;
  a.ap_id = ap_id;
  a.inbox_url = Urls::inbox(ap_id);
  a.followers_url = Urls::followers(ap_id);
  return a;
}

class Lookup : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = storage::open_database("sqlite::memory:").value();
    db_->migrate().value();
  }

  template <typename F>
  auto tx(F body) {
    return db_->transact(body).value();
  }

  Id user(const std::string& handle) {
    storage::NewUser u;
    u.actor = new_actor(kUrls.user(handle), handle);
    u.password_hash = "x";
    return tx([&](storage::Tx& t) { return t.users().create(u); }).actor.id;
  }

  Id group(const std::string& handle, Id owner,
           storage::CommunityVisibility visibility = storage::CommunityVisibility::public_) {
    storage::NewCommunity c;
    c.actor = new_actor(kUrls.group(handle), handle);
    c.settings.visibility = visibility;
    c.owner_actor_id = owner;
    return tx([&](storage::Tx& t) { return t.communities().create(c); }).actor.id;
  }

  void join(Id group_id, Id actor, storage::MemberRole role = storage::MemberRole::member,
            storage::MemberState state = storage::MemberState::accepted) {
    tx([&](storage::Tx& t) {
      return t.memberships().create({group_id, actor, role, state, std::nullopt});
    });
  }

  storage::CommunityView view(const std::string& handle) {
    return db_->read([&](storage::Tx& t) { return disc::find_group(t, handle); }).value();
  }

  std::unique_ptr<storage::Database> db_;
};

TEST_F(Lookup, VisibilityRules) {
  const Id alice = user("alice");
  group("open", alice);
  group("closed", alice, storage::CommunityVisibility::private_);
  group("inside", alice, storage::CommunityVisibility::local_only);
  db_->read([&](storage::Tx& t) -> guildhall::core::Result<void> {
       EXPECT_TRUE(disc::find_person(t, "alice").ok());
       EXPECT_TRUE(disc::find_person(t, "ALICE").ok()) << "case-insensitive";
       EXPECT_EQ(disc::find_person(t, "open").error().kind, ErrorKind::not_found)
           << "a group is not a person";
       EXPECT_EQ(disc::find_person(t, "nobody").error().kind, ErrorKind::not_found);
       EXPECT_TRUE(disc::find_group(t, "open").ok());
       EXPECT_TRUE(disc::find_group(t, "closed").ok()) << "private: the actor is public";
       EXPECT_EQ(disc::find_group(t, "inside").error().kind, ErrorKind::not_found)
           << "local-only groups do not exist for other servers";
       EXPECT_EQ(disc::find_group(t, "alice").error().kind, ErrorKind::not_found);

       using Q = disc::WebfingerQuery;
       auto any = disc::resolve_webfinger(t, Q{Q::Scope::any, "open"}, kUrls);
       EXPECT_TRUE(any.ok() && any->group.has_value());
       EXPECT_FALSE(disc::resolve_webfinger(t, Q{Q::Scope::any, "inside"}, kUrls).ok());
       EXPECT_FALSE(disc::resolve_webfinger(t, Q{Q::Scope::person, "open"}, kUrls).ok());
       EXPECT_FALSE(disc::resolve_webfinger(t, Q{Q::Scope::group, "alice"}, kUrls).ok());
       auto person = disc::resolve_webfinger(t, Q{Q::Scope::person, "alice"}, kUrls);
       EXPECT_TRUE(person.ok() && !person->group.has_value());
       EXPECT_EQ(disc::resolve_webfinger(t, Q{Q::Scope::instance, ""}, kUrls).error().kind,
                 ErrorKind::not_found)
           << "no instance actor was created in this database";
       return {};
     })
      .value();
  EXPECT_TRUE(disc::members_are_public(view("open").community));
  EXPECT_FALSE(disc::members_are_public(view("closed").community));
}

TEST_F(Lookup, DeletedActorsAreFoundButNotByWebfinger) {
  const Id alice = user("alice");
  tx([&](storage::Tx& t) {
    storage::ActorUpdate u;
    u.deleted_at = std::optional{t.now()};
    return t.actors().update(alice, u);
  });
  db_->read([&](storage::Tx& t) -> guildhall::core::Result<void> {
       auto found = disc::find_person(t, "alice");
       EXPECT_TRUE(found.ok() && found->deleted_at) << "the id answers 410";
       using Q = disc::WebfingerQuery;
       EXPECT_FALSE(disc::resolve_webfinger(t, Q{Q::Scope::any, "alice"}, kUrls).ok());
       return {};
     })
      .value();
}

TEST_F(Lookup, GroupFollowersArePagedNewestFirst) {
  const Id owner = user("owner");
  const Id g = group("devs", owner);
  std::vector<std::string> joined = {kUrls.user("owner")};
  for (int i = 0; i < 44; ++i) {
    const std::string handle = "m" + std::to_string(i);
    join(g, user(handle));
    joined.push_back(kUrls.user(handle));
  }
  join(g, user("waiting"), storage::MemberRole::member, storage::MemberState::pending);
  join(g, user("banned"), storage::MemberRole::member, storage::MemberState::banned);
  const auto devs = view("devs");

  std::vector<std::string> seen;
  for (std::int64_t page = 1; page <= 3; ++page) {
    auto slice =
        db_->read([&](storage::Tx& t) { return disc::group_followers(t, devs, page); }).value();
    EXPECT_EQ(slice.total_items, 45);
    EXPECT_EQ(slice.has_more, page < 3) << page;
    EXPECT_EQ(slice.items.size(), page < 3 ? disc::kCollectionPageSize : 5u) << page;
    seen.insert(seen.end(), slice.items.begin(), slice.items.end());
  }
  std::vector<std::string> newest_first(joined.rbegin(), joined.rend());
  EXPECT_EQ(seen, newest_first) << "accepted members only, newest first, no gaps or repeats";

  auto beyond =
      db_->read([&](storage::Tx& t) { return disc::group_followers(t, devs, 4); }).value();
  EXPECT_TRUE(beyond.items.empty());
  EXPECT_FALSE(beyond.has_more);
  auto count_only =
      db_->read([&](storage::Tx& t) { return disc::group_followers(t, devs, std::nullopt); })
          .value();
  EXPECT_EQ(count_only.total_items, 45);
  EXPECT_TRUE(count_only.items.empty());
}

TEST_F(Lookup, ModeratorsAreOwnersAndModeratorsOldestFirst) {
  const Id owner = user("owner");
  const Id g = group("devs", owner);
  join(g, user("plain"));
  join(g, user("mod"), storage::MemberRole::moderator);
  join(g, user("pendingmod"), storage::MemberRole::moderator, storage::MemberState::pending);
  const auto devs = view("devs");
  auto mods = db_->read([&](storage::Tx& t) { return disc::group_moderators(t, devs); }).value();
  EXPECT_EQ(mods, (std::vector<std::string>{kUrls.user("owner"), kUrls.user("mod")}));
}

TEST_F(Lookup, PersonFollowersAndFollowing) {
  const Id alice = user("alice");
  const Id bob = user("bob");
  const Id carol = user("carol");
  tx([&](storage::Tx& t) {
    return t.follows().create(bob, alice, storage::FollowState::accepted, std::nullopt);
  });
  tx([&](storage::Tx& t) {
    return t.follows().create(carol, alice, storage::FollowState::pending, std::nullopt);
  });
  tx([&](storage::Tx& t) {
    return t.follows().create(alice, carol, storage::FollowState::accepted, std::nullopt);
  });
  db_->read([&](storage::Tx& t) -> guildhall::core::Result<void> {
       const auto a = disc::find_person(t, "alice").value();
       auto followers = disc::person_followers(t, a, 1).value();
       EXPECT_EQ(followers.total_items, 1);
       EXPECT_EQ(followers.items, std::vector<std::string>{kUrls.user("bob")});
       auto following = disc::person_following(t, a, 1).value();
       EXPECT_EQ(following.items, std::vector<std::string>{kUrls.user("carol")});
       EXPECT_FALSE(following.has_more);
       return {};
     })
      .value();
}

TEST_F(Lookup, FeaturedIsLivePinnedThreads) {
  const Id alice = user("alice");
  const Id g = group("devs", alice);
  auto post = [&](const std::string& n) {
    storage::NewPost p;
    p.ap_id = kUrls.post(n);
    p.author_id = alice;
    p.community_id = g;
    p.title = n;
    p.content_html = "<p>x</p>";
    return tx([&](storage::Tx& t) { return t.posts().create(p); }).id;
  };
  const Id pinned = post("1");
  post("2");
  const Id pinned_removed = post("3");
  const Id pinned_too = post("4");
  for (Id id : {pinned, pinned_removed, pinned_too})
    tx([&](storage::Tx& t) { return t.posts().set_pinned(id, true); });
  tx([&](storage::Tx& t) { return t.posts().set_removed(pinned_removed, true); });
  const auto devs = view("devs");
  auto featured = db_->read([&](storage::Tx& t) { return disc::group_featured(t, devs); }).value();
  std::sort(featured.begin(), featured.end());
  EXPECT_EQ(featured, (std::vector<std::string>{kUrls.post("1"), kUrls.post("4")}));
}

TEST_F(Lookup, UsageCountsUsers) {
  auto none = db_->read([](storage::Tx& t) { return disc::node_usage(t); }).value();
  EXPECT_EQ(none.users_total, 0);
  const Id alice = user("alice");
  user("bob");
  group("devs", alice);
  auto usage = db_->read([](storage::Tx& t) { return disc::node_usage(t); }).value();
  EXPECT_EQ(usage.users_total, 2) << "groups are not users";
  EXPECT_EQ(usage.users_active_month, 2);
  EXPECT_EQ(usage.users_active_halfyear, 2);
}

}  // namespace
