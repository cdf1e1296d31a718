#pragma once

// Conformance of the client API repositories (migration 0004: OAuth, bookmarks, idempotency keys,
// markers, timelines), instantiated per backend next to the main suite.

#include "conformance.hpp"

namespace guildhall::storage::testing {

template <typename Backend>
class ClientApiConformance : public StorageConformance<Backend> {
 protected:
  OAuthApp app(const std::string& client_id) {
    return this
        ->tx([&](Tx& t) {
          return t.oauth().create_app(
              {.client_id = client_id,
               .client_secret_hash = "secret-hash-" + client_id,
               .name = "App " + client_id,
               .website = "https://app.example",
               .redirect_uris = {"urn:ietf:wg:oauth:2.0:oob", "app://callback"},
               .scopes = {"read", "write", "follow"}});
        })
        .value();
  }
  Post post(Id author, const std::string& name, std::optional<Id> parent = std::nullopt) {
    return this
        ->tx([&](Tx& t) {
          NewPost p = parent ? new_comment(author, *parent, name) : new_thread(author, {}, name);
          p.title.reset();
          return t.posts().create(p);
        })
        .value();
  }
};

TYPED_TEST_SUITE_P(ClientApiConformance);

TYPED_TEST_P(ClientApiConformance, AppsRoundTripAndClientIdIsUnique) {
  const OAuthApp created = this->app("client-1");
  auto by_client = this->tx([](Tx& t) { return t.oauth().get_app_by_client_id("client-1"); });
  ASSERT_OK(by_client);
  EXPECT_EQ(by_client->id, created.id);
  EXPECT_EQ(by_client->redirect_uris,
            (std::vector<std::string>{"urn:ietf:wg:oauth:2.0:oob", "app://callback"}));
  EXPECT_EQ(by_client->scopes, (std::vector<std::string>{"read", "write", "follow"}));
  EXPECT_EQ(by_client->website, "https://app.example");
  EXPECT_ERROR(this->tx([](Tx& t) { return t.oauth().get_app_by_client_id("nope"); }), not_found);
  EXPECT_ERROR(this->tx([](Tx& t) {
    return t.oauth().create_app(
        {.client_id = "client-1", .client_secret_hash = "x", .name = "Dup"});
  }),
               already_exists);
}

TYPED_TEST_P(ClientApiConformance, CodesAreSingleUse) {
  const auto alice = this->user("alice");
  const OAuthApp a = this->app("client-2");
  const TimePoint expires = core::SystemClock::instance().now() + std::chrono::minutes(10);
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.oauth().create_code({.code_hash = "code-hash",
                                  .app_id = a.id,
                                  .user_id = alice.actor.id,
                                  .redirect_uri = "app://callback",
                                  .scopes = {"read", "write"},
                                  .code_challenge = "challenge",
                                  .expires_at = expires});
  }));
  auto first = this->tx([](Tx& t) { return t.oauth().consume_code("code-hash"); });
  ASSERT_OK(first);
  EXPECT_EQ(first->user_id, alice.actor.id);
  EXPECT_EQ(first->app_id, a.id);
  EXPECT_EQ(first->code_challenge, "challenge");
  EXPECT_EQ(first->scopes, (std::vector<std::string>{"read", "write"}));
  EXPECT_FALSE(first->used_at.has_value());
  EXPECT_ERROR(this->tx([](Tx& t) { return t.oauth().consume_code("code-hash"); }), conflict);
  EXPECT_ERROR(this->tx([](Tx& t) { return t.oauth().consume_code("other"); }), not_found);

  // Tokens issued for the code can be revoked together when it is replayed.
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.oauth().create_token({.token_hash = "tok-code",
                                   .app_id = a.id,
                                   .user_id = alice.actor.id,
                                   .scopes = {"read"},
                                   .code_id = first->id});
  }));
  auto revoked = this->tx([&](Tx& t) { return t.oauth().revoke_tokens_for_code("code-hash"); });
  ASSERT_OK(revoked);
  EXPECT_EQ(*revoked, 1);
  auto token = this->tx([](Tx& t) { return t.oauth().get_token_by_hash("tok-code"); });
  ASSERT_OK(token);
  EXPECT_TRUE(token->revoked_at.has_value());
}

TYPED_TEST_P(ClientApiConformance, TokensAreRevocableOnlyByTheirApp) {
  const auto alice = this->user("alice");
  const OAuthApp a = this->app("client-3");
  const OAuthApp other = this->app("client-4");
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.oauth().create_token({.token_hash = "tok-user",
                                   .app_id = a.id,
                                   .user_id = alice.actor.id,
                                   .scopes = {"read", "write"}});
  }));
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.oauth().create_token({.token_hash = "tok-app", .app_id = a.id, .scopes = {"read"}});
  }));
  auto app_token = this->tx([](Tx& t) { return t.oauth().get_token_by_hash("tok-app"); });
  ASSERT_OK(app_token);
  EXPECT_FALSE(app_token->user_id.has_value());

  const TimePoint used =
      std::chrono::time_point_cast<std::chrono::milliseconds>(core::SystemClock::instance().now());
  ASSERT_OK(this->tx([&](Tx& t) { return t.oauth().touch_token(app_token->id, used); }));
  auto touched = this->tx([](Tx& t) { return t.oauth().get_token_by_hash("tok-app"); });
  EXPECT_EQ(touched->last_used_at, used);

  auto wrong_app = this->tx([&](Tx& t) { return t.oauth().revoke_token("tok-user", other.id); });
  ASSERT_OK(wrong_app);
  EXPECT_FALSE(*wrong_app);
  auto revoked = this->tx([&](Tx& t) { return t.oauth().revoke_token("tok-user", a.id); });
  ASSERT_OK(revoked);
  EXPECT_TRUE(*revoked);
  auto again = this->tx([&](Tx& t) { return t.oauth().revoke_token("tok-user", a.id); });
  EXPECT_FALSE(*again);
  auto token = this->tx([](Tx& t) { return t.oauth().get_token_by_hash("tok-user"); });
  ASSERT_OK(token);
  EXPECT_TRUE(token->revoked_at.has_value());
  EXPECT_ERROR(this->tx([](Tx& t) { return t.oauth().get_token_by_hash("none"); }), not_found);
}

