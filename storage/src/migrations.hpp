#pragma once

#include <string_view>
#include <vector>

namespace guildhall::storage::detail {

struct EmbeddedMigration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Defined in the generated embedded_migrations.cpp, in version order.
const std::vector<EmbeddedMigration>& sqlite_migrations();
const std::vector<EmbeddedMigration>& postgres_migrations();

}  // namespace guildhall::storage::detail
