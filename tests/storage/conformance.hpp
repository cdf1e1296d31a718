#pragma once

// The storage conformance suite: behaviour every backend must show, written once against the
// public API and instantiated per backend (sqlite_test.cpp, postgres_test.cpp).

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "guildhall/storage/database.hpp"

#include "backends.hpp"

namespace guildhall::storage::testing {

#define ASSERT_OK(expr)                                                                        \
  do {                                                                                         \
    const auto& assert_ok_result_ = (expr);                                                    \
    ASSERT_TRUE(assert_ok_result_.ok()) << #expr << ": " << assert_ok_result_.error().message; \
  } while (false)

#define EXPECT_ERROR(expr, error_kind)                                             \
  do {                                                                             \
    const auto& expect_error_result_ = (expr);                                     \
    ASSERT_FALSE(expect_error_result_.ok()) << #expr << " unexpectedly succeeded"; \
    EXPECT_EQ(expect_error_result_.error().kind, core::ErrorKind::error_kind)      \
        << #expr << ": " << expect_error_result_.error().message;                  \
  } while (false)

inline const std::string kLocal = "https://local.test";

inline NewLocalActor local_actor(const std::string& handle, const std::string& path) {
  NewLocalActor a;
  a.handle = handle;
  a.ap_id = kLocal + "/" + path + "/" + handle;
  a.inbox_url = a.ap_id + "/inbox";
  a.outbox_url = a.ap_id + "/outbox";
  a.followers_url = a.ap_id + "/followers";
  a.shared_inbox_url = kLocal + "/inbox";
  a.url = a.ap_id;
  a.public_key_id = a.ap_id + "#main-key";
  a.public_key_pem = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n";
  a.private_key_pem = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
  return a;
}

inline NewUser new_user(const std::string& handle) {
  NewUser u;
  u.actor = local_actor(handle, "users");
  u.actor.display_name = "User " + handle;
  u.email = handle + "@example.com";
  u.password_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g";
  return u;
}

inline NewCommunity new_community(const std::string& handle, Id owner) {
  NewCommunity c;
  c.actor = local_actor(handle, "c");
  c.actor.display_name = "Community " + handle;
  c.actor.moderators_url = c.actor.ap_id + "/moderators";
  c.actor.featured_url = c.actor.ap_id + "/featured";
  c.settings.description_source = "About **" + handle + "**";
  c.settings.description_html = "<p>About <strong>" + handle + "</strong></p>";
  c.settings.languages = {"en", "fr"};
  c.owner_actor_id = owner;
  return c;
}

inline RemoteActorForm remote_person(const std::string& handle, const std::string& domain) {
  RemoteActorForm f;
  f.ap_id = "https://" + domain + "/u/" + handle;
  f.kind = ActorKind::person;
  f.handle = handle;
  f.domain = domain;
  f.inbox_url = f.ap_id + "/inbox";
  f.shared_inbox_url = "https://" + domain + "/inbox";
  f.public_key_id = f.ap_id + "#main-key";
  f.public_key_pem = "-----BEGIN PUBLIC KEY-----\nREMOTE\n-----END PUBLIC KEY-----\n";
  f.display_name = handle;
  return f;
}

inline NewPost new_thread(Id author, std::optional<Id> community, const std::string& title) {
  NewPost p;
  p.ap_id = kLocal + "/post/" + title;
  p.author_id = author;
  p.community_id = community;
  p.title = title;
  p.content_source = "Body of " + title;
  p.content_html = "<p>Body of " + title + "</p>";
  return p;
}

inline NewPost new_comment(Id author, Id parent, const std::string& name) {
  NewPost p;
  p.ap_id = kLocal + "/comment/" + name;
  p.author_id = author;
  p.parent_id = parent;
  p.content_source = name;
  p.content_html = "<p>" + name + "</p>";
  return p;
}

template <typename Backend>
class StorageConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string reason;
    url_ = backend_.create(reason);
    if (url_.empty()) {
      if (running_in_ci())
        FAIL() << Backend::kName << " backend required under CI=true: " << reason;
      GTEST_SKIP() << Backend::kName << " backend not available: " << reason;
    }
    auto db = open_database(url_, options());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    ASSERT_OK(db_->migrate());
  }

  void TearDown() override { db_.reset(); }

  static DatabaseOptions options() {
    DatabaseOptions o;
    o.pool_size = 4;
    o.busy_timeout = std::chrono::seconds(10);
    o.acquire_timeout = std::chrono::seconds(10);
    return o;
  }

  // Shorthands for the common one-statement transactions.
  template <typename F>
  auto tx(F&& f) {
    return db_->transact(std::forward<F>(f));
  }
  LocalUser user(const std::string& handle) {
    return tx([&](Tx& t) { return t.users().create(new_user(handle)); }).value();
  }
  CommunityView community(const std::string& handle, Id owner) {
    return tx([&](Tx& t) { return t.communities().create(new_community(handle, owner)); }).value();
  }
  Actor remote(const std::string& handle, const std::string& domain) {
    return tx([&](Tx& t) { return t.actors().upsert_remote(remote_person(handle, domain)); })
        .value();
  }

  Backend backend_;
  std::string url_;
  std::unique_ptr<Database> db_;
};

TYPED_TEST_SUITE_P(StorageConformance);

// ---------------------------------------------------------------------------------------------
// database, migrations

TYPED_TEST_P(StorageConformance, PingAndBackend) {
  ASSERT_OK(this->db_->ping());
  EXPECT_EQ(to_string(this->db_->backend()),
            std::string(TypeParam::kName) == "Sqlite" ? "sqlite" : "postgres");
}

TYPED_TEST_P(StorageConformance, MigrationsAreRecordedAndIdempotent) {
  const auto& known = known_migrations(this->db_->backend());
  ASSERT_FALSE(known.empty());
  EXPECT_EQ(known.front().version, 1);
  EXPECT_EQ(known.front().name, "init");

  auto applied = this->db_->applied_migrations();
  ASSERT_OK(applied);
  ASSERT_EQ(applied->size(), known.size());
  EXPECT_EQ((*applied)[0].version, 1);
  EXPECT_EQ((*applied)[0].name, "init");
  EXPECT_GT((*applied)[0].applied_at.time_since_epoch().count(), 0);

  EXPECT_EQ(this->db_->schema_version().value(), known.back().version);
  EXPECT_TRUE(this->db_->pending_migrations().value().empty());
  ASSERT_OK(this->db_->ensure_current());
  EXPECT_EQ(this->db_->migrate().value(), 0);  // nothing left to do
}

TYPED_TEST_P(StorageConformance, FreshDatabaseIsNotMigratedOnOpen) {
  TypeParam other;
  std::string reason;
  const std::string url = other.create(reason);
  ASSERT_FALSE(url.empty()) << reason;
  auto db = open_database(url, this->options()).value();
  EXPECT_EQ(db->schema_version().value(), 0);
  EXPECT_EQ(db->pending_migrations().value().size(), known_migrations(db->backend()).size());
  auto current = db->ensure_current();
  EXPECT_ERROR(current, unavailable);
  EXPECT_NE(current.error().message.find("admin migrate"), std::string::npos);
  EXPECT_EQ(db->migrate().value(), static_cast<int>(known_migrations(db->backend()).size()));
  ASSERT_OK(db->ensure_current());
}