TYPED_TEST_P(ClientApiConformance, ProfilePinsAreIdempotentNewestFirstAndPerPerson) {
  const auto alice = this->user("alice");
  const auto bob = this->user("bob");
  const Post p1 = this->post(alice.actor.id, "one");
  const Post p2 = this->post(alice.actor.id, "two");
  const Id me = alice.actor.id;
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().pin_to_profile(me, p1.id); }));
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().pin_to_profile(me, p1.id); }));
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().pin_to_profile(me, p2.id); }));
  auto pins = this->tx([&](Tx& t) { return t.client_api().profile_pins(me); });
  ASSERT_OK(pins);
  EXPECT_EQ(*pins, (std::vector<Id>{p2.id, p1.id}));
  EXPECT_TRUE(*this->tx([&](Tx& t) { return t.client_api().is_pinned_to_profile(me, p1.id); }));
  EXPECT_FALSE(
      *this->tx([&](Tx& t) { return t.client_api().is_pinned_to_profile(bob.actor.id, p1.id); }));
  EXPECT_TRUE(this->tx([&](Tx& t) { return t.client_api().profile_pins(bob.actor.id); })->empty());
  EXPECT_TRUE(*this->tx([&](Tx& t) { return t.client_api().unpin_from_profile(me, p2.id); }));
  EXPECT_FALSE(*this->tx([&](Tx& t) { return t.client_api().unpin_from_profile(me, p2.id); }));
  EXPECT_EQ(*this->tx([&](Tx& t) { return t.client_api().profile_pins(me); }),
            (std::vector<Id>{p1.id}));
}

TYPED_TEST_P(ClientApiConformance, BookmarksIdempotencyAndMarkers) {
  const auto alice = this->user("alice");
  const Post p1 = this->post(alice.actor.id, "one");
  const Post p2 = this->post(alice.actor.id, "two");
  const Id me = alice.actor.id;
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().add_bookmark(me, p1.id); }));
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().add_bookmark(me, p1.id); }));
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().add_bookmark(me, p2.id); }));
  auto marks = this->tx([&](Tx& t) { return t.client_api().bookmarks(me, {}); });
  ASSERT_OK(marks);
  ASSERT_EQ(marks->size(), 2u);
  EXPECT_EQ((*marks)[0].second, p2.id);  // newest bookmark first
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().remove_bookmark(me, p2.id); }));
  EXPECT_FALSE(*this->tx([&](Tx& t) { return t.client_api().is_bookmarked(me, p2.id); }));
  EXPECT_TRUE(*this->tx([&](Tx& t) { return t.client_api().is_bookmarked(me, p1.id); }));

  const TimePoint hour_ago = core::SystemClock::instance().now() - std::chrono::hours(1);
  EXPECT_FALSE(this->tx([&](Tx& t) { return t.client_api().idempotent_post(me, "k1", hour_ago); })
                   ->has_value());
  ASSERT_OK(
      this->tx([&](Tx& t) { return t.client_api().remember_idempotent_post(me, "k1", p1.id); }));
  auto replay = this->tx([&](Tx& t) { return t.client_api().idempotent_post(me, "k1", hour_ago); });
  ASSERT_OK(replay);
  EXPECT_EQ(*replay, std::optional<Id>(p1.id));
  const TimePoint future = core::SystemClock::instance().now() + std::chrono::hours(1);
  EXPECT_FALSE(this->tx([&](Tx& t) { return t.client_api().idempotent_post(me, "k1", future); })
                   ->has_value());

  auto first = this->tx([&](Tx& t) { return t.client_api().save_marker(me, "home", "100"); });
  ASSERT_OK(first);
  EXPECT_EQ(first->version, 1);
  auto second = this->tx([&](Tx& t) { return t.client_api().save_marker(me, "home", "200"); });
  ASSERT_OK(second);
  EXPECT_EQ(second->version, 2);
  EXPECT_EQ(second->last_read_id, "200");
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.client_api().save_marker(me, "bogus", "1"); }),
               invalid_input);
  auto all = this->tx([&](Tx& t) { return t.client_api().markers(me); });
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 1u);
}

