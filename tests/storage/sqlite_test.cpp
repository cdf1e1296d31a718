// The conformance suite on SQLite, plus SQLite- and URL-specific checks.

#include <sqlite3.h>

#include "admin_conformance.hpp"
#include "change_feed_conformance.hpp"
#include "client_api_conformance.hpp"
#include "community_content_conformance.hpp"
#include "community_log_conformance.hpp"
#include "community_queries_conformance.hpp"
#include "conformance.hpp"
#include "media_conformance.hpp"

// Declared at global scope so that test names read Storage.Test<Sqlite>.
struct Sqlite final : guildhall::storage::testing::SqliteBackend {};

namespace guildhall::storage::testing {

INSTANTIATE_TYPED_TEST_SUITE_P(Storage, StorageConformance, ::Sqlite);
INSTANTIATE_TYPED_TEST_SUITE_P(Storage, CommunityLogConformance, ::Sqlite);
INSTANTIATE_TYPED_TEST_SUITE_P(Storage, CommunityQueriesConformance, ::Sqlite);
INSTANTIATE_TYPED_TEST_SUITE_P(Storage, CommunityContentConformance, ::Sqlite);
INSTANTIATE_TYPED_TEST_SUITE_P(Storage, MediaConformance, ::Sqlite);
INSTANTIATE_TYPED_TEST_SUITE_P(ClientApi, ClientApiConformance, ::Sqlite);
INSTANTIATE_TYPED_TEST_SUITE_P(Changes, ChangeFeedConformance, ::Sqlite);
INSTANTIATE_TYPED_TEST_SUITE_P(Admin, AdminConformance, ::Sqlite);

TEST(StorageOpen, InMemoryDatabaseWorks) {
  auto db = open_database("sqlite::memory:");
  ASSERT_OK(db);
  ASSERT_OK((*db)->migrate());
  ASSERT_OK((*db)->transact([](Tx& t) { return t.users().create(new_user("alice")); }));
  // Reads share the single connection of an in-memory database.
  auto u = (*db)->read([](Tx& t) { return t.users().get_by_handle("alice"); });
  ASSERT_OK(u);
  EXPECT_EQ(u->actor.handle, "alice");
  EXPECT_FALSE((*db)->read([](Tx& t) { return t.users().create(new_user("bob")); }).ok());
  ASSERT_OK((*db)->transact([](Tx& t) { return t.users().create(new_user("bob")); }));
}

TEST(StorageOpen, UnknownSchemeIsInvalidInput) {
  for (const char* url : {"mysql://x", "", "sqlite:", "file:/tmp/x.db"}) {
    auto db = open_database(url);
    ASSERT_FALSE(db.ok()) << url;
    EXPECT_EQ(db.error().kind, core::ErrorKind::invalid_input) << url;
  }
}

TEST(StorageOpen, UnreachableDatabaseIsUnavailable) {
  auto pg = open_database("postgresql:///postgres?host=/nonexistent/guildhall-socket-dir");
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.error().kind, core::ErrorKind::unavailable) << pg.error().message;
  auto sq = open_database("sqlite:/nonexistent/dir/guildhall.db");
  ASSERT_FALSE(sq.ok());
  EXPECT_EQ(sq.error().kind, core::ErrorKind::unavailable) << sq.error().message;
}

TEST(StorageOpen, PostgresUrlRewriting) {
  EXPECT_EQ(with_database("postgresql:///postgres?host=/tmp/x&user=p", "t1"),
            "postgresql:///t1?host=/tmp/x&user=p");
  EXPECT_EQ(with_database("postgres://u@h:5/db", "t2"), "postgres://u@h:5/t2");
  EXPECT_EQ(with_database("postgresql://h?sslmode=disable", "t3"),
            "postgresql://h/t3?sslmode=disable");
}

TEST(StorageOpen, WriterLockTimeoutIsUnavailable) {
  // Another process holds the write lock longer than our busy timeout: we must fail cleanly
  // with unavailable, not hang and not throw.
  SqliteBackend backend;
  std::string reason;
  const std::string url = backend.create(reason);
  DatabaseOptions options;
  options.busy_timeout = std::chrono::milliseconds(100);
  auto db = open_database(url, options).value();
  ASSERT_OK(db->migrate());
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(url.substr(7).c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto r = db->transact([](Tx& t) { return t.users().create(new_user("alice")); });
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, core::ErrorKind::unavailable) << r.error().message;
  ASSERT_OK(db->transact([](Tx& t) { return t.users().create(new_user("alice")); }));
}

}  // namespace guildhall::storage::testing

namespace guildhall::storage::testing {

TEST(StorageSchema, EveryForeignKeyIsIndexed) {
  // Deleting a parent row scans the child table for an unindexed foreign key (security
  // catalogue 3.5 d).
  SqliteBackend backend;
  std::string reason;
  const std::string url = backend.create(reason);
  ASSERT_OK(open_database(url).value()->migrate());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(url.substr(7).c_str(), &db), SQLITE_OK);
  const char* sql =
      "SELECT m.name AS tbl, f.\"from\" AS col FROM sqlite_master m "
      "JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND NOT EXISTS ("
      "  SELECT 1 FROM pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii "
      "  WHERE ii.seqno = 0 AND ii.name = f.\"from\") AND NOT EXISTS ("
      "  SELECT 1 FROM pragma_table_info(m.name) ti WHERE ti.pk = 1 AND ti.name = f.\"from\")";
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::vector<std::string> missing;
  while (sqlite3_step(stmt) == SQLITE_ROW)
    missing.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) +
                      "." + reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  EXPECT_TRUE(missing.empty()) << "unindexed foreign keys: " << ::testing::PrintToString(missing);
}

}  // namespace guildhall::storage::testing
