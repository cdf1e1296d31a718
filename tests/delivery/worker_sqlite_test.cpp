// The delivery worker suite on SQLite.

#include "worker_suite.hpp"

// Declared at global scope so that test names read Delivery.Test<Sqlite>.
struct Sqlite final : guildhall::storage::testing::SqliteBackend {};

namespace guildhall::federation::delivery::testing {

INSTANTIATE_TYPED_TEST_SUITE_P(Delivery, DeliveryWorkerTest, ::Sqlite);

}  // namespace guildhall::federation::delivery::testing