TYPED_TEST_P(ClientApiConformance, TimelinesFollowFollowsAndSkipTombstones) {
  const auto alice = this->user("alice");
  const auto bob = this->user("bob");
  const auto carol = this->user("carol");
  const Actor remote = this->remote("dave", "remote.example");
  const Post a1 = this->post(alice.actor.id, "a1");
  const Post b1 = this->post(bob.actor.id, "b1 #Rust");
  const Post c1 = this->post(carol.actor.id, "c1");
  const Post reply = this->post(carol.actor.id, "reply", a1.id);
  const Post gone = this->post(bob.actor.id, "gone");
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().soft_delete(gone.id); }));
  Post r1 = this->tx([&](Tx& t) {
                  NewPost p = new_thread(remote.id, {}, "r1");
                  p.title.reset();
                  p.is_local = false;
                  return t.posts().create(p);
                })
                .value();
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.follows().create(alice.actor.id, bob.actor.id, FollowState::accepted, std::nullopt);
  }));
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.follows().create(alice.actor.id, remote.id, FollowState::pending, std::nullopt);
  }));

  const auto ids = [](const std::vector<Post>& posts) {
    std::vector<Id> out;
    for (const auto& p : posts)
      out.push_back(p.id);
    return out;
  };
  const auto entry_ids = [](const std::vector<TimelineEntry>& entries) {
    std::vector<Id> out;
    for (const auto& e : entries)
      out.push_back(e.post.id);
    return out;
  };
  auto home = this->tx([&](Tx& t) { return t.client_api().home_timeline(alice.actor.id, {}); });
  ASSERT_OK(home);
  EXPECT_EQ(entry_ids(*home), (std::vector<Id>{b1.id, a1.id}));
  auto older = this->tx([&](Tx& t) {
    return t.client_api().home_timeline(alice.actor.id, {.before = b1.id, .limit = 5});
  });
  EXPECT_EQ(entry_ids(*older), (std::vector<Id>{a1.id}));

  auto local =
      this->tx([](Tx& t) { return t.client_api().public_timeline(PublicScope::local, {}, {}); });
  EXPECT_EQ(ids(*local), (std::vector<Id>{reply.id, c1.id, b1.id, a1.id}));
  auto remote_only =
      this->tx([](Tx& t) { return t.client_api().public_timeline(PublicScope::remote, {}, {}); });
  EXPECT_EQ(ids(*remote_only), (std::vector<Id>{r1.id}));
  auto tagged = this->tx(
      [](Tx& t) { return t.client_api().posts_containing("#rust", PublicScope::all, {}, {}); });
  EXPECT_EQ(ids(*tagged), (std::vector<Id>{b1.id}));
  auto percent = this->tx(
      [](Tx& t) { return t.client_api().posts_containing("%", PublicScope::all, {}, {}); });
  EXPECT_TRUE(percent->empty()) << "LIKE wildcards in the needle are literal";

  auto replies = this->tx([&](Tx& t) { return t.client_api().replies(a1.id); });
  EXPECT_EQ(ids(*replies), (std::vector<Id>{reply.id}));
  EXPECT_EQ(*this->tx([&](Tx& t) { return t.client_api().count_replies(a1.id); }), 1);
  EXPECT_EQ(*this->tx([&](Tx& t) { return t.client_api().count_posts_by_author(bob.actor.id); }),
            1);
  auto last = this->tx([&](Tx& t) { return t.client_api().last_post_at(bob.actor.id); });
  ASSERT_OK(last);
  EXPECT_EQ(*last, std::optional<TimePoint>(b1.published_at));

  auto found = this->tx([](Tx& t) { return t.client_api().search_actors("CAR", 10); });
  ASSERT_OK(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().handle, "carol");
}

TYPED_TEST_P(ClientApiConformance, NotificationsAreDerivedFromLikesFollowsAndReplies) {
  const auto alice = this->user("alice");
  const auto bob = this->user("bob");
  const Id me = alice.actor.id;
  const Post mine = this->post(me, "mine");
  const Post own_reply = this->post(me, "own-reply", mine.id);  // not a notification
  const Post reply = this->post(bob.actor.id, "bob-reply", mine.id);
  ASSERT_OK(this->tx(
      [&](Tx& t) { return t.reactions().add({.post_id = mine.id, .actor_id = bob.actor.id}); }));
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.reactions().add({.post_id = mine.id, .actor_id = me});  // own like: nothing
  }));
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.follows().create(bob.actor.id, me, FollowState::pending, std::nullopt);
  }));
  auto all = this->tx([&](Tx& t) { return t.client_api().notifications(me, {}, {}); });
  ASSERT_OK(all);
  std::vector<std::string> types;
  for (const auto& n : *all) {
    types.push_back(n.type);
    EXPECT_EQ(n.from_actor_id, bob.actor.id);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"follow_request", "favourite", "mention"}));
  EXPECT_EQ(all->back().post_id, std::optional<Id>(reply.id));
  EXPECT_FALSE((*all)[0].post_id.has_value());

  auto favs = this->tx([&](Tx& t) {
    return t.client_api().notifications(me, {"favourite", "mention"}, {.limit = 1});
  });
  ASSERT_OK(favs);
  ASSERT_EQ(favs->size(), 1u);
  EXPECT_EQ(favs->front().type, "favourite");
  auto older = this->tx([&](Tx& t) {
    return t.client_api().notifications(me, {"favourite", "mention"}, {.before = favs->front().id});
  });
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ(older->front().type, "mention");
  EXPECT_NE(older->front().id, own_reply.id);
  auto for_bob =
      this->tx([&](Tx& t) { return t.client_api().notifications(bob.actor.id, {}, {}); });
  EXPECT_TRUE(for_bob->empty());
}

TYPED_TEST_P(ClientApiConformance, BoostsShowInHomeAndNotifyTheAuthor) {
  const auto alice = this->user("alice");
  const auto bob = this->user("bob");
  const auto carol = this->user("carol");
  const Post c1 = this->post(carol.actor.id, "c1");
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.follows().create(alice.actor.id, bob.actor.id, FollowState::accepted, std::nullopt);
  }));
  auto boost = this->tx([&](Tx& t) {
    return t.client_api().add_reblog(bob.actor.id, c1.id, "https://h.example/a/1");
  });
  ASSERT_OK(boost);
  auto again = this->tx([&](Tx& t) {
    return t.client_api().add_reblog(bob.actor.id, c1.id, "https://h.example/a/2");
  });
  ASSERT_OK(again);
  EXPECT_EQ(again->id, boost->id) << "boosting twice keeps the first boost";
  EXPECT_EQ(again->ap_id, "https://h.example/a/1");
  EXPECT_EQ(*this->tx([&](Tx& t) { return t.client_api().count_reblogs(c1.id); }), 1);
  EXPECT_TRUE(*this->tx([&](Tx& t) { return t.client_api().is_reblogged(bob.actor.id, c1.id); }));
  EXPECT_EQ(
      this->tx([&](Tx& t) { return t.client_api().get_reblog_by_ap_id("https://h.example/a/1"); })
          ->id,
      boost->id);

  auto home = this->tx([&](Tx& t) { return t.client_api().home_timeline(alice.actor.id, {}); });
  ASSERT_OK(home);
  ASSERT_EQ(home->size(), 1u) << "carol's post, boosted by bob whom alice follows";
  EXPECT_EQ(home->front().cursor, boost->id);
  EXPECT_EQ(home->front().post.id, c1.id);
  EXPECT_EQ(home->front().reblogged_by, std::optional<Id>(bob.actor.id));

  auto by = this->tx([&](Tx& t) { return t.client_api().reblogged_by(c1.id, {}); });
  ASSERT_OK(by);
  ASSERT_EQ(by->size(), 1u);
  EXPECT_EQ(by->front(), std::make_pair(boost->id, bob.actor.id));

  auto notes =
      this->tx([&](Tx& t) { return t.client_api().notifications(carol.actor.id, {}, {}); });
  ASSERT_OK(notes);
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_EQ(notes->front().type, "reblog");
  EXPECT_EQ(notes->front().from_actor_id, bob.actor.id);

  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().remove_reblog(bob.actor.id, c1.id); }));
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.client_api().remove_reblog(bob.actor.id, c1.id); }),
               not_found);
  home = this->tx([&](Tx& t) { return t.client_api().home_timeline(alice.actor.id, {}); });
  EXPECT_TRUE(home->empty());
}