TYPED_TEST_P(StorageConformance, NewerSchemaIsRefused) {
  this->db_.reset();
  this->backend_.exec(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
  auto reopened = open_database(this->url_, this->options());
  ASSERT_FALSE(reopened.ok());
  const std::string& message = reopened.error().message;
  EXPECT_NE(message.find("database schema version 9999 is newer than this Guildhall"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("upgrade Guildhall"), std::string::npos) << message;
}

TYPED_TEST_P(StorageConformance, ConcurrentOpenAndMigrateIsSafe) {
  TypeParam other;
  std::string reason;
  const std::string url = other.create(reason);
  ASSERT_FALSE(url.empty()) << reason;
  auto a = open_database(url, this->options()).value();
  auto b = open_database(url, this->options()).value();
  core::Result<int> ra = 0, rb = 0;
  std::thread ta([&] { ra = a->migrate(); });
  std::thread tb([&] { rb = b->migrate(); });
  ta.join();
  tb.join();
  ASSERT_OK(ra);
  ASSERT_OK(rb);
  EXPECT_EQ(*ra + *rb, static_cast<int>(known_migrations(a->backend()).size()));
  ASSERT_OK(a->ensure_current());
}

// ---------------------------------------------------------------------------------------------
// transactions

TYPED_TEST_P(StorageConformance, ErrorResultRollsBack) {
  auto r = this->tx([&](Tx& t) -> core::Result<int> {
    auto u = t.users().create(new_user("alice"));
    if (!u.ok())
      return u.error();
    return core::Error::conflict("changed my mind");
  });
  EXPECT_ERROR(r, conflict);
  EXPECT_EQ(r.error().message, "changed my mind");
  auto taken = this->db_->read([](Tx& t) { return t.actors().local_handle_taken("alice"); });
  ASSERT_OK(taken);
  EXPECT_FALSE(*taken);
}

TYPED_TEST_P(StorageConformance, ExceptionsRollBack) {
  // An unwrapped error (.value()) becomes the result...
  auto r = this->tx([&](Tx& t) -> core::Result<void> {
    t.users().create(new_user("alice")).value();
    t.users().create(new_user("alice")).value();  // throws ErrorException(already_exists)
    return {};
  });
  EXPECT_ERROR(r, already_exists);
  // ...any other exception is a bug: rethrown after the rollback.
  EXPECT_THROW((void)this->tx([&](Tx& t) -> core::Result<void> {
    t.users().create(new_user("bob")).value();
    throw std::logic_error("bug");
  }),
               std::logic_error);
  auto users = this->db_->read([](Tx& t) { return t.users().count(); });
  ASSERT_OK(users);
  EXPECT_EQ(*users, 0);
  ASSERT_OK(this->db_->ping());  // the connection is usable after the failures
}

TYPED_TEST_P(StorageConformance, FailedWriteKeepsTransactionUsable) {
  // A failed repository call undoes only itself (savepoint); the caller may carry on.
  auto r = this->tx([&](Tx& t) -> core::Result<LocalUser> {
    t.users().create(new_user("alice")).value();
    auto dup = t.users().create(new_user("alice"));
    if (dup.ok() || dup.error().kind != core::ErrorKind::already_exists)
      return core::Error::internal("expected already_exists");
    return t.users().create(new_user("bob"));
  });
  ASSERT_OK(r);
  EXPECT_EQ(this->db_->read([](Tx& t) { return t.users().count(); }).value(), 2);
}

TYPED_TEST_P(StorageConformance, NestedTransactionIsAnError) {
  // Reported at once instead of waiting for the connection the outer transaction holds.
  auto r = this->tx([&](Tx&) -> core::Result<int> {
    auto inner = this->db_->read([](Tx& t) { return t.users().count(); });
    if (inner.ok())
      return core::Error::internal("nested transaction was allowed");
    return inner.error().kind == core::ErrorKind::internal ? 1 : 0;
  });
  ASSERT_OK(r);
  EXPECT_EQ(*r, 1);
}

TYPED_TEST_P(StorageConformance, ReadTransactionRejectsWrites) {
  auto r = this->db_->read([](Tx& t) { return t.users().create(new_user("alice")); });
  ASSERT_FALSE(r.ok());
  auto taken = this->db_->read([](Tx& t) { return t.actors().local_handle_taken("alice"); });
  EXPECT_FALSE(taken.value());
}

TYPED_TEST_P(StorageConformance, ConcurrentWritersAllSucceed) {
  // Two Database objects on one database (as the server and `guildhall admin` would be), two
  // threads each: every write must wait for the lock, none may fail with "busy".
  auto second = open_database(this->url_, this->options()).value();
  Database* dbs[] = {this->db_.get(), second.get()};
  constexpr int kThreads = 4;
  constexpr int kPerThread = 15;
  std::atomic<int> failures{0};
  std::string first_failure;
  std::mutex failure_mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string handle = "u" + std::to_string(t) + "_" + std::to_string(i);
        auto r = dbs[t % 2]->transact([&](Tx& tx) -> core::Result<void> {
          auto u = tx.users().create(new_user(handle));
          if (!u.ok())
            return u.error();
          // Read-modify-write inside the transaction, as real handlers do.
          auto n = tx.users().count();
          if (!n.ok())
            return n.error();
          return {};
        });
        if (!r.ok()) {
          ++failures;
          std::lock_guard lock(failure_mutex);
          first_failure = r.error().message;
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_EQ(this->db_->read([](Tx& t) { return t.users().count(); }).value(),
            kThreads * kPerThread);
}

// ---------------------------------------------------------------------------------------------
// instances

TYPED_TEST_P(StorageConformance, InstancesEnsureIsIdempotentAndLowercases) {
  auto a = this->tx([](Tx& t) { return t.instances().ensure("Lemmy.World"); });
  ASSERT_OK(a);
  EXPECT_EQ(a->host, "lemmy.world");
  EXPECT_EQ(a->policy, FederationPolicy::none);
  EXPECT_FALSE(a->is_local);
  auto b = this->tx([](Tx& t) { return t.instances().ensure("lemmy.world"); });
  ASSERT_OK(b);
  EXPECT_EQ(a->id, b->id);

  auto blocked = this->tx(
      [](Tx& t) { return t.instances().set_policy("LEMMY.world", FederationPolicy::block); });
  ASSERT_OK(blocked);
  EXPECT_EQ(blocked->policy, FederationPolicy::block);
  EXPECT_EQ(this->db_->read([](Tx& t) { return t.instances().get_by_host("lemmy.world"); })->policy,
            FederationPolicy::block);

  auto sw = this->tx([](Tx& t) {
    return t.instances().set_software("lemmy.world", std::string("lemmy"), std::string("1.0"));
  });
  ASSERT_OK(sw);
  EXPECT_EQ(sw->software_name, "lemmy");

  auto local = this->tx([](Tx& t) { return t.instances().ensure_local("local.test"); });
  ASSERT_OK(local);
  EXPECT_TRUE(local->is_local);
  EXPECT_ERROR(this->tx([](Tx& t) { return t.instances().ensure_local("other.test"); }),
               already_exists);

  auto list = this->db_->read(
      [](Tx& t) { return t.instances().list({.limit = 10, .oldest_first = true}); });
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);  // lemmy.world and local.test; other.test was rolled back
  EXPECT_EQ((*list)[0].host, "lemmy.world");
  EXPECT_ERROR(this->db_->read([](Tx& t) { return t.instances().get_by_host("nope.test"); }),
               not_found);
  EXPECT_ERROR(this->tx([](Tx& t) { return t.instances().ensure(""); }), invalid_input);
}

// ---------------------------------------------------------------------------------------------
// users and actors

TYPED_TEST_P(StorageConformance, UserRoundTrip) {
  NewUser n = new_user("alice");
  n.is_admin = true;
  n.locale = "fr";
  n.actor.summary_source = "hi *there*";
  n.actor.summary_html = "<p>hi <em>there</em></p>";
  n.actor.display_name = "Alice ✨ Ünïcødé";
  auto created = this->tx([&](Tx& t) { return t.users().create(n); });
  ASSERT_OK(created);
  const LocalUser& u = *created;
  EXPECT_GT(u.actor.id, 0);
  EXPECT_TRUE(u.actor.is_local());
  EXPECT_EQ(u.actor.kind, ActorKind::person);
  EXPECT_EQ(u.actor.handle, "alice");
  EXPECT_EQ(u.actor.ap_id, n.actor.ap_id);
  EXPECT_EQ(u.actor.display_name, "Alice ✨ Ünïcødé");
  EXPECT_EQ(u.actor.private_key_pem, n.actor.private_key_pem);
  EXPECT_EQ(u.actor.shared_inbox_url, n.actor.shared_inbox_url);
  EXPECT_EQ(u.user.actor_id, u.actor.id);
  EXPECT_EQ(u.user.email, "alice@example.com");
  EXPECT_EQ(u.user.password_hash, n.password_hash);
  EXPECT_TRUE(u.user.is_admin);
  EXPECT_EQ(u.user.locale, "fr");
  EXPECT_FALSE(u.user.disabled_at);

  auto by_id = this->db_->read([&](Tx& t) { return t.users().get(u.actor.id); });
  ASSERT_OK(by_id);
  EXPECT_EQ(by_id->actor.created_at, u.actor.created_at);
  EXPECT_EQ(by_id->actor.summary_html, u.actor.summary_html);
  EXPECT_EQ(this->db_->read([](Tx& t) { return t.users().get_by_handle("ALICE"); })->actor.id,
            u.actor.id);
  EXPECT_EQ(
      this->db_->read([](Tx& t) { return t.users().get_by_email("Alice@Example.COM"); })->actor.id,
      u.actor.id);
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.actors().get_by_ap_id(n.actor.ap_id); })->id,
            u.actor.id);
  EXPECT_EQ(this->db_->read([](Tx& t) { return t.actors().get_local_by_handle("Alice"); })->id,
            u.actor.id);
  EXPECT_EQ(
      this->db_->read([](Tx& t) { return t.actors().get_by_handle("alice", std::nullopt); })->id,
      u.actor.id);
  EXPECT_ERROR(this->db_->read([](Tx& t) { return t.users().get_by_handle("bob"); }), not_found);
  EXPECT_ERROR(this->db_->read([](Tx& t) { return t.users().get(12345); }), not_found);
}

TYPED_TEST_P(StorageConformance, UserUniqueness) {
  this->user("alice");
  NewUser same_handle = new_user("Alice");  // handles compare case-insensitively
  same_handle.actor.handle = "alice";
  same_handle.actor.ap_id = kLocal + "/users/alice-again";
  same_handle.email = "other@example.com";
  auto dup = this->tx([&](Tx& t) { return t.users().create(same_handle); });
  EXPECT_ERROR(dup, already_exists);
  EXPECT_NE(dup.error().message.find("handle"), std::string::npos) << dup.error().message;

  NewUser same_email = new_user("alice2");
  same_email.email = "ALICE@example.com";
  auto e = this->tx([&](Tx& t) { return t.users().create(same_email); });
  EXPECT_ERROR(e, already_exists);
  EXPECT_NE(e.error().message.find("email"), std::string::npos) << e.error().message;

  NewUser same_ap_id = new_user("alice3");
  same_ap_id.actor.ap_id = kLocal + "/users/alice";
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.users().create(same_ap_id); }), already_exists);

  NewUser no_email = new_user("nomail1");
  no_email.email.reset();
  ASSERT_OK(this->tx([&](Tx& t) { return t.users().create(no_email); }));
  no_email = new_user("nomail2");
  no_email.email.reset();
  ASSERT_OK(this->tx([&](Tx& t) { return t.users().create(no_email); }));  // NULLs don't clash
}

TYPED_TEST_P(StorageConformance, UserAndGroupShareTheHandleNamespace) {
  const LocalUser devs = this->user("devs");
  EXPECT_TRUE(this->db_->read([](Tx& t) { return t.actors().local_handle_taken("DEVS"); }).value());
  auto group =
      this->tx([&](Tx& t) { return t.communities().create(new_community("devs", devs.actor.id)); });
  EXPECT_ERROR(group, already_exists);
  EXPECT_NE(group.error().message.find("handle"), std::string::npos);

  this->community("ops", devs.actor.id);
  EXPECT_ERROR(this->tx([](Tx& t) { return t.users().create(new_user("ops")); }), already_exists);
  // A remote actor may have the same handle as a local one.
  ASSERT_OK(
      this->tx([](Tx& t) { return t.actors().upsert_remote(remote_person("devs", "a.test")); }));
}

TYPED_TEST_P(StorageConformance, LocalHandleCheckConstraint) {
  for (const char* bad : {"Bad", "has-dash", "", "waytoolonghandle_waytoolonghandle"}) {
    auto r = this->tx([&](Tx& t) { return t.users().create(new_user(bad)); });
    EXPECT_ERROR(r, invalid_input);
  }
  ASSERT_OK(this->tx([](Tx& t) { return t.users().create(new_user("ok_handle_123")); }));
}

TYPED_TEST_P(StorageConformance, UserAccountUpdate) {
  const LocalUser u = this->user("alice");
  UserUpdate up;
  up.email = std::optional<std::string>{};  // clear
  up.is_admin = true;
  up.password_hash = "$argon2id$new";
  up.disabled_at = std::optional<TimePoint>{TimePoint(std::chrono::milliseconds(1700000000123))};
  auto r = this->tx([&](Tx& t) { return t.users().update(u.actor.id, up); });
  ASSERT_OK(r);
  EXPECT_FALSE(r->user.email);
  EXPECT_TRUE(r->user.is_admin);
  EXPECT_EQ(r->user.password_hash, "$argon2id$new");
  EXPECT_EQ(r->user.disabled_at, TimePoint(std::chrono::milliseconds(1700000000123)));
  EXPECT_EQ(r->user.locale, "en");  // untouched
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.users().update(999, up); }), not_found);
}

