// The conformance suite on PostgreSQL. Needs GUILDHALL_TEST_POSTGRES_URL (set by the CTest
// fixture `postgres`); without it the tests skip, or fail under CI=true.

#include "conformance.hpp"

// Declared at global scope so that test names read Storage.Test<Postgres>.
struct Postgres final : guildhall::storage::testing::PostgresBackend {};

namespace guildhall::storage::testing {

INSTANTIATE_TYPED_TEST_SUITE_P(Storage, StorageConformance, ::Postgres);

}  // namespace guildhall::storage::testing