TYPED_TEST_P(ClientApiConformance, CommunityThreadsShowAsBoostsByTheCommunity) {
  const auto alice = this->user("alice");
  const auto carol = this->user("carol");
  const auto dave = this->user("dave");
  const CommunityView eng = this->community("eng", carol.actor.id);
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.memberships().create({.community_id = eng.actor.id,
                                   .actor_id = alice.actor.id,
                                   .role = MemberRole::member,
                                   .state = MemberState::accepted});
  }));
  const Post thread = this->tx([&](Tx& t) {
                            return t.posts().create(new_thread(carol.actor.id, eng.actor.id, "T"));
                          })
                          .value();
  this->post(dave.actor.id, "comment", thread.id);  // comments are not distributed
  auto home = this->tx([&](Tx& t) { return t.client_api().home_timeline(alice.actor.id, {}); });
  ASSERT_OK(home);
  ASSERT_EQ(home->size(), 1u);
  EXPECT_EQ(home->front().post.id, thread.id);
  EXPECT_EQ(home->front().reblogged_by, std::optional<Id>(eng.actor.id));
  // Carol's own home shows her thread as her post, once.
  auto own = this->tx([&](Tx& t) { return t.client_api().home_timeline(carol.actor.id, {}); });
  ASSERT_EQ(own->size(), 1u);
  EXPECT_FALSE(own->front().reblogged_by.has_value());
  auto notes =
      this->tx([&](Tx& t) { return t.client_api().notifications(carol.actor.id, {"reblog"}, {}); });
  EXPECT_TRUE(notes->empty()) << "a community's distribution is no boost";
}

TYPED_TEST_P(ClientApiConformance, MentionsNotifyOnceAndWebLocaleIsNullable) {
  const auto alice = this->user("alice");
  const auto bob = this->user("bob");
  const Post mine = this->post(alice.actor.id, "mine");
  const Post hello = this->post(bob.actor.id, "@alice hello");
  const Post reply = this->post(bob.actor.id, "@alice reply", mine.id);
  ASSERT_OK(this->tx([&](Tx& t) -> Result<void> {
    if (auto a = t.client_api().add_mentions(hello.id, {alice.actor.id}); !a)
      return a;
    if (auto b = t.client_api().add_mentions(reply.id, {alice.actor.id}); !b)
      return b;
    return t.client_api().add_mentions(hello.id, {alice.actor.id});  // idempotent
  }));
  EXPECT_EQ(*this->tx([&](Tx& t) { return t.client_api().mentions(hello.id); }),
            (std::vector<Id>{alice.actor.id}));
  auto notes = this->tx(
      [&](Tx& t) { return t.client_api().notifications(alice.actor.id, {"mention"}, {}); });
  ASSERT_OK(notes);
  ASSERT_EQ(notes->size(), 2u) << "the reply that mentions counts once";
  EXPECT_EQ(notes->front().post_id, std::optional<Id>(reply.id));
  EXPECT_EQ(notes->back().post_id, std::optional<Id>(hello.id));

  EXPECT_EQ(*this->tx([&](Tx& t) { return t.client_api().web_locale(alice.actor.id); }),
            std::nullopt);
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().set_web_locale(alice.actor.id, "de"); }));
  EXPECT_EQ(*this->tx([&](Tx& t) { return t.client_api().web_locale(alice.actor.id); }),
            std::optional<std::string>("de"));
  ASSERT_OK(
      this->tx([&](Tx& t) { return t.client_api().set_web_locale(alice.actor.id, std::nullopt); }));
  EXPECT_EQ(*this->tx([&](Tx& t) { return t.client_api().web_locale(alice.actor.id); }),
            std::nullopt);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.client_api().set_web_locale(hello.id, "de"); }),
               not_found);
}