TYPED_TEST_P(StorageConformance, ListUsersPagesById) {
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(this->user("user" + std::to_string(i)).actor.id);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));  // Snowflakes grow

  auto page1 =
      this->db_->read([](Tx& t) { return t.users().list({.limit = 2, .oldest_first = true}); });
  ASSERT_OK(page1);
  ASSERT_EQ(page1->size(), 2u);
  EXPECT_EQ((*page1)[0].actor.id, ids[0]);
  EXPECT_EQ((*page1)[1].actor.id, ids[1]);
  auto page2 = this->db_->read([&](Tx& t) {
    return t.users().list({.after = page1->back().actor.id, .limit = 2, .oldest_first = true});
  });
  ASSERT_OK(page2);
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_EQ((*page2)[0].actor.id, ids[2]);

  auto newest = this->db_->read([](Tx& t) { return t.users().list({.limit = 3}); });
  ASSERT_OK(newest);
  ASSERT_EQ(newest->size(), 3u);
  EXPECT_EQ((*newest)[0].actor.id, ids[4]);
  auto older = this->db_->read(
      [&](Tx& t) { return t.users().list({.before = newest->back().actor.id, .limit = 10}); });
  ASSERT_OK(older);
  ASSERT_EQ(older->size(), 2u);
  EXPECT_EQ((*older)[0].actor.id, ids[1]);
  EXPECT_EQ((*older)[1].actor.id, ids[0]);
  EXPECT_EQ(this->db_->read([](Tx& t) { return t.users().count(); }).value(), 5);
}

TYPED_TEST_P(StorageConformance, ActorMultikeys) {
  const Actor erin = this->remote("erin", "r.test");
  const Actor forger = this->remote("forger", "evil.test");
  const std::string key_id = "https://r.test/users/erin#ed25519-key";
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.actors().replace_multikeys(
        erin.id, {{0, key_id, "z6MkjrsDCJZhz2qCS4quEaSFqwXk5B8F6uHZA8jMdYMA6tjP"},
                  {0, key_id + "2", "z6MkSecond"}});
  }));
  // Another document claiming the same key id is stored too; the reader picks by origin.
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.actors().replace_multikeys(forger.id, {{0, key_id, "z6MkForged"}});
  }));
  auto listed = this->db_->read([&](Tx& t) { return t.actors().list_multikeys(key_id); });
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0],
            (ActorMultikey{erin.id, key_id, "z6MkjrsDCJZhz2qCS4quEaSFqwXk5B8F6uHZA8jMdYMA6tjP"}));
  EXPECT_EQ((*listed)[1].actor_id, forger.id);

  // Storing the document again replaces the set: a key the actor dropped is gone.
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.actors().replace_multikeys(erin.id, {{0, key_id + "2", "z6MkSecond"}});
  }));
  listed = this->db_->read([&](Tx& t) { return t.actors().list_multikeys(key_id); });
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].actor_id, forger.id);
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.actors().list_multikeys(key_id + "2"); })->size(),
            1u);
  EXPECT_TRUE(
      this->db_->read([&](Tx& t) { return t.actors().list_multikeys("https://none"); })->empty());
}

TYPED_TEST_P(StorageConformance, ActorsByPublicKeyId) {
  RemoteActorForm mastodon = remote_person("gargron", "mastodon.test");
  mastodon.public_key_id = "https://mastodon.test/u/gargron/keys/rotated";  // not "#main-key"
  auto owner = this->tx([&](Tx& t) { return t.actors().upsert_remote(mastodon); });
  ASSERT_OK(owner);
  // Another document claiming the same key id: both are listed, oldest first; the caller decides.
  RemoteActorForm claimant = remote_person("mallory", "evil.test");
  claimant.public_key_id = mastodon.public_key_id;
  auto other = this->tx([&](Tx& t) { return t.actors().upsert_remote(claimant); });
  ASSERT_OK(other);
  auto found = this->db_->read(
      [&](Tx& t) { return t.actors().list_by_public_key_id(*mastodon.public_key_id); });
  ASSERT_OK(found);
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].id, owner->id);
  EXPECT_EQ((*found)[1].id, other->id);
  EXPECT_EQ((*found)[0].public_key_pem, mastodon.public_key_pem);
  auto none = this->db_->read(
      [](Tx& t) { return t.actors().list_by_public_key_id("https://nobody.test/key"); });
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TYPED_TEST_P(StorageConformance, RemoteActorUpsert) {
  RemoteActorForm f = remote_person("Gargron", "Mastodon.Social");
  auto a = this->tx([&](Tx& t) { return t.actors().upsert_remote(f); });
  ASSERT_OK(a);
  EXPECT_FALSE(a->is_local());
  EXPECT_EQ(a->domain, "mastodon.social");
  EXPECT_EQ(a->handle, "Gargron");
  EXPECT_TRUE(a->fetched_at);
  EXPECT_FALSE(a->private_key_pem);
  EXPECT_TRUE(
      this->db_->read([](Tx& t) { return t.instances().get_by_host("mastodon.social"); }).ok());

  f.display_name = "Eugen";
  f.manually_approves_followers = true;
  auto b = this->tx([&](Tx& t) { return t.actors().upsert_remote(f); });
  ASSERT_OK(b);
  EXPECT_EQ(b->id, a->id);
  EXPECT_EQ(b->display_name, "Eugen");
  EXPECT_TRUE(b->manually_approves_followers);
  EXPECT_EQ(b->created_at, a->created_at);

  auto by_handle = this->db_->read([](Tx& t) {
    return t.actors().get_by_handle("gargron", std::string_view("MASTODON.social"));
  });
  ASSERT_OK(by_handle);
  EXPECT_EQ(by_handle->id, a->id);
  EXPECT_ERROR(this->db_->read([](Tx& t) { return t.actors().get_local_by_handle("gargron"); }),
               not_found);

  // Same handle on another domain is another actor; a second ap_id for the same handle is not.
  ASSERT_OK(
      this->tx([](Tx& t) { return t.actors().upsert_remote(remote_person("gargron", "b.test")); }));
  RemoteActorForm clash = remote_person("GARGRON", "mastodon.social");
  clash.ap_id = "https://mastodon.social/users/other";
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.actors().upsert_remote(clash); }), already_exists);

  // A remote document must never overwrite a local actor.
  const LocalUser alice = this->user("alice");
  RemoteActorForm hijack = remote_person("alice", "evil.test");
  hijack.ap_id = alice.actor.ap_id;
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.actors().upsert_remote(hijack); }), conflict);
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.actors().get(alice.actor.id); })->domain,
            std::nullopt);
}

TYPED_TEST_P(StorageConformance, ActorProfileUpdate) {
  const LocalUser u = this->user("alice");
  ActorUpdate up;
  up.display_name = std::optional<std::string>{};  // clear
  up.summary_html = std::optional<std::string>{"<p>new</p>"};
  up.manually_approves_followers = true;
  auto r = this->tx([&](Tx& t) { return t.actors().update(u.actor.id, up); });
  ASSERT_OK(r);
  EXPECT_FALSE(r->display_name);
  EXPECT_EQ(r->summary_html, "<p>new</p>");
  EXPECT_TRUE(r->manually_approves_followers);
  EXPECT_EQ(r->icon_url, u.actor.icon_url);
  EXPECT_GE(r->updated_at, u.actor.updated_at);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.actors().update(424242, up); }), not_found);
}

TYPED_TEST_P(StorageConformance, InstanceActor) {
  NewLocalActor a = local_actor("local.test", "actor");
  auto r = this->tx([&](Tx& t) { return t.actors().create_local(ActorKind::application, a); });
  ASSERT_OK(r);
  EXPECT_EQ(r->kind, ActorKind::application);
  // Only people and groups are held to the [a-z0-9_] handle rule.
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.actors().create_local(ActorKind::person, local_actor("a.b", "x"));
  }),
               invalid_input);
}

// ---------------------------------------------------------------------------------------------
// communities

TYPED_TEST_P(StorageConformance, CommunityCreateWithOwner) {
  const LocalUser owner = this->user("alice");
  NewCommunity n = new_community("devs", owner.actor.id);
  n.settings.visibility = CommunityVisibility::private_;
  n.settings.join_policy = JoinPolicy::approval;
  n.settings.posting_policy = PostingPolicy::moderators;
  n.settings.welcome_source = "Welcome!";
  n.settings.welcome_html = "<p>Welcome!</p>";
  auto c = this->tx([&](Tx& t) { return t.communities().create(n); });
  ASSERT_OK(c);
  EXPECT_EQ(c->actor.kind, ActorKind::group);
  EXPECT_EQ(c->actor.display_name, "Community devs");
  EXPECT_EQ(c->actor.moderators_url, n.actor.moderators_url);
  EXPECT_EQ(c->community.actor_id, c->actor.id);
  EXPECT_EQ(c->community.description_html, n.settings.description_html);
  EXPECT_EQ(c->community.welcome_html, "<p>Welcome!</p>");
  EXPECT_EQ(c->community.visibility, CommunityVisibility::private_);
  EXPECT_EQ(c->community.join_policy, JoinPolicy::approval);
  EXPECT_EQ(c->community.posting_policy, PostingPolicy::moderators);
  EXPECT_EQ(c->community.languages, (std::vector<std::string>{"en", "fr"}));
  EXPECT_EQ(c->member_count, 1);

  auto m = this->db_->read([&](Tx& t) { return t.memberships().get(c->actor.id, owner.actor.id); });
  ASSERT_OK(m);
  EXPECT_EQ(m->role, MemberRole::owner);
  EXPECT_EQ(m->state, MemberState::accepted);

  EXPECT_EQ(
      this->db_->read([](Tx& t) { return t.communities().get_local_by_handle("DEVS"); })->actor.id,
      c->actor.id);
  EXPECT_EQ(
      this->db_->read([&](Tx& t) { return t.communities().get_by_ap_id(n.actor.ap_id); })->actor.id,
      c->actor.id);
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.communities().get(c->actor.id); })
                ->community.created_at,
            c->community.created_at);
  // A user is not a community.
  EXPECT_ERROR(this->db_->read([](Tx& t) { return t.communities().get_local_by_handle("alice"); }),
               not_found);
}

TYPED_TEST_P(StorageConformance, CommunityCreateFailureLeavesNothing) {
  // The owner does not exist: the membership insert fails after the actor and community rows
  // were written. Nothing of it may remain, even if the caller commits its transaction anyway.
  core::Result<CommunityView> inner = core::Error::internal("not run");
  auto r = this->tx([&](Tx& t) -> core::Result<int> {
    inner = t.communities().create(new_community("ghost", 987654321));
    return 0;  // commit
  });
  ASSERT_OK(r);
  EXPECT_ERROR(inner, invalid_input);
  EXPECT_FALSE(
      this->db_->read([](Tx& t) { return t.actors().local_handle_taken("ghost"); }).value());
  EXPECT_ERROR(this->db_->read([](Tx& t) { return t.actors().get_by_ap_id(kLocal + "/c/ghost"); }),
               not_found);
  EXPECT_TRUE(this->db_->read([](Tx& t) { return t.communities().list(CommunityScope::all, {}); })
                  .value()
                  .empty());
  // And the handle is free for a real community afterwards.
  const LocalUser owner = this->user("alice");
  this->community("ghost", owner.actor.id);
}

