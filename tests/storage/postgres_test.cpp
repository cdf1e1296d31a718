// The conformance suite on PostgreSQL. Needs GUILDHALL_TEST_POSTGRES_URL (set by the CTest
// fixture `postgres`); without it the tests skip, or fail under CI=true.

#include <pqxx/pqxx>

#include "admin_conformance.hpp"
#include "change_feed_conformance.hpp"
#include "client_api_conformance.hpp"
#include "community_content_conformance.hpp"
#include "community_log_conformance.hpp"
#include "community_queries_conformance.hpp"
#include "conformance.hpp"
#include "media_conformance.hpp"

// Declared at global scope so that test names read Storage.Test<Postgres>.
struct Postgres final : guildhall::storage::testing::PostgresBackend {};

namespace guildhall::storage::testing {

INSTANTIATE_TYPED_TEST_SUITE_P(Storage, StorageConformance, ::Postgres);
INSTANTIATE_TYPED_TEST_SUITE_P(Storage, CommunityLogConformance, ::Postgres);
INSTANTIATE_TYPED_TEST_SUITE_P(Storage, CommunityQueriesConformance, ::Postgres);
INSTANTIATE_TYPED_TEST_SUITE_P(Storage, CommunityContentConformance, ::Postgres);
INSTANTIATE_TYPED_TEST_SUITE_P(Storage, MediaConformance, ::Postgres);
INSTANTIATE_TYPED_TEST_SUITE_P(ClientApi, ClientApiConformance, ::Postgres);
INSTANTIATE_TYPED_TEST_SUITE_P(Changes, ChangeFeedConformance, ::Postgres);
INSTANTIATE_TYPED_TEST_SUITE_P(Admin, AdminConformance, ::Postgres);

}  // namespace guildhall::storage::testing

namespace guildhall::storage::testing {

TEST(StorageSchemaPostgres, EveryForeignKeyIsIndexed) {
  PostgresBackend backend;
  std::string reason;
  const std::string url = backend.create(reason);
  if (url.empty()) {
    if (running_in_ci())
      FAIL() << reason;
    GTEST_SKIP() << reason;
  }
  ASSERT_OK(open_database(url).value()->migrate());
  pqxx::connection c(url);
  const auto rows = pqxx::nontransaction(c).exec(
      "SELECT c.conrelid::regclass::text || '.' || a.attname AS col FROM pg_constraint c "
      "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
      "WHERE c.contype = 'f' AND NOT EXISTS (SELECT 1 FROM pg_index i "
      "WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])");
  std::vector<std::string> missing;
  for (const auto& row : rows)
    missing.push_back(row[0].c_str());
  EXPECT_TRUE(missing.empty()) << "unindexed foreign keys: " << ::testing::PrintToString(missing);
}

}  // namespace guildhall::storage::testing