TYPED_TEST_P(ClientApiConformance, PrivateCommunityPostsReachOnlyTheirReaders) {
  const auto owner = this->user("owner");
  const auto member = this->user("member");
  const auto outsider = this->user("outsider");
  const auto admin = this->user("admin");
  const auto community = [&](const std::string& handle, CommunityVisibility visibility) {
    return this
        ->tx([&](Tx& t) {
          NewCommunity c = new_community(handle, owner.actor.id);
          c.settings.visibility = visibility;
          return t.communities().create(c);
        })
        .value();
  };
  const CommunityView secret = community("secret", CommunityVisibility::private_);
  const CommunityView internal = community("internal", CommunityVisibility::local_only);
  const CommunityView open = community("open", CommunityVisibility::public_);
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.memberships().create({.community_id = secret.actor.id,
                                   .actor_id = member.actor.id,
                                   .role = MemberRole::member,
                                   .state = MemberState::accepted});
  }));
  // The outsider follows the owner: following a person does not open their private communities.
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.follows().create(outsider.actor.id, owner.actor.id, FollowState::accepted,
                              std::nullopt);
  }));
  const auto thread = [&](Id community_id, const std::string& text) {
    return this
        ->tx(
            [&](Tx& t) { return t.posts().create(new_thread(owner.actor.id, community_id, text)); })
        .value();
  };
  const Post hidden = thread(secret.actor.id, "#plans hidden");
  const Post staff = thread(internal.actor.id, "#plans staff");
  const Post shown = thread(open.actor.id, "#plans shown");
  const Post own = this->post(owner.actor.id, "#plans own");

  const auto listed = [&](const Reader& reader) {
    std::vector<Id> out;
    const auto posts = this->tx(
        [&](Tx& t) { return t.client_api().public_timeline(PublicScope::all, reader, {}); });
    for (const auto& p : posts.value())
      out.push_back(p.id);
    return out;
  };
  const auto tagged = [&](const Reader& reader) {
    return this
        ->tx([&](Tx& t) {
          return t.client_api().posts_containing("#plans", PublicScope::local, reader, {});
        })
        .value()
        .size();
  };
  const auto readable = [&](const Reader& reader, const Post& p) {
    return this->tx([&](Tx& t) { return t.client_api().post_readable(reader, p.id); }).value();
  };
  const Reader anonymous{};
  const Reader as_outsider{.actor_id = outsider.actor.id};
  const Reader as_member{.actor_id = member.actor.id};
  const Reader as_admin{.actor_id = admin.actor.id, .admin = true};
  EXPECT_EQ(listed(anonymous), (std::vector<Id>{own.id, shown.id}));
  EXPECT_EQ(listed(as_outsider), (std::vector<Id>{own.id, shown.id, staff.id}));
  EXPECT_EQ(listed(as_member), (std::vector<Id>{own.id, shown.id, staff.id, hidden.id}));
  EXPECT_EQ(listed(as_admin), (std::vector<Id>{own.id, shown.id, staff.id, hidden.id}));
  EXPECT_EQ(tagged(anonymous), 2u);
  EXPECT_EQ(tagged(as_outsider), 3u);
  EXPECT_EQ(tagged(as_member), 4u);
  EXPECT_FALSE(readable(anonymous, hidden));
  EXPECT_FALSE(readable(as_outsider, hidden));
  EXPECT_TRUE(readable(as_member, hidden));
  EXPECT_TRUE(readable(as_admin, hidden));
  EXPECT_FALSE(readable(anonymous, staff));
  EXPECT_TRUE(readable(as_outsider, staff));
  EXPECT_TRUE(readable(anonymous, shown));
  EXPECT_TRUE(readable(anonymous, own));

  const auto home = [&](const LocalUser& u) {
    std::vector<Id> out;
    const auto entries =
        this->tx([&](Tx& t) { return t.client_api().home_timeline(u.actor.id, {}); });
    for (const auto& e : entries.value())
      out.push_back(e.post.id);
    return out;
  };
  EXPECT_EQ(home(outsider), (std::vector<Id>{own.id, shown.id, staff.id}))
      << "the followed owner's private-community thread stays out of a non-member's home";
  EXPECT_EQ(home(member), (std::vector<Id>{hidden.id}));

  // A member who leaves loses it.
  ASSERT_OK(
      this->tx([&](Tx& t) { return t.memberships().remove(secret.actor.id, member.actor.id); }));
  EXPECT_FALSE(readable(as_member, hidden));
}