TYPED_TEST_P(StorageConformance, CommunityListScopesAndCounts) {
  const LocalUser alice = this->user("alice");
  const LocalUser bob = this->user("bob");
  const CommunityView devs = this->community("devs", alice.actor.id);
  const CommunityView ops = this->community("ops", bob.actor.id);
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.memberships().create(
        {.community_id = devs.actor.id, .actor_id = bob.actor.id, .state = MemberState::accepted});
  }));
  const Actor carol = this->remote("carol", "r.test");
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.memberships().create(
        {.community_id = devs.actor.id, .actor_id = carol.id, .state = MemberState::pending});
  }));
  RemoteActorForm rf = remote_person("technology", "lemmy.test");
  CommunitySettings rs;
  rs.description_html = "<p>tech</p>";
  rs.posting_policy = PostingPolicy::moderators;
  auto remote = this->tx([&](Tx& t) { return t.communities().upsert_remote(rf, rs); });
  ASSERT_OK(remote);
  EXPECT_EQ(remote->actor.kind, ActorKind::group);
  EXPECT_EQ(remote->community.posting_policy, PostingPolicy::moderators);
  rs.description_html = "<p>tech v2</p>";
  auto again = this->tx([&](Tx& t) { return t.communities().upsert_remote(rf, rs); });
  ASSERT_OK(again);
  EXPECT_EQ(again->actor.id, remote->actor.id);
  EXPECT_EQ(again->community.description_html, "<p>tech v2</p>");

  auto local = this->db_->read(
      [](Tx& t) { return t.communities().list(CommunityScope::local, {.oldest_first = true}); });
  ASSERT_OK(local);
  ASSERT_EQ(local->size(), 2u);
  EXPECT_EQ((*local)[0].actor.id, devs.actor.id);
  EXPECT_EQ((*local)[0].member_count, 2);  // owner + bob; the pending one does not count
  EXPECT_EQ((*local)[1].actor.id, ops.actor.id);
  EXPECT_EQ((*local)[1].member_count, 1);
  auto remotes =
      this->db_->read([](Tx& t) { return t.communities().list(CommunityScope::remote, {}); });
  ASSERT_OK(remotes);
  ASSERT_EQ(remotes->size(), 1u);
  EXPECT_EQ((*remotes)[0].actor.handle, "technology");
  auto all = this->db_->read([](Tx& t) { return t.communities().list(CommunityScope::all, {}); });
  ASSERT_OK(all);
  EXPECT_EQ(all->size(), 3u);
  EXPECT_EQ(this->db_
                ->read([](Tx& t) {
                  return t.communities().get_by_handle("Technology",
                                                       std::string_view("lemmy.test"));
                })
                ->actor.id,
            remote->actor.id);
}

TYPED_TEST_P(StorageConformance, CommunityUpdateAndRules) {
  const LocalUser alice = this->user("alice");
  const CommunityView c = this->community("devs", alice.actor.id);
  CommunityUpdate up;
  up.title = std::optional<std::string>{"Developers"};
  up.icon_url = std::optional<std::string>{"https://local.test/icon.png"};
  up.visibility = CommunityVisibility::local_only;
  up.languages = std::vector<std::string>{"de"};
  up.description_html = "<p>new</p>";
  auto r = this->tx([&](Tx& t) { return t.communities().update(c.actor.id, up); });
  ASSERT_OK(r);
  EXPECT_EQ(r->actor.display_name, "Developers");
  EXPECT_EQ(r->actor.icon_url, "https://local.test/icon.png");
  EXPECT_EQ(r->community.visibility, CommunityVisibility::local_only);
  EXPECT_EQ(r->community.languages, std::vector<std::string>{"de"});
  EXPECT_EQ(r->community.description_html, "<p>new</p>");
  EXPECT_EQ(r->community.description_source, c.community.description_source);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.communities().update(alice.actor.id, up); }),
               not_found);

  ASSERT_OK(this->tx([&](Tx& t) {
    return t.communities().set_rules(c.actor.id, {"Be kind", "No spam", "Stay on topic"});
  }));
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.communities().set_rules(c.actor.id, {"No spam", "Be kind"});
  }));
  auto rules = this->db_->read([&](Tx& t) { return t.communities().rules(c.actor.id); });
  ASSERT_OK(rules);
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].position, 0);
  EXPECT_EQ((*rules)[0].text, "No spam");
  EXPECT_EQ((*rules)[1].text, "Be kind");
  EXPECT_ERROR(this->tx([](Tx& t) { return t.communities().set_rules(777, {"x"}); }), not_found);
}

// ---------------------------------------------------------------------------------------------
// memberships

TYPED_TEST_P(StorageConformance, Memberships) {
  const LocalUser alice = this->user("alice");
  const CommunityView c = this->community("devs", alice.actor.id);
  const Actor carol = this->remote("carol", "r.test");
  const std::string follow = "https://r.test/activities/follow/1";

  auto m = this->tx([&](Tx& t) {
    return t.memberships().create(
        {.community_id = c.actor.id, .actor_id = carol.id, .follow_ap_id = follow});
  });
  ASSERT_OK(m);
  EXPECT_EQ(m->role, MemberRole::member);
  EXPECT_EQ(m->state, MemberState::pending);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.memberships().create({.community_id = c.actor.id, .actor_id = carol.id});
  }),
               already_exists);
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.memberships().get_by_follow_ap_id(follow); })->id,
            m->id);

  auto accepted = this->tx([&](Tx& t) {
    return t.memberships().set_state(c.actor.id, carol.id, MemberState::accepted);
  });
  ASSERT_OK(accepted);
  EXPECT_EQ(accepted->state, MemberState::accepted);
  auto member_on = [&](std::string_view domain) {
    return this->db_->read([&](Tx& t) { return t.memberships().has_member_on(c.actor.id, domain); })
        .value();
  };
  EXPECT_TRUE(member_on("r.test"));
  EXPECT_TRUE(member_on("R.Test"));
  EXPECT_FALSE(member_on("other.test"));
  EXPECT_EQ(
      this->db_
          ->read([&](Tx& t) { return t.memberships().count(c.actor.id, MemberState::accepted); })
          .value(),
      2);

  const TimePoint until(std::chrono::milliseconds(1900000000000));
  auto banned = this->tx([&](Tx& t) {
    return t.memberships().set_state(c.actor.id, carol.id, MemberState::banned, std::string("spam"),
                                     until);
  });
  ASSERT_OK(banned);
  EXPECT_EQ(banned->ban_reason, "spam");
  EXPECT_EQ(banned->ban_expires_at, until);
  EXPECT_FALSE(member_on("r.test"));  // a banned member's instance is not answered
  auto unbanned = this->tx([&](Tx& t) {
    return t.memberships().set_state(c.actor.id, carol.id, MemberState::accepted);
  });
  ASSERT_OK(unbanned);
  EXPECT_FALSE(unbanned->ban_reason);
  EXPECT_FALSE(unbanned->ban_expires_at);

  auto mod = this->tx(
      [&](Tx& t) { return t.memberships().set_role(c.actor.id, carol.id, MemberRole::moderator); });
  ASSERT_OK(mod);
  EXPECT_EQ(mod->role, MemberRole::moderator);

  // upsert keeps the role and records the new Follow.
  auto up = this->tx([&](Tx& t) {
    return t.memberships().upsert({.community_id = c.actor.id,
                                   .actor_id = carol.id,
                                   .state = MemberState::pending,
                                   .follow_ap_id = std::string("https://r.test/follow/2")});
  });
  ASSERT_OK(up);
  EXPECT_EQ(up->id, m->id);
  EXPECT_EQ(up->role, MemberRole::moderator);
  EXPECT_EQ(up->state, MemberState::pending);
  EXPECT_EQ(up->follow_ap_id, "https://r.test/follow/2");

  auto pending = this->db_->read(
      [&](Tx& t) { return t.memberships().list(c.actor.id, MemberState::pending, {}); });
  ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].actor_id, carol.id);
  auto all = this->db_->read([&](Tx& t) {
    return t.memberships().list(c.actor.id, std::nullopt, {.oldest_first = true});
  });
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].actor_id, alice.actor.id);
  auto mine = this->db_->read(
      [&](Tx& t) { return t.memberships().list_for_actor(carol.id, std::nullopt, {}); });
  ASSERT_OK(mine);
  ASSERT_EQ(mine->size(), 1u);

  ASSERT_OK(this->tx([&](Tx& t) { return t.memberships().remove(c.actor.id, carol.id); }));
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.memberships().remove(c.actor.id, carol.id); }),
               not_found);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.memberships().set_role(c.actor.id, carol.id, MemberRole::member);
  }),
               not_found);
  // Foreign keys: neither the actor nor the community may be missing.
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.memberships().create({.community_id = c.actor.id, .actor_id = 55555});
  }),
               invalid_input);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.memberships().create({.community_id = alice.actor.id, .actor_id = carol.id});
  }),
               invalid_input);
}

// ---------------------------------------------------------------------------------------------
// follows

