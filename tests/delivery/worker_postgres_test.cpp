// The delivery worker suite on PostgreSQL. Needs GUILDHALL_TEST_POSTGRES_URL (set by the CTest
// fixture `postgres`); without it the tests skip, or fail under CI=true.

#include "worker_suite.hpp"

// Declared at global scope so that test names read Delivery.Test<Postgres>.
struct Postgres final : guildhall::storage::testing::PostgresBackend {};

namespace guildhall::federation::delivery::testing {

INSTANTIATE_TYPED_TEST_SUITE_P(Delivery, DeliveryWorkerTest, ::Postgres);

}  // namespace guildhall::federation::delivery::testing