TYPED_TEST_P(ClientApiConformance, PostVisibilityDecidesWhoReads) {
  const auto author = this->user("author");
  const auto follower = this->user("follower");
  const auto asking = this->user("asking");  // a follow request still pending
  const auto stranger = this->user("stranger");
  const auto named = this->user("named");
  const auto admin = this->user("admin");
  const Actor erin = this->remote("erin", "r.test");
  const Actor fan = this->remote("fan", "f.test");
  ASSERT_OK(this->tx([&](Tx& t) -> Result<void> {
    for (auto [who, state] : {std::pair{follower.actor.id, FollowState::accepted},
                              std::pair{asking.actor.id, FollowState::pending},
                              std::pair{fan.id, FollowState::accepted}})
      if (auto f = t.follows().create(who, author.actor.id, state, std::nullopt); !f)
        return std::move(f).error();
    return {};
  }));
  const auto post = [&](const std::string& name, PostVisibility visibility, std::vector<Id> to,
                        std::optional<Id> parent = std::nullopt, Id by = 0) {
    return this
        ->tx([&](Tx& t) -> Result<Post> {
          NewPost p = new_comment(by ? by : author.actor.id, 0, "#vis " + name);
          p.parent_id = parent;
          p.visibility = visibility;
          auto created = t.posts().create(p);
          if (!created)
            return created;
          if (auto m = t.client_api().add_mentions(created->id, to); !m)
            return std::move(m).error();
          return created;
        })
        .value();
  };
  const Post everyone = post("public", PostVisibility::public_, {});
  const Post quiet = post("unlisted", PostVisibility::unlisted, {});
  const Post followers = post("private", PostVisibility::private_, {named.actor.id});
  const Post dm = post("direct", PostVisibility::direct, {named.actor.id, erin.id});
  EXPECT_EQ(dm.visibility, PostVisibility::direct);
  EXPECT_EQ(this->tx([&](Tx& t) { return t.posts().get(followers.id); })->visibility,
            PostVisibility::private_);

  const auto readable = [&](const Reader& reader, const Post& p) {
    return this->tx([&](Tx& t) { return t.client_api().post_readable(reader, p.id); }).value();
  };
  const Reader anonymous{};
  const Reader as_follower{.actor_id = follower.actor.id};
  const Reader as_asking{.actor_id = asking.actor.id};
  const Reader as_stranger{.actor_id = stranger.actor.id};
  const Reader as_named{.actor_id = named.actor.id};
  const Reader as_admin{.actor_id = admin.actor.id, .admin = true};
  const Reader as_author{.actor_id = author.actor.id};
  for (const Reader& r : {anonymous, as_follower, as_stranger, as_admin}) {
    EXPECT_TRUE(readable(r, everyone));
    EXPECT_TRUE(readable(r, quiet));
  }
  EXPECT_TRUE(readable(as_author, followers));
  EXPECT_TRUE(readable(as_follower, followers));
  EXPECT_TRUE(readable(as_named, followers));
  EXPECT_FALSE(readable(as_asking, followers));
  EXPECT_FALSE(readable(as_stranger, followers));
  EXPECT_FALSE(readable(anonymous, followers));
  EXPECT_FALSE(readable(as_admin, followers)) << "admins do not read followers-only posts";
  EXPECT_TRUE(readable(as_author, dm));
  EXPECT_TRUE(readable(as_named, dm));
  EXPECT_FALSE(readable(as_follower, dm));
  EXPECT_FALSE(readable(as_admin, dm));
  EXPECT_FALSE(readable(anonymous, dm));

  // Public lists show public posts only, whoever reads.
  for (const Reader& r : {anonymous, as_author, as_admin}) {
    const auto listed =
        this->tx([&](Tx& t) { return t.client_api().public_timeline(PublicScope::all, r, {}); });
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ(listed->front().id, everyone.id);
    const auto tagged = this->tx(
        [&](Tx& t) { return t.client_api().posts_containing("#vis", PublicScope::all, r, {}); });
    ASSERT_EQ(tagged->size(), 1u);
  }
  const auto home = [&](const LocalUser& u) {
    std::vector<Id> out;
    const auto entries =
        this->tx([&](Tx& t) { return t.client_api().home_timeline(u.actor.id, {}); });
    for (const auto& e : entries.value())
      out.push_back(e.post.id);
    return out;
  };
  EXPECT_EQ(home(follower), (std::vector<Id>{followers.id, quiet.id, everyone.id}));
  EXPECT_EQ(home(author), (std::vector<Id>{dm.id, followers.id, quiet.id, everyone.id}));

  // Another instance reads what one of its people may read.
  const auto on = [&](const Post& p, const std::string& domain) {
    return this->tx([&](Tx& t) { return t.client_api().post_readable_on(p.id, domain); }).value();
  };
  EXPECT_TRUE(on(dm, "r.test"));
  EXPECT_FALSE(on(dm, "f.test"));
  EXPECT_TRUE(on(followers, "F.test"));
  EXPECT_FALSE(on(followers, "x.test"));
  EXPECT_TRUE(on(quiet, "x.test"));

  // The direct post notifies the person it names, nobody else.
  const auto mentions_of = [&](const LocalUser& u) {
    return this
        ->tx([&](Tx& t) { return t.client_api().notifications(u.actor.id, {"mention"}, {}); })
        ->size();
  };
  EXPECT_EQ(mentions_of(named), 2u);  // the followers-only and the direct post
  EXPECT_EQ(mentions_of(follower), 0u);

  // Conversations: the direct thread, unread for whoever did not write its last post.
  const auto conversations = [&](const LocalUser& u) {
    return this->tx([&](Tx& t) { return t.client_api().conversations(u.actor.id, {}); }).value();
  };
  auto of_named = conversations(named);
  ASSERT_EQ(of_named.size(), 1u);
  EXPECT_EQ(of_named[0].id, dm.thread_id);
  EXPECT_EQ(of_named[0].last_post_id, dm.id);
  EXPECT_TRUE(of_named[0].unread);
  EXPECT_EQ(of_named[0].participants, (std::vector<Id>{std::min(author.actor.id, erin.id),
                                                       std::max(author.actor.id, erin.id)}));
  EXPECT_FALSE(conversations(author).at(0).unread);
  EXPECT_TRUE(conversations(follower).empty());
  const Post answer =
      post("answer", PostVisibility::direct, {author.actor.id}, dm.id, named.actor.id);
  EXPECT_TRUE(conversations(author).at(0).unread);
  EXPECT_EQ(conversations(author).at(0).last_post_id, answer.id);
  auto read = this->tx(
      [&](Tx& t) { return t.client_api().mark_conversation_read(author.actor.id, dm.thread_id); });
  ASSERT_OK(read);
  EXPECT_FALSE(read->unread);
  EXPECT_FALSE(conversations(author).at(0).unread);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.client_api().mark_conversation_read(follower.actor.id, dm.thread_id);
  }),
               not_found);
  ASSERT_OK(this->tx(
      [&](Tx& t) { return t.client_api().hide_conversation(named.actor.id, dm.thread_id); }));
  EXPECT_TRUE(conversations(named).empty());
  post("again", PostVisibility::direct, {named.actor.id}, answer.id);
  EXPECT_EQ(conversations(named).size(), 1u) << "a newer direct post brings it back";
  const auto told = mentions_of(author);
  post("aside", PostVisibility::direct, {named.actor.id}, everyone.id, stranger.actor.id);
  EXPECT_EQ(mentions_of(author), told) << "a direct reply not naming the author tells them nothing";
  post("open reply", PostVisibility::public_, {}, everyone.id, stranger.actor.id);
  EXPECT_EQ(mentions_of(author), told + 1);
}

TYPED_TEST_P(ClientApiConformance, DismissedAndClearedNotificationsAreHidden) {
  const auto alice = this->user("alice");
  const auto bob = this->user("bob");
  const Post mine = this->post(alice.actor.id, "mine");
  const Post first = this->post(bob.actor.id, "first", mine.id);
  const Post second = this->post(bob.actor.id, "second", mine.id);
  const auto ids = [&]() {
    std::vector<Id> out;
    const auto rows =
        this->tx([&](Tx& t) { return t.client_api().notifications(alice.actor.id, {}, {}); });
    for (const auto& n : rows.value())
      out.push_back(n.id);
    return out;
  };
  EXPECT_EQ(ids(), (std::vector<Id>{second.id, first.id}));
  ASSERT_OK(this->tx(
      [&](Tx& t) { return t.client_api().dismiss_notification(alice.actor.id, first.id); }));
  ASSERT_OK(this->tx([&](Tx& t) {  // idempotent
    return t.client_api().dismiss_notification(alice.actor.id, first.id);
  }));
  EXPECT_EQ(ids(), (std::vector<Id>{second.id}));
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().clear_notifications(alice.actor.id); }));
  EXPECT_TRUE(ids().empty());
  const Post third = this->post(bob.actor.id, "third", mine.id);
  EXPECT_EQ(ids(), (std::vector<Id>{third.id}));
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().clear_notifications(alice.actor.id); }));
  EXPECT_TRUE(ids().empty()) << "clearing again moves the watermark";
}