TYPED_TEST_P(StorageConformance, Follows) {
  const LocalUser alice = this->user("alice");
  const LocalUser bob = this->user("bob");
  const Actor carol = this->remote("carol", "r.test");

  auto f = this->tx([&](Tx& t) {
    return t.follows().create(alice.actor.id, bob.actor.id, FollowState::pending,
                              kLocal + "/follows/1");
  });
  ASSERT_OK(f);
  EXPECT_EQ(f->state, FollowState::pending);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.follows().create(alice.actor.id, bob.actor.id, FollowState::pending, std::nullopt);
  }),
               already_exists);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.follows().create(alice.actor.id, alice.actor.id, FollowState::accepted, std::nullopt);
  }),
               invalid_input);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.follows().create(alice.actor.id, 31337, FollowState::accepted, std::nullopt);
  }),
               invalid_input);

  EXPECT_EQ(
      this->db_->read([&](Tx& t) { return t.follows().count_followers(bob.actor.id); }).value(), 0);
  auto accepted = this->tx([&](Tx& t) { return t.follows().accept(alice.actor.id, bob.actor.id); });
  ASSERT_OK(accepted);
  EXPECT_EQ(accepted->state, FollowState::accepted);
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.follows().create(carol.id, bob.actor.id, FollowState::accepted,
                              std::string("https://r.test/f/9"));
  }));
  EXPECT_EQ(
      this->db_->read([&](Tx& t) { return t.follows().count_followers(bob.actor.id); }).value(), 2);
  EXPECT_EQ(
      this->db_->read([&](Tx& t) { return t.follows().count_following(alice.actor.id); }).value(),
      1);
  auto followers = this->db_->read([&](Tx& t) {
    return t.follows().followers(bob.actor.id, FollowState::accepted, {.oldest_first = true});
  });
  ASSERT_OK(followers);
  ASSERT_EQ(followers->size(), 2u);
  EXPECT_EQ((*followers)[0].follower_id, alice.actor.id);
  EXPECT_EQ((*followers)[1].follower_id, carol.id);
  auto following =
      this->db_->read([&](Tx& t) { return t.follows().following(carol.id, std::nullopt, {}); });
  ASSERT_OK(following);
  ASSERT_EQ(following->size(), 1u);
  EXPECT_EQ(this->db_->read([](Tx& t) { return t.follows().get_by_ap_id("https://r.test/f/9"); })
                ->follower_id,
            carol.id);

  ASSERT_OK(this->tx([&](Tx& t) { return t.follows().remove(alice.actor.id, bob.actor.id); }));
  EXPECT_ERROR(
      this->db_->read([&](Tx& t) { return t.follows().get(alice.actor.id, bob.actor.id); }),
      not_found);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.follows().remove(alice.actor.id, bob.actor.id); }),
               not_found);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.follows().accept(alice.actor.id, bob.actor.id); }),
               not_found);
}

// ---------------------------------------------------------------------------------------------
// posts

TYPED_TEST_P(StorageConformance, ThreadsAndComments) {
  const LocalUser alice = this->user("alice");
  const CommunityView c = this->community("devs", alice.actor.id);
  const Actor carol = this->remote("carol", "r.test");

  NewPost tn = new_thread(alice.actor.id, c.actor.id, "hello");
  tn.language = "en";
  tn.summary = "cw";
  tn.sensitive = true;
  tn.url = "https://example.com/article";
  tn.context_url = "https://r.test/post/1/context";
  tn.link_url = "https://example.com/news";
  tn.attachments = {{.url = "https://local.test/media/1.png",
                     .media_type = "image/png",
                     .description = "a cat",
                     .width = 640,
                     .height = 480,
                     .blurhash = "LKO2?U%2Tw=w]~RBVZRi};RPxuwH"},
                    {.url = "https://local.test/media/2.png"}};
  auto thread = this->tx([&](Tx& t) { return t.posts().create(tn); });
  ASSERT_OK(thread);
  EXPECT_TRUE(thread->is_thread());
  EXPECT_EQ(thread->thread_id, thread->id);
  EXPECT_EQ(thread->community_id, c.actor.id);
  EXPECT_EQ(thread->title, "hello");
  EXPECT_EQ(thread->summary, "cw");
  EXPECT_TRUE(thread->sensitive);
  EXPECT_TRUE(thread->is_local);
  EXPECT_EQ(thread->context_url, "https://r.test/post/1/context");
  EXPECT_EQ(thread->link_url, "https://example.com/news");
  ASSERT_EQ(thread->attachments.size(), 2u);
  EXPECT_EQ(thread->attachments[0].description, "a cat");
  EXPECT_EQ(thread->attachments[0].width, 640);
  EXPECT_EQ(thread->attachments[1].position, 1);
  EXPECT_FALSE(thread->attachments[1].media_type);

  NewPost cn = new_comment(carol.id, thread->id, "c1");
  cn.is_local = false;
  cn.published_at = TimePoint(std::chrono::milliseconds(1750000000000));
  auto c1 = this->tx([&](Tx& t) { return t.posts().create(cn); });
  ASSERT_OK(c1);
  EXPECT_FALSE(c1->context_url);
  EXPECT_FALSE(c1->is_thread());
  EXPECT_EQ(c1->thread_id, thread->id);
  EXPECT_EQ(c1->parent_id, thread->id);
  EXPECT_EQ(c1->community_id, c.actor.id);  // inherited
  EXPECT_EQ(c1->published_at, TimePoint(std::chrono::milliseconds(1750000000000)));
  auto c2 =
      this->tx([&](Tx& t) { return t.posts().create(new_comment(alice.actor.id, c1->id, "c2")); });
  ASSERT_OK(c2);
  EXPECT_EQ(c2->thread_id, thread->id);
  EXPECT_EQ(c2->parent_id, c1->id);

  auto list = this->db_->read(
      [&](Tx& t) { return t.posts().list_thread(thread->id, {.oldest_first = true}); });
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, c1->id);
  EXPECT_EQ((*list)[1].id, c2->id);
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.posts().count_comments(thread->id); }).value(),
            2);
  auto by_ap = this->db_->read([&](Tx& t) { return t.posts().get_by_ap_id(tn.ap_id); });
  ASSERT_OK(by_ap);
  EXPECT_EQ(by_ap->id, thread->id);
  EXPECT_EQ(by_ap->attachments.size(), 2u);
  auto by_author =
      this->db_->read([&](Tx& t) { return t.posts().list_by_author(alice.actor.id, {}); });
  ASSERT_OK(by_author);
  ASSERT_EQ(by_author->size(), 2u);
  EXPECT_EQ((*by_author)[0].id, c2->id);  // newest first

  EXPECT_ERROR(
      this->tx([&](Tx& t) { return t.posts().create(new_comment(alice.actor.id, 999, "x")); }),
      invalid_input);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.posts().create(new_thread(4242, c.actor.id, "x")); }),
               invalid_input);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.posts().create(tn); }), already_exists);

  // A person's own post, outside any community.
  auto own = this->tx(
      [&](Tx& t) { return t.posts().create(new_thread(alice.actor.id, std::nullopt, "status")); });
  ASSERT_OK(own);
  EXPECT_FALSE(own->community_id);

  // Q&A: the accepted answer must be a comment of that thread.
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().set_accepted_answer(thread->id, c2->id); }));
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.posts().set_accepted_answer(thread->id, own->id); }),
               invalid_input);
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.posts().get(thread->id); })->accepted_answer_id,
            c2->id);
}

TYPED_TEST_P(StorageConformance, PostEditHistory) {
  const LocalUser alice = this->user("alice");
  auto post = this->tx([&](Tx& t) {
    NewPost n = new_thread(alice.actor.id, std::nullopt, "v1");
    n.attachments = {{.url = "https://local.test/a.png"}};
    return t.posts().create(n);
  });
  ASSERT_OK(post);
  PostEdit e;
  e.title = "v2";
  e.content_source = std::optional<std::string>{"second"};
  e.content_html = "<p>second</p>";
  e.attachments = std::vector<Attachment>{{.url = "https://local.test/b.png"},
                                          {.url = "https://local.test/c.png"}};
  e.edited_at = TimePoint(std::chrono::milliseconds(1800000000000));
  auto v2 = this->tx([&](Tx& t) { return t.posts().update(post->id, e); });
  ASSERT_OK(v2);
  EXPECT_EQ(v2->title, "v2");
  EXPECT_EQ(v2->content_html, "<p>second</p>");
  EXPECT_EQ(v2->updated_at, TimePoint(std::chrono::milliseconds(1800000000000)));
  ASSERT_EQ(v2->attachments.size(), 2u);
  EXPECT_EQ(v2->attachments[0].url, "https://local.test/b.png");
  EXPECT_FALSE(v2->link_url);

  PostEdit e3;
  e3.content_html = "<p>third</p>";
  e3.summary = std::optional<std::string>{"spoiler"};
  e3.link_url = std::optional<std::string>{"https://example.com/a"};
  auto v3 = this->tx([&](Tx& t) { return t.posts().update(post->id, e3); });
  ASSERT_OK(v3);
  EXPECT_EQ(v3->link_url, "https://example.com/a");
  auto revs = this->db_->read([&](Tx& t) { return t.posts().revisions(post->id); });
  ASSERT_OK(revs);
  ASSERT_EQ(revs->size(), 2u);
  EXPECT_EQ((*revs)[0].title, "v1");
  EXPECT_EQ((*revs)[0].content_html, "<p>Body of v1</p>");
  EXPECT_EQ((*revs)[1].title, "v2");
  EXPECT_EQ((*revs)[1].content_html, "<p>second</p>");
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.posts().update(31337, e3); }), not_found);
}

TYPED_TEST_P(StorageConformance, SoftDeleteLeavesATombstone) {
  const LocalUser alice = this->user("alice");
  const CommunityView c = this->community("devs", alice.actor.id);
  auto thread = this->tx([&](Tx& t) {
    NewPost n = new_thread(alice.actor.id, c.actor.id, "doomed");
    n.attachments = {{.url = "https://local.test/a.png"}};
    return t.posts().create(n);
  });
  ASSERT_OK(thread);
  auto comment = this->tx(
      [&](Tx& t) { return t.posts().create(new_comment(alice.actor.id, thread->id, "reply")); });
  ASSERT_OK(comment);
  PostEdit e;
  e.content_html = "<p>edited</p>";
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().update(thread->id, e); }));

  auto gone = this->tx([&](Tx& t) { return t.posts().soft_delete(thread->id); });
  ASSERT_OK(gone);
  ASSERT_TRUE(gone->deleted_at);
  EXPECT_FALSE(gone->title);
  EXPECT_FALSE(gone->content_source);
  EXPECT_EQ(gone->content_html, "");
  EXPECT_TRUE(gone->attachments.empty());
  EXPECT_EQ(gone->ap_id, kLocal + "/post/doomed");
  EXPECT_TRUE(
      this->db_->read([&](Tx& t) { return t.posts().revisions(thread->id); }).value().empty());
  // Replies still resolve; a second Delete keeps the first time; edits are refused.
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.posts().get(comment->id); })->thread_id,
            thread->id);
  auto again = this->tx([&](Tx& t) { return t.posts().soft_delete(thread->id); });
  ASSERT_OK(again);
  EXPECT_EQ(again->deleted_at, gone->deleted_at);
  EXPECT_ERROR(this->tx([&](Tx& t) { return t.posts().update(thread->id, e); }), conflict);
  EXPECT_ERROR(this->tx([](Tx& t) { return t.posts().soft_delete(8888); }), not_found);

  auto removed = this->tx([&](Tx& t) { return t.posts().set_removed(comment->id, true); });
  ASSERT_OK(removed);
  EXPECT_TRUE(removed->removed_at);
  EXPECT_EQ(removed->content_html, "<p>reply</p>");  // kept for the modlog
  auto restored = this->tx([&](Tx& t) { return t.posts().set_removed(comment->id, false); });
  ASSERT_OK(restored);
  EXPECT_FALSE(restored->removed_at);
  auto locked = this->tx([&](Tx& t) { return t.posts().set_locked(comment->id, true); });
  ASSERT_OK(locked);
  EXPECT_TRUE(locked->locked);
}