TYPED_TEST_P(ClientApiConformance, MutedNotificationCategoriesAreLeftOutEverywhere) {
  const auto alice = this->user("alice");
  const auto bob = this->user("bob");
  const Id me = alice.actor.id;
  const Post mine = this->post(me, "mine");
  const Post reply = this->post(bob.actor.id, "bob-reply", mine.id);
  const Post hello = this->post(bob.actor.id, "@alice hello");
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().add_mentions(hello.id, {me}); }));
  auto like = this->tx(
      [&](Tx& t) { return t.reactions().add({.post_id = mine.id, .actor_id = bob.actor.id}); });
  ASSERT_OK(like);
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.client_api().add_reblog(bob.actor.id, mine.id, "https://h.example/boost/1");
  }));
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.follows().create(bob.actor.id, me, FollowState::accepted, std::nullopt);
  }));
  const auto types = [&] {
    const auto rows = this->tx([&](Tx& t) { return t.client_api().notifications(me, {}, {}); });
    std::vector<std::string> out;
    for (const auto& n : rows.value())
      out.push_back(n.type + (n.post_id == std::optional<Id>(hello.id) ? "@" : ""));
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(types(),
            (std::vector<std::string>{"favourite", "follow", "mention", "mention@", "reblog"}));
  EXPECT_TRUE(this->tx([&](Tx& t) { return t.client_api().muted_notifications(me); })->empty());

  // Replies off, mentions on: the reply goes, the mention stays (both are Mastodon "mention").
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.client_api().set_muted_notifications(me, {"reply", "reaction", "reply"});
  }));
  EXPECT_EQ(*this->tx([&](Tx& t) { return t.client_api().muted_notifications(me); }),
            (std::vector<std::string>{"reaction", "reply"}));
  EXPECT_EQ(types(), (std::vector<std::string>{"follow", "mention@", "reblog"}));
  // What the streaming API pushes follows the same preferences.
  EXPECT_TRUE(
      this->tx([&](Tx& t) { return t.client_api().notifications_caused_by(like->id); })->empty());
  auto by_reply = this->tx([&](Tx& t) { return t.client_api().notifications_caused_by(reply.id); });
  EXPECT_TRUE(by_reply->empty());
  // Another person's preferences are their own.
  const Post bobs = this->post(bob.actor.id, "bobs");
  this->post(me, "alice-reply", bobs.id);
  auto for_bob =
      this->tx([&](Tx& t) { return t.client_api().notifications(bob.actor.id, {}, {}); });
  ASSERT_EQ(for_bob->size(), 1u);
  EXPECT_EQ(for_bob->front().type, "mention");

  // An unknown category is refused and changes nothing.
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.client_api().set_muted_notifications(me, {"boost", "email"});
  }),
               invalid_input);
  EXPECT_EQ(*this->tx([&](Tx& t) { return t.client_api().muted_notifications(me); }),
            (std::vector<std::string>{"reaction", "reply"}));
  ASSERT_OK(this->tx([&](Tx& t) { return t.client_api().set_muted_notifications(me, {}); }));
  EXPECT_EQ(types().size(), 5u);
}