TYPED_TEST_P(StorageConformance, CommunityTimelinePinnedFirst) {
  const LocalUser alice = this->user("alice");
  const CommunityView c = this->community("devs", alice.actor.id);
  const CommunityView other = this->community("ops", alice.actor.id);
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(this->tx([&](Tx& t) {
                        return t.posts().create(
                            new_thread(alice.actor.id, c.actor.id, "t" + std::to_string(i)));
                      })
                      .value()
                      .id);
  ASSERT_OK(
      this->tx([&](Tx& t) { return t.posts().create(new_comment(alice.actor.id, ids[4], "c")); }));
  ASSERT_OK(this->tx(
      [&](Tx& t) { return t.posts().create(new_thread(alice.actor.id, other.actor.id, "x")); }));
  ASSERT_OK(this->tx([&](Tx& t) { return t.posts().set_pinned(ids[1], true); }));

  auto first = this->db_->read(
      [&](Tx& t) { return t.posts().list_community_threads(c.actor.id, {.limit = 2}); });
  ASSERT_OK(first);
  ASSERT_EQ(first->size(), 3u);  // the pinned one plus two
  EXPECT_EQ((*first)[0].id, ids[1]);
  EXPECT_TRUE((*first)[0].pinned);
  EXPECT_EQ((*first)[1].id, ids[4]);
  EXPECT_EQ((*first)[2].id, ids[3]);
  auto second = this->db_->read([&](Tx& t) {
    return t.posts().list_community_threads(c.actor.id, {.before = ids[3], .limit = 2});
  });
  ASSERT_OK(second);
  ASSERT_EQ(second->size(), 2u);  // ids[2], ids[0]; the pinned one is not repeated
  EXPECT_EQ((*second)[0].id, ids[2]);
  EXPECT_EQ((*second)[1].id, ids[0]);
}

// ---------------------------------------------------------------------------------------------
// reactions

TYPED_TEST_P(StorageConformance, Reactions) {
  const LocalUser alice = this->user("alice");
  const LocalUser bob = this->user("bob");
  const Actor carol = this->remote("carol", "r.test");
  const Id post = this->tx([&](Tx& t) {
                        return t.posts().create(new_thread(alice.actor.id, std::nullopt, "p"));
                      })
                      .value()
                      .id;
  auto like = this->tx([&](Tx& t) {
    return t.reactions().add({.post_id = post,
                              .actor_id = carol.id,
                              .kind = ReactionKind::like,
                              .ap_id = std::string("https://r.test/likes/1")});
  });
  ASSERT_OK(like);
  // Idempotent: the same reaction again is the same row (inbox redelivery).
  auto like_again = this->tx([&](Tx& t) {
    return t.reactions().add({.post_id = post,
                              .actor_id = carol.id,
                              .kind = ReactionKind::like,
                              .ap_id = std::string("https://r.test/likes/1")});
  });
  ASSERT_OK(like_again);
  EXPECT_EQ(like_again->id, like->id);
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.reactions().add(
        {.post_id = post, .actor_id = bob.actor.id, .kind = ReactionKind::like});
  }));
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.reactions().add(
        {.post_id = post, .actor_id = bob.actor.id, .kind = ReactionKind::dislike});
  }));
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.reactions().add(
        {.post_id = post, .actor_id = bob.actor.id, .kind = ReactionKind::emoji, .emoji = "🎉"});
  }));
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.reactions().add({.post_id = post,
                              .actor_id = carol.id,
                              .kind = ReactionKind::emoji,
                              .emoji = ":blobcat:",
                              .emoji_icon_url = std::string("https://r.test/emoji/blobcat.png")});
  }));
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.reactions().add(
        {.post_id = post, .actor_id = bob.actor.id, .kind = ReactionKind::emoji});
  }),
               invalid_input);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.reactions().add({.post_id = 9999, .actor_id = bob.actor.id});
  }),
               invalid_input);

  auto counts = this->db_->read([&](Tx& t) { return t.reactions().counts(post); });
  ASSERT_OK(counts);
  std::map<std::pair<ReactionKind, std::string>, std::int64_t> by_key;
  for (const auto& c : *counts)
    by_key[{c.kind, c.emoji}] = c.count;
  EXPECT_EQ(by_key.size(), 4u);
  EXPECT_EQ((by_key[{ReactionKind::like, ""}]), 2);
  EXPECT_EQ((by_key[{ReactionKind::dislike, ""}]), 1);
  EXPECT_EQ((by_key[{ReactionKind::emoji, "🎉"}]), 1);
  EXPECT_EQ((by_key[{ReactionKind::emoji, ":blobcat:"}]), 1);

  EXPECT_EQ(
      this->db_->read([](Tx& t) { return t.reactions().get_by_ap_id("https://r.test/likes/1"); })
          ->actor_id,
      carol.id);
  EXPECT_TRUE(
      this->tx([](Tx& t) { return t.reactions().remove_by_ap_id("https://r.test/likes/1"); })
          .value());
  EXPECT_FALSE(
      this->tx([](Tx& t) { return t.reactions().remove_by_ap_id("https://r.test/likes/1"); })
          .value());
  EXPECT_TRUE(this->tx([&](Tx& t) {
                    return t.reactions().remove(post, bob.actor.id, ReactionKind::emoji, "🎉");
                  })
                  .value());
  EXPECT_FALSE(this->tx([&](Tx& t) {
                     return t.reactions().remove(post, bob.actor.id, ReactionKind::emoji, "🎉");
                   })
                   .value());
  auto list = this->db_->read([&](Tx& t) { return t.reactions().list_for_post(post, {}); });
  ASSERT_OK(list);
  EXPECT_EQ(list->size(), 3u);
}

// ---------------------------------------------------------------------------------------------
// federation queues (migration 0002)

inline std::vector<Id> job_ids(const std::vector<DeliveryJob>& jobs) {
  std::vector<Id> out;
  for (const auto& j : jobs)
    out.push_back(j.id);
  return out;
}

// Stored times have millisecond precision.
inline TimePoint driver_time(TimePoint t) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(t);
}

inline NewOutboxActivity outbox_activity(Id actor, const std::string& name) {
  return {.ap_id = kLocal + "/activities/" + name,
          .actor_id = actor,
          .payload = R"({"type":"Create","id":")" + kLocal + "/activities/" + name + "\"}"};
}

TYPED_TEST_P(StorageConformance, InboxDedupeAndWorkLog) {
  const TimePoint t0 = std::chrono::system_clock::now() + std::chrono::seconds(1);
  auto first = this->tx([](Tx& t) {
    return t.inbox_log().record_received("https://r.test/a/1", "https://r.test/u/bob");
  });
  ASSERT_OK(first);
  EXPECT_TRUE(*first);
  EXPECT_FALSE(this->tx([](Tx& t) {
                     return t.inbox_log().record_received("https://r.test/a/1",
                                                          "https://r.test/u/bob");
                   })
                   .value());
  EXPECT_TRUE(
      this->db_->read([](Tx& t) { return t.inbox_log().was_received("https://r.test/a/1"); })
          .value());

  NewInboxActivity like{.ap_id = "https://r.test/a/2",
                        .actor = "https://r.test/u/bob",
                        .signer = "https://r.test/u/bob",
                        .payload = R"({"type":"Like"})",
                        .payload_hash = std::string("sha256=abc")};
  auto accepted = this->tx([&](Tx& t) { return t.inbox_log().accept(like); });
  ASSERT_OK(accepted);
  ASSERT_TRUE(accepted->has_value());
  EXPECT_EQ((*accepted)->state, InboxState::pending);
  EXPECT_EQ((*accepted)->payload, like.payload);
  // A duplicate delivery: no second work item.
  auto again = this->tx([&](Tx& t) { return t.inbox_log().accept(like); });
  ASSERT_OK(again);
  EXPECT_FALSE(again->has_value());
  EXPECT_EQ(this->db_->read([](Tx& t) { return t.inbox_log().count_pending(); }).value(), 1);

  const auto lease = std::chrono::seconds(30);
  auto claimed = this->tx([&](Tx& t) { return t.inbox_log().claim("worker-1", t0, 10, lease); });
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  const Id id = claimed->front().id;
  EXPECT_EQ(claimed->front().lease_owner, "worker-1");
  // Leased: nobody else gets it until the lease runs out (a crashed handler).
  EXPECT_TRUE(
      this->tx([&](Tx& t) { return t.inbox_log().claim("worker-2", t0, 10, lease); })->empty());
  auto after_crash = this->tx(
      [&](Tx& t) { return t.inbox_log().claim("worker-2", t0 + lease + lease, 10, lease); });
  ASSERT_OK(after_crash);
  ASSERT_EQ(after_crash->size(), 1u);
  EXPECT_EQ(after_crash->front().id, id);

  // A failed handler run is retried at retry_at, not before.
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.inbox_log().fail(id, "peer timeout", t0 + std::chrono::minutes(10));
  }));
  EXPECT_TRUE(this->tx([&](Tx& t) {
                    return t.inbox_log().claim("w", t0 + std::chrono::minutes(9), 10, lease);
                  })
                  ->empty());
  EXPECT_EQ(this->tx([&](Tx& t) {
                  return t.inbox_log().claim("w", t0 + std::chrono::minutes(10), 10, lease);
                })
                ->size(),
            1u);
  ASSERT_OK(this->tx([&](Tx& t) { return t.inbox_log().complete(id); }));
  auto done = this->db_->read([&](Tx& t) { return t.inbox_log().get(id); });
  ASSERT_OK(done);
  EXPECT_EQ(done->state, InboxState::done);
  EXPECT_EQ(done->attempts, 1);
  EXPECT_EQ(done->last_error, "peer timeout");
  EXPECT_EQ(this->db_->read([](Tx& t) { return t.inbox_log().count_pending(); }).value(), 0);
  EXPECT_ERROR(this->tx([](Tx& t) { return t.inbox_log().complete(424242); }), not_found);

  // A permanently failing item stays for inspection until pruned.
  NewInboxActivity bad = like;
  bad.ap_id = "https://r.test/a/3";
  const Id bad_id = this->tx([&](Tx& t) { return t.inbox_log().accept(bad); }).value()->id;
  ASSERT_OK(this->tx([&](Tx& t) { return t.inbox_log().fail(bad_id, "malformed", std::nullopt); }));
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.inbox_log().get(bad_id); })->state,
            InboxState::failed);
  // Pruning keeps nothing older than the cut-off except pending work.
  NewInboxActivity pending = like;
  pending.ap_id = "https://r.test/a/4";
  ASSERT_OK(this->tx([&](Tx& t) { return t.inbox_log().accept(pending); }));
  auto pruned = this->tx([&](Tx& t) { return t.inbox_log().prune(t0 + std::chrono::hours(24)); });
  ASSERT_OK(pruned);
  EXPECT_EQ(*pruned, 4 + 2);  // four received ids, the done and the failed item
  EXPECT_EQ(this->db_->read([](Tx& t) { return t.inbox_log().count_pending(); }).value(), 1);
  // The pending item's id can arrive again after its received row was pruned: still one item.
  EXPECT_FALSE(this->tx([&](Tx& t) { return t.inbox_log().accept(pending); })->has_value());
}