TYPED_TEST_P(ClientApiConformance, CommunityDecisionsAndReportsNotifyTheRightPeople) {
  const auto alice = this->user("alice");  // the community's owner
  const auto carol = this->user("carol");  // a moderator
  const auto erin = this->user("erin");    // asks to join
  const auto frank = this->user("frank");  // asks to join
  const auto bob = this->user("bob");      // a member who reports
  auto admin_form = new_user("dave");
  admin_form.is_admin = true;
  const auto dave = this->tx([&](Tx& t) { return t.users().create(admin_form); }).value();
  const Actor far = this->remote("far", "far.example");
  const auto guild = this->community("guild", alice.actor.id);
  const Id g = guild.actor.id;
  for (const auto& [who, role] : {std::pair{carol.actor.id, MemberRole::moderator},
                                  std::pair{bob.actor.id, MemberRole::member}})
    ASSERT_OK(this->tx([&, who = who, role = role](Tx& t) {
      return t.memberships().create(
          {.community_id = g, .actor_id = who, .role = role, .state = MemberState::accepted});
    }));
  const auto log = [&](ModerationAction action, Id moderator, std::optional<Id> target) {
    return this
        ->tx([&](Tx& t) {
          return t.moderation_log().add({.community_id = g,
                                         .moderator_id = moderator,
                                         .action = action,
                                         .target_actor_id = target,
                                         .target_post_id = std::nullopt,
                                         .reason = std::nullopt,
                                         .expires_at = std::nullopt});
        })
        .value();
  };
  const auto approved = log(ModerationAction::approve_member, alice.actor.id, erin.actor.id);
  const auto rejected = log(ModerationAction::reject_member, carol.actor.id, frank.actor.id);
  const auto appointed = log(ModerationAction::add_moderator, alice.actor.id, carol.actor.id);
  const auto banned = log(ModerationAction::ban, carol.actor.id, bob.actor.id);
  log(ModerationAction::ban, alice.actor.id, far.id);                   // not a person of ours
  log(ModerationAction::unban, alice.actor.id, bob.actor.id);           // no news
  log(ModerationAction::approve_member, erin.actor.id, erin.actor.id);  // one's own act

  const auto seen = [&](Id who, const std::vector<std::string>& types = {}) {
    std::vector<std::tuple<Id, std::string, Id>> out;
    const auto rows = this->tx([&](Tx& t) { return t.client_api().notifications(who, types, {}); });
    for (const auto& n : rows.value())
      out.emplace_back(n.id, n.type, n.from_actor_id);
    return out;
  };
  using Seen = std::vector<std::tuple<Id, std::string, Id>>;
  EXPECT_EQ(seen(erin.actor.id), (Seen{{approved.id, "guildhall.join_approved", g}}));
  EXPECT_EQ(seen(frank.actor.id), (Seen{{rejected.id, "guildhall.join_rejected", g}}));
  EXPECT_EQ(seen(carol.actor.id), (Seen{{appointed.id, "guildhall.moderator_added", g}}));
  EXPECT_EQ(seen(bob.actor.id), (Seen{{banned.id, "guildhall.banned", g}}));
  EXPECT_TRUE(seen(erin.actor.id, {"favourite", "mention"}).empty());

  // A report about a post in the community: its local managers, and every admin as
  // Mastodon's admin.report; never the reporter.
  const Post thread = [&] {
    return this
        ->tx([&](Tx& t) { return t.posts().create(new_thread(erin.actor.id, g, "reported")); })
        .value();
  }();
  const auto report = this->tx([&](Tx& t) {
                            return t.community_reports().add({.community_id = g,
                                                              .reporter_id = bob.actor.id,
                                                              .post_id = thread.id,
                                                              .target_actor_id = erin.actor.id,
                                                              .ap_id = std::nullopt,
                                                              .reason = std::string("spam")});
                          })
                          .value();
  EXPECT_EQ(seen(alice.actor.id), (Seen{{report.id, "guildhall.report", bob.actor.id}}));
  EXPECT_EQ(seen(carol.actor.id, {"guildhall.report"}),
            (Seen{{report.id, "guildhall.report", bob.actor.id}}));
  EXPECT_EQ(seen(dave.actor.id), (Seen{{report.id, "admin.report", bob.actor.id}}));
  EXPECT_EQ(seen(bob.actor.id).size(), 1u) << "the reporter is not told of their own report";
  const auto own = this->tx([&](Tx& t) {
                         return t.community_reports().add({.community_id = g,
                                                           .reporter_id = dave.actor.id,
                                                           .post_id = std::nullopt,
                                                           .target_actor_id = erin.actor.id,
                                                           .ap_id = std::nullopt,
                                                           .reason = std::nullopt});
                       })
                       .value();
  EXPECT_EQ(seen(dave.actor.id).size(), 1u) << "an admin's own report is no news to them";
  EXPECT_EQ(seen(alice.actor.id).size(), 2u);

  // What the streaming API pushes is the same derivation, per recipient.
  auto caused =
      this->tx([&](Tx& t) { return t.client_api().notifications_caused_by(report.id); }).value();
  std::map<Id, std::string> by_recipient;
  for (const auto& [recipient, row] : caused)
    by_recipient[recipient] = row.type;
  EXPECT_EQ(by_recipient, (std::map<Id, std::string>{{alice.actor.id, "guildhall.report"},
                                                     {carol.actor.id, "guildhall.report"},
                                                     {dave.actor.id, "admin.report"}}));
  auto by_decision =
      this->tx([&](Tx& t) { return t.client_api().notifications_caused_by(approved.id); }).value();
  ASSERT_EQ(by_decision.size(), 1u);
  EXPECT_EQ(by_decision.front().first, erin.actor.id);
  EXPECT_TRUE(
      this->tx([&](Tx& t) { return t.client_api().notifications_caused_by(own.id); })->size() ==
      2u);

  // Both are categories a person can turn off.
  ASSERT_OK(this->tx(
      [&](Tx& t) { return t.client_api().set_muted_notifications(alice.actor.id, {"report"}); }));
  EXPECT_TRUE(seen(alice.actor.id).empty());
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.client_api().set_muted_notifications(erin.actor.id, {"membership"});
  }));
  EXPECT_TRUE(seen(erin.actor.id).empty());
}

TYPED_TEST_P(ClientApiConformance, RevokingAUsersTokensKeepsTheOneGiven) {
  const auto alice = this->user("alice");
  const auto bob = this->user("bob");
  const OAuthApp a = this->app("client-7");
  const OAuthApp other = this->app("client-8");
  const auto token = [&](const std::string& hash, const OAuthApp& app, Id user) {
    return this
        ->tx([&](Tx& t) {
          return t.oauth().create_token(
              {.token_hash = hash, .app_id = app.id, .user_id = user, .scopes = {"read"}});
        })
        .value();
  };
  const OAuthToken keep = token("alice-1", a, alice.actor.id);
  token("alice-2", a, alice.actor.id);
  token("alice-3", other, alice.actor.id);
  token("bob-1", a, bob.actor.id);
  auto revoked =
      this->tx([&](Tx& t) { return t.oauth().revoke_tokens_for_user(alice.actor.id, keep.id); });
  ASSERT_OK(revoked);
  EXPECT_EQ(*revoked, 2);
  const auto is_revoked = [&](const std::string& hash) {
    return this->tx([&](Tx& t) { return t.oauth().get_token_by_hash(hash); })
        ->revoked_at.has_value();
  };
  EXPECT_FALSE(is_revoked("alice-1"));
  EXPECT_TRUE(is_revoked("alice-2"));
  EXPECT_TRUE(is_revoked("alice-3"));
  EXPECT_FALSE(is_revoked("bob-1"));
  EXPECT_EQ(*this->tx([&](Tx& t) {
    return t.oauth().revoke_tokens_for_user(alice.actor.id, std::nullopt);
  }),
            1);
  EXPECT_TRUE(is_revoked("alice-1"));
}

REGISTER_TYPED_TEST_SUITE_P(
    ClientApiConformance, AppsRoundTripAndClientIdIsUnique, CodesAreSingleUse,
    TokensAreRevocableOnlyByTheirApp, BookmarksIdempotencyAndMarkers,
    TimelinesFollowFollowsAndSkipTombstones, NotificationsAreDerivedFromLikesFollowsAndReplies,
    BoostsShowInHomeAndNotifyTheAuthor, CommunityThreadsShowAsBoostsByTheCommunity,
    MentionsNotifyOnceAndWebLocaleIsNullable, PrivateCommunityPostsReachOnlyTheirReaders,
    DismissedAndClearedNotificationsAreHidden, MutedNotificationCategoriesAreLeftOutEverywhere,
    RevokingAUsersTokensKeepsTheOneGiven, PostVisibilityDecidesWhoReads,
    ProfilePinsAreIdempotentNewestFirstAndPerPerson,
    CommunityDecisionsAndReportsNotifyTheRightPeople);

}  // namespace guildhall::storage::testing