TYPED_TEST_P(StorageConformance, EnqueueDedupesInboxesInTheCallersTransaction) {
  const Id alice = this->user("alice").actor.id;
  const std::vector<std::string> inboxes{
      "https://Peer.Test/inbox", "https://peer.test/users/1/inbox", "https://Peer.Test/inbox",
      "https://other.test:8443/inbox", "https://peer.test/users/1/inbox"};
  auto queued = this->tx(
      [&](Tx& t) { return t.delivery_queue().enqueue(outbox_activity(alice, "1"), inboxes); });
  ASSERT_OK(queued);
  EXPECT_EQ(queued->deliveries, 3u);
  EXPECT_EQ(queued->activity.actor_id, alice);
  auto rows = this->db_->read(
      [&](Tx& t) { return t.delivery_queue().list_for_activity(queued->activity.id); });
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].inbox_url, "https://Peer.Test/inbox");
  EXPECT_EQ((*rows)[0].host, "peer.test");
  EXPECT_EQ((*rows)[1].inbox_url, "https://peer.test/users/1/inbox");
  EXPECT_EQ((*rows)[2].host, "other.test:8443");
  for (const auto& d : *rows) {
    EXPECT_EQ(d.state, DeliveryState::pending);
    EXPECT_EQ(d.attempts, 0);
    EXPECT_FALSE(d.lease_owner.has_value());
  }
  EXPECT_LT((*rows)[0].id, (*rows)[1].id);

  // Rolled back with the caller's change: neither the activity nor a delivery remains.
  auto rolled_back = this->tx([&](Tx& t) -> core::Result<void> {
    auto bob = t.users().create(new_user("bob"));
    if (!bob.ok())
      return bob.error();
    auto q = t.delivery_queue().enqueue(outbox_activity(bob->actor.id, "2"), inboxes);
    if (!q.ok())
      return q.error();
    return core::Error::conflict("the caller changed its mind");
  });
  EXPECT_ERROR(rolled_back, conflict);
  auto depth = this->db_->read(
      [](Tx& t) { return t.delivery_queue().depth(std::chrono::system_clock::now()); });
  ASSERT_OK(depth);
  EXPECT_EQ(depth->pending, 3);
  EXPECT_ERROR(this->db_->read([](Tx& t) { return t.users().get_by_handle("bob"); }), not_found);

  // A bad inbox fails the whole enqueue (and only it: the transaction stays usable).
  auto partial = this->tx([&](Tx& t) -> core::Result<std::size_t> {
    auto bad = t.delivery_queue().enqueue(outbox_activity(alice, "3"),
                                          {"https://ok.test/inbox", "mailto:x@y"});
    if (bad.ok() || bad.error().kind != core::ErrorKind::invalid_input)
      return core::Error::internal("expected invalid_input");
    auto good = t.delivery_queue().enqueue(outbox_activity(alice, "3"), {"https://ok.test/inbox"});
    if (!good.ok())
      return good.error();
    return good->deliveries;
  });
  ASSERT_OK(partial);
  EXPECT_EQ(*partial, 1u);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.delivery_queue().enqueue(outbox_activity(alice, "3"), {"https://ok.test/inbox"});
  }),
               already_exists);
  EXPECT_ERROR(this->tx([&](Tx& t) {
    return t.delivery_queue().enqueue(outbox_activity(999, "4"), {"https://ok.test/inbox"});
  }),
               invalid_input);
  EXPECT_EQ(inbox_host("http://user@Example.COM:80/x?y"), "example.com:80");
  EXPECT_EQ(inbox_host("https://[::1]:8443/inbox"), "[::1]:8443");
  EXPECT_FALSE(inbox_host("ftp://example.com/").has_value());
  EXPECT_FALSE(inbox_host("https:///inbox").has_value());
  EXPECT_FALSE(inbox_host("https://exa mple.com/").has_value());
}

TYPED_TEST_P(StorageConformance, ClaimIsFifoPerHostWithinLimits) {
  const Id alice = this->user("alice").actor.id;
  // Ten activities, each to one inbox on a.test and one on b.test.
  for (int i = 0; i < 10; ++i)
    ASSERT_OK(this->tx([&](Tx& t) {
      return t.delivery_queue().enqueue(outbox_activity(alice, "a" + std::to_string(i)),
                                        {"https://a.test/inbox", "https://b.test/inbox"});
    }));
  const TimePoint now = std::chrono::system_clock::now() + std::chrono::seconds(1);
  auto claim = [&](const std::string& owner, TimePoint at, std::size_t limit,
                   std::size_t per_host) {
    return this->tx([&](Tx& t) {
      return t.delivery_queue().claim(
          {.owner = owner, .now = at, .limit = limit, .per_host_limit = per_host});
    });
  };
  auto first = claim("w1", now, 100, 3);
  ASSERT_OK(first);
  ASSERT_EQ(first->size(), 6u);
  std::map<std::string, std::vector<Id>> by_host;
  for (const auto& j : *first) {
    by_host[j.host].push_back(j.id);
    EXPECT_EQ(j.actor_id, alice);
    EXPECT_FALSE(j.payload.empty());
    EXPECT_EQ(j.attempts, 0);
    EXPECT_TRUE(j.key_id.has_value());
    EXPECT_TRUE(j.private_key_pem.has_value());
  }
  EXPECT_TRUE(std::is_sorted(first->begin(), first->end(),
                             [](const auto& x, const auto& y) { return x.id < y.id; }));
  ASSERT_EQ(by_host["a.test"].size(), 3u);
  ASSERT_EQ(by_host["b.test"].size(), 3u);
  // The per-host limit counts leases, whoever holds them.
  EXPECT_TRUE(claim("w2", now, 100, 3)->empty());
  EXPECT_EQ(claim("w2", now, 100, 4)->size(), 2u);

  // a.test's three delivered: the next three of a.test, in id order.
  EXPECT_EQ(this->tx([&](Tx& t) { return t.delivery_queue().complete(by_host["a.test"]); }).value(),
            3u);
  auto next = claim("w1", now, 100, 4);
  ASSERT_OK(next);
  ASSERT_EQ(next->size(), 3u);  // a.test had 1 leased (w2) + 3 new = 4
  for (const auto& j : *next) {
    EXPECT_EQ(j.host, "a.test");
    EXPECT_GT(j.id, by_host["a.test"].back());
  }

  // b.test's oldest fails and waits for its retry: b.test is held back behind it (FIFO), even
  // though later rows are due and below the limit.
  const Id b_head = by_host["b.test"][0];
  auto failed = this->tx([&](Tx& t) {
    return t.delivery_queue().fail({.id = b_head,
                                    .owner = "w1",
                                    .status = 503,
                                    .error = "HTTP 503",
                                    .next_attempt_at = now + std::chrono::minutes(5)});
  });
  ASSERT_OK(failed);
  EXPECT_TRUE(*failed);
  // A report from someone not holding the lease is ignored.
  EXPECT_FALSE(this->tx([&](Tx& t) {
                     return t.delivery_queue().fail({.id = by_host["b.test"][1], .owner = "w9"});
                   })
                   .value());
  ASSERT_OK(this->tx([&](Tx& t) {
    return t.delivery_queue().complete({by_host["b.test"][1], by_host["b.test"][2]});
  }));
  for (const auto& j : *claim("w1", now + std::chrono::minutes(4), 100, 32))
    EXPECT_NE(j.host, "b.test") << "b.test must wait for its head";
  auto retried = claim("w1", now + std::chrono::minutes(5), 100, 32);
  ASSERT_OK(retried);
  ASSERT_FALSE(retried->empty());
  std::vector<Id> b_ids;
  for (const auto& j : *retried)
    if (j.host == "b.test")
      b_ids.push_back(j.id);
  ASSERT_FALSE(b_ids.empty());
  EXPECT_EQ(b_ids.front(), b_head);
  auto head = this->db_->read([&](Tx& t) { return t.delivery_queue().get(b_head); });
  ASSERT_OK(head);
  EXPECT_EQ(head->attempts, 1);
  EXPECT_EQ(head->last_status, 503);
  EXPECT_EQ(head->lease_owner, "w1");

  auto depth = this->db_->read([&](Tx& t) { return t.delivery_queue().depth(now); });
  ASSERT_OK(depth);
  EXPECT_EQ(depth->pending, 20 - 5);
  ASSERT_EQ(depth->hosts.size(), 2u);
}

TYPED_TEST_P(StorageConformance, LeasesExpireAndReleaseAndPermanentFailuresStop) {
  const Id alice = this->user("alice").actor.id;
  for (int i = 0; i < 3; ++i)
    ASSERT_OK(this->tx([&](Tx& t) {
      return t.delivery_queue().enqueue(outbox_activity(alice, std::to_string(i)),
                                        {"https://c.test/inbox"});
    }));
  const TimePoint now = std::chrono::system_clock::now() + std::chrono::seconds(1);
  const auto lease = std::chrono::seconds(60);
  auto claim = [&](const std::string& owner, TimePoint at) {
    return this->tx([&](Tx& t) {
      return t.delivery_queue().claim({.owner = owner, .now = at, .lease = lease});
    });
  };
  auto crashed = claim("crashed", now);
  ASSERT_OK(crashed);
  ASSERT_EQ(crashed->size(), 3u);
  EXPECT_TRUE(claim("survivor", now + std::chrono::seconds(59))->empty());
  // The crashed owner's lease ran out: everything is claimable again, in order.
  auto recovered = claim("survivor", now + lease);
  ASSERT_OK(recovered);
  EXPECT_EQ(job_ids(*recovered), job_ids(*crashed));

  // Clean shutdown hands the leases back at once.
  EXPECT_EQ(this->tx([](Tx& t) { return t.delivery_queue().release("survivor"); }).value(), 3u);
  auto again = claim("next", now + lease);
  ASSERT_OK(again);
  ASSERT_EQ(again->size(), 3u);

  // Permanent: recorded and never claimed again.
  ASSERT_TRUE(this->tx([&](Tx& t) {
                    return t.delivery_queue().fail({.id = again->front().id,
                                                    .owner = "next",
                                                    .permanent = true,
                                                    .status = 404,
                                                    .error = "HTTP 404"});
                  })
                  .value());
  auto gone = this->db_->read([&](Tx& t) { return t.delivery_queue().get(again->front().id); });
  ASSERT_OK(gone);
  EXPECT_EQ(gone->state, DeliveryState::failed);
  EXPECT_EQ(gone->last_status, 404);
  ASSERT_OK(this->tx([](Tx& t) { return t.delivery_queue().release("next"); }));
  EXPECT_EQ(claim("later", now + std::chrono::hours(1))->size(), 2u);

  // Retention: the backlog older than the cut-off expires, then its activities can be pruned.
  EXPECT_EQ(this->tx([&](Tx& t) { return t.delivery_queue().expire(now + std::chrono::hours(24)); })
                .value(),
            2u);
  auto depth = this->db_->read([&](Tx& t) { return t.delivery_queue().depth(now); });
  ASSERT_OK(depth);
  EXPECT_EQ(depth->pending, 0);
  EXPECT_EQ(depth->failed, 3);
  EXPECT_EQ(this->tx([&](Tx& t) { return t.delivery_queue().prune(now + std::chrono::hours(24)); })
                .value(),
            3u);
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.delivery_queue().depth(now); })->failed, 0);
}

TYPED_TEST_P(StorageConformance, PeerCircuitBreaker) {
  const Id alice = this->user("alice").actor.id;
  for (int i = 0; i < 4; ++i)
    ASSERT_OK(this->tx([&](Tx& t) {
      return t.delivery_queue().enqueue(outbox_activity(alice, std::to_string(i)),
                                        {"https://down.test/inbox", "https://up.test/inbox"});
    }));
  const TimePoint now = std::chrono::system_clock::now() + std::chrono::seconds(1);
  const CircuitPolicy policy{.failure_threshold = 3,
                             .base_cooldown = std::chrono::minutes(1),
                             .max_cooldown = std::chrono::minutes(3)};
  auto fail_peer = [&](int failures, TimePoint at) {
    return this->tx([&](Tx& t) {
      return t.delivery_queue().record_failure(
          {.host = "down.test", .now = at, .failures = failures, .error = "connect refused"},
          policy);
    });
  };
  auto p = fail_peer(2, now);
  ASSERT_OK(p);
  EXPECT_EQ(p->consecutive_failures, 2);
  EXPECT_FALSE(p->circuit_open_until.has_value());
  auto claim = [&](TimePoint at) {
    return this->tx([&](Tx& t) {
      return t.delivery_queue().claim({.owner = "w", .now = at, .per_host_limit = 32});
    });
  };
  auto count_host = [](const std::vector<DeliveryJob>& jobs, const std::string& host) {
    return std::count_if(jobs.begin(), jobs.end(), [&](const auto& j) { return j.host == host; });
  };
  // A failure streak: one probe at a time for that host; the healthy host is unaffected.
  auto jobs = claim(now);
  ASSERT_OK(jobs);
  EXPECT_EQ(count_host(*jobs, "down.test"), 1);
  EXPECT_EQ(count_host(*jobs, "up.test"), 4);
  ASSERT_OK(this->tx([](Tx& t) { return t.delivery_queue().release("w"); }));

  p = fail_peer(1, now);  // the threshold: trips for base_cooldown
  ASSERT_OK(p);
  EXPECT_EQ(p->circuit_trips, 1);
  EXPECT_EQ(p->circuit_open_until, driver_time(now + std::chrono::minutes(1)));
  p = fail_peer(5, now + std::chrono::seconds(10));  // stragglers while open do not re-trip
  EXPECT_EQ(p->circuit_trips, 1);
  EXPECT_EQ(count_host(*claim(now + std::chrono::seconds(59)), "down.test"), 0);
  ASSERT_OK(this->tx([](Tx& t) { return t.delivery_queue().release("w"); }));
  // Half-open after the cool-down: one probe.
  EXPECT_EQ(count_host(*claim(now + std::chrono::minutes(1)), "down.test"), 1);
  ASSERT_OK(this->tx([](Tx& t) { return t.delivery_queue().release("w"); }));
  // The probe failed: open again, twice as long, then capped.
  p = fail_peer(1, now + std::chrono::minutes(1));
  EXPECT_EQ(p->circuit_trips, 2);
  EXPECT_EQ(p->circuit_open_until, driver_time(now + std::chrono::minutes(3)));
  p = fail_peer(1, now + std::chrono::minutes(3));
  EXPECT_EQ(p->circuit_trips, 3);
  EXPECT_EQ(p->circuit_open_until, driver_time(now + std::chrono::minutes(6)));

  // A success closes it and makes the host's waiting backlog due at once.
  auto mine = claim(now + std::chrono::minutes(6));
  ASSERT_OK(mine);
  ASSERT_EQ(count_host(*mine, "down.test"), 1);
  const auto probe =
      std::find_if(mine->begin(), mine->end(), [](const auto& j) { return j.host == "down.test"; });
  ASSERT_TRUE(this->tx([&](Tx& t) {
                    return t.delivery_queue().fail(
                        {.id = probe->id,
                         .owner = "w",
                         .error = "timeout",
                         .next_attempt_at = now + std::chrono::hours(2)});
                  })
                  .value());
  ASSERT_OK(this->tx([](Tx& t) { return t.delivery_queue().release("w"); }));
  EXPECT_EQ(count_host(*claim(now + std::chrono::hours(1)), "down.test"), 0);
  ASSERT_OK(this->tx([](Tx& t) { return t.delivery_queue().release("w"); }));
  auto closed = this->tx([&](Tx& t) {
    return t.delivery_queue().record_success("down.test", now + std::chrono::hours(1));
  });
  ASSERT_OK(closed);
  EXPECT_EQ(closed->consecutive_failures, 0);
  EXPECT_EQ(closed->circuit_trips, 0);
  EXPECT_FALSE(closed->circuit_open_until.has_value());
  EXPECT_EQ(closed->recovered_at, driver_time(now + std::chrono::hours(1)));
  // The backlog built up during the outage is drained one at a time, in production order, so the
  // peer receives it in order; the healthy host keeps its full concurrency.
  std::vector<Id> drained;
  for (int i = 0; i < 4; ++i) {
    auto next = claim(now + std::chrono::hours(1));
    ASSERT_OK(next);
    ASSERT_EQ(count_host(*next, "down.test"), 1) << "delivery " << i;
    const auto job = std::find_if(next->begin(), next->end(),
                                  [](const auto& j) { return j.host == "down.test"; });
    drained.push_back(job->id);
    ASSERT_OK(this->tx([&](Tx& t) { return t.delivery_queue().complete({job->id}); }));
    ASSERT_OK(this->tx([](Tx& t) { return t.delivery_queue().release("w"); }));
  }
  EXPECT_TRUE(std::is_sorted(drained.begin(), drained.end()));
  EXPECT_EQ(count_host(*claim(now + std::chrono::hours(1)), "down.test"), 0);
  EXPECT_ERROR(this->db_->read([](Tx& t) { return t.delivery_queue().get_peer("never.test"); }),
               not_found);
}

TYPED_TEST_P(StorageConformance, ConcurrentClaimersNeverShareADelivery) {
  const Id alice = this->user("alice").actor.id;
  constexpr int kActivities = 60;
  std::vector<std::string> inboxes;
  for (int h = 0; h < 5; ++h)
    inboxes.push_back("https://h" + std::to_string(h) + ".test/inbox");
  for (int i = 0; i < kActivities; ++i)
    ASSERT_OK(this->tx([&](Tx& t) {
      return t.delivery_queue().enqueue(outbox_activity(alice, std::to_string(i)), inboxes);
    }));
  // Two Database objects (as two processes would have), two claimers each.
  auto second = open_database(this->url_, this->options()).value();
  Database* dbs[] = {this->db_.get(), second.get()};
  std::mutex mutex;
  std::map<Id, int> seen;
  std::string first_error;
  std::vector<std::thread> threads;
  const TimePoint now = std::chrono::system_clock::now() + std::chrono::seconds(1);
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      const std::string owner = "worker-" + std::to_string(w);
      for (int idle = 0; idle < 3;) {
        auto jobs = dbs[w % 2]->transact([&](Tx& t) {
          return t.delivery_queue().claim(
              {.owner = owner, .now = now, .limit = 7, .per_host_limit = 4});
        });
        if (!jobs.ok()) {
          std::lock_guard lock(mutex);
          first_error = jobs.error().message;
          return;
        }
        idle = jobs->empty() ? idle + 1 : 0;
        {
          std::lock_guard lock(mutex);
          for (const auto& j : *jobs)
            ++seen[j.id];
        }
        auto done = dbs[w % 2]->transact(
            [&](Tx& t) { return t.delivery_queue().complete(job_ids(*jobs)); });
        if (!done.ok()) {
          std::lock_guard lock(mutex);
          first_error = done.error().message;
          return;
        }
        if (jobs->empty())
          std::this_thread::yield();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(first_error, "");
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kActivities * 5));
  for (const auto& [id, n] : seen)
    EXPECT_EQ(n, 1) << "delivery " << id << " claimed " << n << " times";
  EXPECT_EQ(this->db_->read([&](Tx& t) { return t.delivery_queue().depth(now); })->pending, 0);
}

REGISTER_TYPED_TEST_SUITE_P(
    StorageConformance, PingAndBackend, MigrationsAreRecordedAndIdempotent,
    FreshDatabaseIsNotMigratedOnOpen, NewerSchemaIsRefused, ConcurrentOpenAndMigrateIsSafe,
    ErrorResultRollsBack, ExceptionsRollBack, FailedWriteKeepsTransactionUsable,
    NestedTransactionIsAnError, ReadTransactionRejectsWrites, ConcurrentWritersAllSucceed,
    InstancesEnsureIsIdempotentAndLowercases, UserRoundTrip, UserUniqueness,
    UserAndGroupShareTheHandleNamespace, LocalHandleCheckConstraint, UserAccountUpdate,
    ListUsersPagesById, ActorsByPublicKeyId, ActorMultikeys, RemoteActorUpsert, ActorProfileUpdate,
    InstanceActor, CommunityCreateWithOwner, CommunityCreateFailureLeavesNothing,
    CommunityListScopesAndCounts, CommunityUpdateAndRules, Memberships, Follows, ThreadsAndComments,
    PostEditHistory, SoftDeleteLeavesATombstone, CommunityTimelinePinnedFirst, Reactions,
    InboxDedupeAndWorkLog, EnqueueDedupesInboxesInTheCallersTransaction,
    ClaimIsFifoPerHostWithinLimits, LeasesExpireAndReleaseAndPermanentFailuresStop,
    PeerCircuitBreaker, ConcurrentClaimersNeverShareADelivery);

}  // namespace guildhall::storage::testing
